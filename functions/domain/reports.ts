/**
 * An association's report for one due date of one reporting requirement: its content, its status and its
 * submitted versions. Pure rules: the caller passes the time and says who acts; the result says what to write.
 *
 *   draft ──submit──▶ submitted ──review──▶ accepted
 *                        ▲          └─────▶ supplement-requested ──submit──▶ submitted …
 *
 * Each submission is kept as an immutable version with its receipt; the report item holds the working copy.
 */
import { createHash } from "node:crypto";
import * as z from "zod";
import { calendarDateSchema, kronorSchema, type Agreement, type ReportingRequirement } from "./agreement";
import { addDays, endOfDay, stockholmDate, type CalendarDate } from "./dates";
import { fieldErrorsFromZod, type FieldError } from "./errors";

export const REPORT_STATUSES = ["draft", "submitted", "accepted", "supplement-requested"] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

export const REPORT_ACTIONS = ["save", "attach", "submit", "review"] as const;
export type ReportAction = (typeof REPORT_ACTIONS)[number];

const ALLOWED: Record<ReportStatus, readonly ReportAction[]> = {
  draft: ["save", "attach", "submit"],
  submitted: ["review"],
  accepted: [],
  "supplement-requested": ["save", "attach", "submit"],
};

export function allowedReportActions(status: ReportStatus): readonly ReportAction[] {
  return ALLOWED[status];
}

/** The report came in for its due date: it was submitted at least once, whatever the review said since. */
export function hasBeenSubmitted(report: Pick<Report, "status">): boolean {
  return report.status !== "draft";
}

/** Open for the association to work on: not yet submitted, or sent back for a supplement. */
export function isOpenForAssociation(report: Pick<Report, "status"> | null): boolean {
  return report === null || allowedReportActions(report.status).includes("submit");
}

const text = (max: number) => z.string().trim().min(1, "Required").max(max, `At most ${max} characters`);

export const reportContentSchema = z.object({
  activities: z
    .array(
      z.object({
        description: text(2000),
        /** The sub-effort (delinsats) the activity belongs to, by name, when the agreement has sub-efforts. */
        subEffort: text(200).optional(),
      }),
    )
    .min(1, "At least one activity")
    .max(100, "At most 100 activities"),
  peopleReached: z.number().int("A whole number").min(0, "Cannot be negative").max(10_000_000, "Too large"),
  outcomes: z
    .array(z.object({ goal: text(500), outcome: text(5000) }))
    .min(1, "At least one outcome against the agreement's goals")
    .max(50, "At most 50 outcomes"),
  money: z.object({ receivedSek: kronorSchema, spentSek: kronorSchema }),
  comments: z.string().trim().max(10_000, "At most 10000 characters").default(""),
});
export type ReportContent = z.infer<typeof reportContentSchema>;

/** What a draft may hold: any subset of the content, each field given valid. */
export const draftReportContentSchema = reportContentSchema.partial();
export type DraftReportContent = z.infer<typeof draftReportContentSchema>;

export const REPORT_REVIEW_OUTCOMES = ["accepted", "supplement-requested"] as const;

export const reviewSchema = z
  .object({
    outcome: z.enum(REPORT_REVIEW_OUTCOMES),
    comment: z.string().trim().max(5000, "At most 5000 characters").default(""),
  })
  .refine((review) => review.outcome !== "supplement-requested" || review.comment !== "", {
    message: "Say what the association should add",
    path: ["comment"],
  });
export type ReviewInput = z.infer<typeof reviewSchema>;

/** Files an association may attach: by content type, each with the extensions it may have. */
export const ATTACHMENT_TYPES = {
  "application/pdf": [".pdf"],
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": [".docx"],
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": [".xlsx"],
  "application/vnd.oasis.opendocument.text": [".odt"],
  "image/png": [".png"],
  "image/jpeg": [".jpg", ".jpeg"],
} as const satisfies Record<string, readonly string[]>;
export type AttachmentType = keyof typeof ATTACHMENT_TYPES;
export const MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;

/** The type a file's name says it has, by its extension; null for a file of no type accepted here. */
export function attachmentTypeOf(fileName: string): AttachmentType | null {
  const name = fileName.toLowerCase();
  const found = Object.entries(ATTACHMENT_TYPES).find(([, extensions]) => extensions.some((extension) => name.endsWith(extension)));
  return found === undefined ? null : (found[0] as AttachmentType);
}
export const MAX_ATTACHMENTS = 20;
/**
 * How long an upload may take: the presigned URL works this long, and a pending attachment not confirmed by then
 * no longer counts toward {@link MAX_ATTACHMENTS} and is dropped at the next attachment (its object, kept under
 * {@link PENDING_UPLOAD_PREFIX}, is removed by the bucket's lifecycle rule: infra/Storage.ts).
 */
export const UPLOAD_SECONDS = 15 * 60;
/** Where uploads land until confirmed; confirming moves the object out of it. */
export const PENDING_UPLOAD_PREFIX = "pending/";

/** The object key of a new upload: random, never the file name. */
export function pendingUploadKey(random: string): string {
  return `${PENDING_UPLOAD_PREFIX}${random}`;
}

/**
 * How long the attachments page's upload form (without JavaScript) may be posted: it is signed when the page is
 * shown, and a person may read the page a while before choosing a file. Past it S3 answers its own error page.
 */
export const UPLOAD_FORM_SECONDS = 60 * 60;

/**
 * The key prefix of one upload from the attachments page's form to this report: S3 puts the file's name after it
 * (the form's key is this prefix and `${filename}`), the only way a file's name reaches the app from such a post.
 * The report's part is a digest of its ids, so a key names the one report it may be registered with.
 */
export function formUploadPrefix(report: Pick<Report, "agreementId" | "reportId">, random: string): string {
  return `${PENDING_UPLOAD_PREFIX}form/${reportKeyPart(report)}/${random}/`;
}

/** The file name a form upload's key carries, or null when the key is not one of this report's form uploads. */
export function formUploadFileName(report: Pick<Report, "agreementId" | "reportId">, key: string): string | null {
  const prefix = `${PENDING_UPLOAD_PREFIX}form/${reportKeyPart(report)}/`;
  if (!key.startsWith(prefix)) return null;
  const match = /^[0-9a-f-]{36}\/(.*)$/.exec(key.slice(prefix.length));
  return match === null ? null : match[1]!;
}

function reportKeyPart({ agreementId, reportId }: Pick<Report, "agreementId" | "reportId">): string {
  return createHash("sha256").update(`${agreementId}\n${reportId}`).digest("hex").slice(0, 32);
}

/** Where a confirmed upload's object is kept: out of the pending uploads the lifecycle rule removes. */
export function confirmedKeyOf(key: string): string {
  return key.startsWith(PENDING_UPLOAD_PREFIX) ? `attachments/${key.slice(PENDING_UPLOAD_PREFIX.length)}` : key;
}

export const attachmentRequestSchema = z
  .strictObject({
    fileName: text(200).refine((name) => !/[/\\]/.test(name), "A file name, not a path"),
    contentType: z.string().max(200),
    size: z.number().int("A whole number of bytes").min(1, "The file is empty").max(MAX_ATTACHMENT_BYTES, "At most 25 MB"),
  })
  .superRefine((request, context) => {
    const extensions: readonly string[] | undefined = ATTACHMENT_TYPES[request.contentType as AttachmentType];
    if (extensions === undefined) {
      context.addIssue({ code: "custom", path: ["contentType"], message: "Only PDF, DOCX, XLSX, ODT, PNG and JPEG files" });
    } else if (!extensions.some((extension) => request.fileName.toLowerCase().endsWith(extension))) {
      context.addIssue({ code: "custom", path: ["fileName"], message: `A ${request.contentType} file ends with ${extensions.join(" or ")}` });
    }
  });
export type AttachmentRequest = z.infer<typeof attachmentRequestSchema>;

export interface Attachment {
  id: string;
  fileName: string;
  contentType: AttachmentType;
  size: number;
  /** The object's key in the bucket: random, never the file name; under {@link PENDING_UPLOAD_PREFIX} while pending. */
  key: string;
  /** `pending` until the upload is checked; only accepted attachments are part of a submission. */
  status: "pending" | "accepted";
  addedAt: string;
}

export interface ReportHistoryEntry {
  at: string;
  action: "submitted" | "accepted" | "supplement-requested";
  /** The association contact's address, or the reviewer's. */
  by: string;
  comment?: string;
}

export interface Report {
  agreementId: string;
  reportId: string;
  requirementId: string;
  dueDate: CalendarDate;
  status: ReportStatus;
  /** Increases with every write; writes are conditioned on it. */
  version: number;
  content: DraftReportContent;
  attachments: Attachment[];
  /** How many versions were submitted. */
  submissions: number;
  /** The latest review's comment, while a supplement is requested. */
  reviewComment: string | null;
  /** Where review emails go: the contact whose link last saved or submitted. */
  contactEmail: string;
  history: ReportHistoryEntry[];
  createdAt: string;
  updatedAt: string;
}

export interface Receipt {
  /** Quoted by the association if they ask about it: agreement, report and version. */
  number: string;
  submittedAt: string;
  submittedBy: string;
  /** SHA-256 of exactly what was submitted (content and attachments), hex. */
  digest: string;
  attachments: { fileName: string; size: number }[];
}

/** One submission, never changed once written. */
export interface ReportVersion {
  agreementId: string;
  reportId: string;
  number: number;
  content: ReportContent;
  attachments: Attachment[];
  receipt: Receipt;
}

export type ReportErrorCode = "not_allowed" | "incomplete" | "invalid" | "too_many_attachments" | "unknown_attachment";

export interface ReportError {
  code: ReportErrorCode;
  message: string;
  allowedActions: readonly ReportAction[];
  fieldErrors: FieldError[];
}

export type ReportResult<T> = { ok: true; value: T } | { ok: false; error: ReportError };

const REPORT_ID = /^(\d{4}-\d{2}-\d{2})_([a-z0-9-]{1,40})$/;

/** One report per requirement and due date: the id says which, and sorts the reports by due date. */
/**
 * How long a report link made at `now` for `days` days works: to the end of its last day, Stockholm time, so the
 * email can name that day and mean it ("till och med 31 mars").
 */
export function reportLinkValidity(now: Date, days: number): { lastDay: CalendarDate; expiresAt: Date } {
  const lastDay = addDays(stockholmDate(now), days);
  return { lastDay, expiresAt: endOfDay(lastDay) };
}

export function reportIdOf(requirementId: string, dueDate: CalendarDate): string {
  return `${dueDate}_${requirementId}`;
}

export function isReportId(value: string): boolean {
  return REPORT_ID.test(value);
}

/** The requirement and due date a report answers, when the agreement has them. */
export function requirementFor(
  agreement: Pick<Agreement, "reportingRequirements">,
  requirementId: string,
  dueDate: CalendarDate,
): ReportingRequirement | null {
  const requirement = (agreement.reportingRequirements ?? []).find((candidate) => candidate.id === requirementId);
  return requirement !== undefined && requirement.dueDates.includes(dueDate) ? requirement : null;
}

function refusal<T>(status: ReportStatus, code: ReportErrorCode, message: string, fieldErrors: FieldError[] = []): ReportResult<T> {
  return { ok: false, error: { code, message, allowedActions: allowedReportActions(status), fieldErrors } };
}

function notAllowed<T>(report: Report, action: ReportAction): ReportResult<T> | null {
  if (allowedReportActions(report.status).includes(action)) return null;
  const describe: Record<ReportStatus, string> = {
    draft: "is a draft",
    submitted: "is submitted and waiting for review",
    accepted: "is accepted",
    "supplement-requested": "is sent back for a supplement",
  };
  return refusal(report.status, "not_allowed", `Cannot ${action} a report that ${describe[report.status]}`);
}

function touched(report: Report, now: Date, patch: Partial<Report>): Report {
  return { ...report, ...patch, version: report.version + 1, updatedAt: now.toISOString() };
}

/** A new, empty draft for a requirement's due date; written on its first save. */
export function newReport(scope: { agreementId: string; requirementId: string; dueDate: CalendarDate; contactEmail: string }, now: Date): Report {
  return {
    ...scope,
    reportId: reportIdOf(scope.requirementId, scope.dueDate),
    status: "draft",
    version: 0,
    content: {},
    attachments: [],
    submissions: 0,
    reviewComment: null,
    history: [],
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
}

/** Replaces the working copy with `content`, which may be incomplete; each field given must be valid. */
export function saveDraft(report: Report, content: unknown, contactEmail: string, now: Date): ReportResult<Report> {
  const refused = notAllowed<Report>(report, "save");
  if (refused !== null) return refused;
  const parsed = draftReportContentSchema.strict().safeParse(content);
  if (!parsed.success) return refusal(report.status, "invalid", "The report has invalid fields", fieldErrorsFromZod(parsed.error));
  return { ok: true, value: touched(report, now, { content: parsed.data, contactEmail }) };
}

/** A pending attachment whose upload URL has stopped working: it will never be confirmed. */
export function uploadExpired(attachment: Pick<Attachment, "status" | "addedAt">, now: Date): boolean {
  return attachment.status === "pending" && new Date(attachment.addedAt).getTime() + UPLOAD_SECONDS * 1000 <= now.getTime();
}

/** Adds an attachment whose upload has not been checked yet; pending ones whose upload expired are dropped. */
export function addAttachment(report: Report, attachment: Attachment, now: Date): ReportResult<Report> {
  const refused = notAllowed<Report>(report, "attach");
  if (refused !== null) return refused;
  const kept = report.attachments.filter((existing) => !uploadExpired(existing, now));
  if (kept.length >= MAX_ATTACHMENTS) {
    return refusal(report.status, "too_many_attachments", `A report can have at most ${MAX_ATTACHMENTS} attachments`);
  }
  return { ok: true, value: touched(report, now, { attachments: [...kept, attachment] }) };
}

/** The attachment's upload was checked and its object kept under `key`: it becomes part of the report. */
export function acceptAttachment(report: Report, attachmentId: string, key: string, now: Date): ReportResult<Report> {
  const refused = notAllowed<Report>(report, "attach");
  if (refused !== null) return refused;
  if (!report.attachments.some((attachment) => attachment.id === attachmentId)) {
    return refusal(report.status, "unknown_attachment", "The report has no such attachment");
  }
  const attachments = report.attachments.map((attachment) =>
    attachment.id === attachmentId ? { ...attachment, key, status: "accepted" as const } : attachment,
  );
  return { ok: true, value: touched(report, now, { attachments }) };
}

/** The association takes an attachment off the working copy before submitting it. */
export function removeAttachment(report: Report, attachmentId: string, now: Date): ReportResult<Report> {
  const refused = notAllowed<Report>(report, "attach");
  if (refused !== null) return refused;
  if (!report.attachments.some((attachment) => attachment.id === attachmentId)) {
    return refusal(report.status, "unknown_attachment", "The report has no such attachment");
  }
  return { ok: true, value: dropAttachment(report, attachmentId, now) };
}

/** The attachment's upload was refused (or never came): it is dropped. */
export function dropAttachment(report: Report, attachmentId: string, now: Date): Report {
  return touched(report, now, { attachments: report.attachments.filter((attachment) => attachment.id !== attachmentId) });
}

function digestOf(content: ReportContent, attachments: readonly Attachment[]): string {
  const submitted = { content, attachments: attachments.map(({ fileName, contentType, size, key }) => ({ fileName, contentType, size, key })) };
  return createHash("sha256").update(JSON.stringify(submitted)).digest("hex");
}

/**
 * Submits the working copy as a new version with a receipt. The content must be complete; attachments whose
 * upload was never checked are left out of the version (and stay pending on the report).
 */
export function submitReport(report: Report, contactEmail: string, now: Date): ReportResult<{ report: Report; version: ReportVersion }> {
  const refused = notAllowed<{ report: Report; version: ReportVersion }>(report, "submit");
  if (refused !== null) return refused;
  const parsed = reportContentSchema.safeParse(report.content);
  if (!parsed.success) {
    const errors = fieldErrorsFromZod(parsed.error).map((error) =>
      error.message.startsWith("Invalid input") ? { ...error, message: "Required" } : error,
    );
    return refusal(report.status, "incomplete", "The report is not complete; save the missing fields first", errors);
  }
  const at = now.toISOString();
  const number = report.submissions + 1;
  const attachments = report.attachments.filter((attachment) => attachment.status === "accepted");
  const receipt: Receipt = {
    number: `${report.agreementId}/${report.reportId}/${number}`,
    submittedAt: at,
    submittedBy: contactEmail,
    digest: digestOf(parsed.data, attachments),
    attachments: attachments.map(({ fileName, size }) => ({ fileName, size })),
  };
  const version: ReportVersion = { agreementId: report.agreementId, reportId: report.reportId, number, content: parsed.data, attachments, receipt };
  const submitted = touched(report, now, {
    status: "submitted",
    submissions: number,
    reviewComment: null,
    contactEmail,
    history: [...report.history, { at, action: "submitted", by: contactEmail }],
  });
  return { ok: true, value: { report: submitted, version } };
}

/** Staff review of the latest submission: accept it, or send it back with what to add. */
export function reviewReport(report: Report, review: ReviewInput, reviewer: string, now: Date): ReportResult<Report> {
  const refused = notAllowed<Report>(report, "review");
  if (refused !== null) return refused;
  const entry: ReportHistoryEntry = {
    at: now.toISOString(),
    action: review.outcome,
    by: reviewer,
    ...(review.comment === "" ? {} : { comment: review.comment }),
  };
  return {
    ok: true,
    value: touched(report, now, {
      status: review.outcome,
      reviewComment: review.outcome === "supplement-requested" ? review.comment : null,
      history: [...report.history, entry],
    }),
  };
}

// The shapes of a stored report and a submitted version, as the store reads them back and the API shows them.

const attachmentSchema = z.object({
  id: z.string(),
  fileName: z.string(),
  contentType: z.enum(Object.keys(ATTACHMENT_TYPES) as [AttachmentType, ...AttachmentType[]]),
  size: z.number().int(),
  key: z.string(),
  status: z.enum(["pending", "accepted"]),
  addedAt: z.string(),
});

export const storedReportSchema = z.object({
  agreementId: z.string(),
  reportId: z.string(),
  requirementId: z.string(),
  dueDate: calendarDateSchema,
  status: z.enum(REPORT_STATUSES),
  version: z.number().int().min(1),
  content: draftReportContentSchema,
  attachments: z.array(attachmentSchema),
  submissions: z.number().int().min(0),
  reviewComment: z.string().nullable(),
  contactEmail: z.string(),
  history: z.array(
    z.object({
      at: z.string(),
      action: z.enum(["submitted", "accepted", "supplement-requested"]),
      by: z.string(),
      comment: z.string().optional(),
    }),
  ),
  createdAt: z.string(),
  updatedAt: z.string(),
}) satisfies z.ZodType<Report>;

export const reportVersionSchema = z.object({
  agreementId: z.string(),
  reportId: z.string(),
  number: z.number().int().min(1),
  content: reportContentSchema,
  attachments: z.array(attachmentSchema),
  receipt: z.object({
    number: z.string(),
    submittedAt: z.string(),
    submittedBy: z.string(),
    digest: z.string(),
    attachments: z.array(z.object({ fileName: z.string(), size: z.number() })),
  }),
}) satisfies z.ZodType<ReportVersion>;

// What the association is shown: built from these schemas (which drop every other member), never the stored item,
// so nothing staff-only reaches it: no object keys, no reviewer's address, nothing added to the stored item later.

const associationAttachmentSchema = attachmentSchema.pick({ id: true, fileName: true, contentType: true, size: true, status: true });

export const associationReportSchema = storedReportSchema
  .pick({ reportId: true, requirementId: true, dueDate: true, status: true, version: true, content: true, submissions: true, reviewComment: true, createdAt: true, updatedAt: true })
  .extend({
    attachments: z.array(associationAttachmentSchema),
    /** What happened to the report, without who did it on the municipality's side. */
    history: z.array(z.object({ at: z.string(), action: z.enum(["submitted", "accepted", "supplement-requested"]), comment: z.string().optional() })),
  });
export type AssociationReport = z.infer<typeof associationReportSchema>;

export const associationVersionSchema = reportVersionSchema
  .pick({ reportId: true, number: true, content: true, receipt: true })
  .extend({ attachments: z.array(associationAttachmentSchema) });
export type AssociationVersion = z.infer<typeof associationVersionSchema>;
