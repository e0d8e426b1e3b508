import { describe, expect, it } from "vitest";
import {
  acceptAttachment,
  addAttachment,
  allowedReportActions,
  attachmentRequestSchema,
  formUploadFileName,
  formUploadPrefix,
  hasBeenSubmitted,
  MAX_ATTACHMENTS,
  newReport,
  REPORT_ACTIONS,
  REPORT_STATUSES,
  reviewReport,
  saveDraft,
  submitReport,
  type Attachment,
  type Report,
  type ReportAction,
  type ReportResult,
  type ReportStatus,
} from "../../functions/domain/reports";
import { CONTACT, completeReportContent } from "../reports/fixtures";

const NOW = new Date("2026-03-20T10:00:00Z");
const scope = { agreementId: "agr-1", requirementId: "verksamhet", dueDate: "2026-03-31", contactEmail: CONTACT };

function value<T>(result: ReportResult<T>): T {
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

function reportIn(status: ReportStatus): Report {
  return { ...value(saveDraft(newReport(scope, NOW), completeReportContent(), CONTACT, NOW)), status };
}

const attachment = (id: string): Attachment => ({
  id,
  fileName: "a.pdf",
  contentType: "application/pdf",
  size: 10,
  key: `attachments/${id}`,
  status: "pending",
  addedAt: NOW.toISOString(),
});

/** Runs an action on a report; true when the rules allow it. */
function attempt(report: Report, action: ReportAction): boolean {
  switch (action) {
    case "save":
      return saveDraft(report, { peopleReached: 1 }, CONTACT, NOW).ok;
    case "attach":
      return addAttachment(report, attachment("x"), NOW).ok;
    case "submit":
      return submitReport(report, CONTACT, NOW).ok;
    case "review":
      return reviewReport(report, { outcome: "accepted", comment: "" }, "editor@example.se", NOW).ok;
  }
}

describe("the report status matrix", () => {
  it("allows each action exactly in the statuses the table says", () => {
    const matrix = Object.fromEntries(REPORT_STATUSES.map((status) => [status, REPORT_ACTIONS.filter((action) => attempt(reportIn(status), action))]));

    expect(matrix).toEqual({
      draft: ["save", "attach", "submit"],
      submitted: ["review"],
      accepted: [],
      "supplement-requested": ["save", "attach", "submit"],
    });
    for (const status of REPORT_STATUSES) expect(matrix[status]).toEqual(allowedReportActions(status));
  });

  it("refuses with the actions allowed now", () => {
    const refused = saveDraft(reportIn("submitted"), {}, CONTACT, NOW);

    expect(refused).toEqual({
      ok: false,
      error: { code: "not_allowed", message: "Cannot save a report that is submitted and waiting for review", allowedActions: ["review"], fieldErrors: [] },
    });
  });
});

describe("report rules", () => {
  it("saves any valid subset as a draft, and refuses invalid fields and unknown ones", () => {
    const draft = newReport(scope, NOW);

    expect(value(saveDraft(draft, { peopleReached: 3 }, CONTACT, NOW))).toMatchObject({ version: 1, content: { peopleReached: 3 } });
    const invalid = saveDraft(draft, { peopleReached: -1, money: { receivedSek: 1.5, spentSek: 0 }, secret: 1 }, CONTACT, NOW);
    expect(invalid.ok ? [] : invalid.error.fieldErrors.map((error) => error.path)).toEqual(["peopleReached", "money.receivedSek", "secret"]);
  });

  it("submits a complete report as version 1 with a receipt of exactly what was submitted, accepted attachments only", () => {
    const withFiles = value(acceptAttachment(value(addAttachment(value(addAttachment(reportIn("draft"), attachment("a"), NOW)), attachment("b"), NOW)), "a", "attachments/a", NOW));

    const { report, version } = value(submitReport(withFiles, CONTACT, NOW));

    expect(report).toMatchObject({ status: "submitted", submissions: 1, history: [{ action: "submitted", by: CONTACT, at: NOW.toISOString() }] });
    expect(version.number).toBe(1);
    expect(version.attachments.map((file) => file.id)).toEqual(["a"]);
    expect(version.receipt).toMatchObject({ number: "agr-1/2026-03-31_verksamhet/1", submittedBy: CONTACT, attachments: [{ fileName: "a.pdf", size: 10 }] });
    expect(hasBeenSubmitted(report)).toBe(true);
    expect(hasBeenSubmitted(withFiles)).toBe(false);
  });

  it("refuses an incomplete report with each missing field named", () => {
    const refused = submitReport(value(saveDraft(newReport(scope, NOW), { peopleReached: 2 }, CONTACT, NOW)), CONTACT, NOW);

    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.error.code).toBe("incomplete");
      expect(refused.error.fieldErrors).toEqual(
        expect.arrayContaining([
          { path: "activities", message: "Required", code: "required" },
          { path: "money", message: "Required", code: "required" },
        ]),
      );
    }
  });

  it("keeps a supplement request's comment until the resubmission, which is version 2", () => {
    const { report } = value(submitReport(reportIn("draft"), CONTACT, NOW));
    const sentBack = value(reviewReport(report, { outcome: "supplement-requested", comment: "Mer om ekonomin" }, "e@example.se", NOW));
    expect(sentBack.reviewComment).toBe("Mer om ekonomin");

    const again = value(submitReport(sentBack, CONTACT, NOW));
    expect(again.version.number).toBe(2);
    expect(again.report).toMatchObject({ status: "submitted", reviewComment: null, submissions: 2 });
  });

  it(`takes at most ${MAX_ATTACHMENTS} attachments`, () => {
    let report = reportIn("draft");
    for (let index = 0; index < MAX_ATTACHMENTS; index++) report = value(addAttachment(report, attachment(String(index)), NOW));

    expect(addAttachment(report, attachment("one-more"), NOW)).toMatchObject({ ok: false, error: { code: "too_many_attachments" } });
  });
});

describe("attachments", () => {
  it("takes the allowed types by content type and extension, up to 25 MB", () => {
    const ok = (fileName: string, contentType: string, size = 100) => attachmentRequestSchema.safeParse({ fileName, contentType, size }).success;

    expect(ok("a.pdf", "application/pdf")).toBe(true);
    expect(ok("A.DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")).toBe(true);
    expect(ok("b.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")).toBe(true);
    expect(ok("c.odt", "application/vnd.oasis.opendocument.text")).toBe(true);
    expect(ok("d.png", "image/png")).toBe(true);
    expect(ok("e.jpeg", "image/jpeg")).toBe(true);
    expect(ok("f.jpg", "image/jpeg", 25 * 1024 * 1024)).toBe(true);
    expect(ok("f.jpg", "image/jpeg", 25 * 1024 * 1024 + 1)).toBe(false);
    expect(ok("g.pdf.exe", "application/pdf")).toBe(false);
    expect(ok("h.pdf", "application/x-pdf")).toBe(false);
    expect(ok("i.gif", "image/gif")).toBe(false);
    expect(ok("../j.pdf", "application/pdf")).toBe(false);
    expect(ok("k.pdf", "application/pdf", 0)).toBe(false);
  });

  it("names a form upload's key after its report, and reads the file's name back only from that report's keys", () => {
    const ours = { agreementId: "agr-1", reportId: "2026-03-31_verksamhet" };
    const theirs = { agreementId: "agr-2", reportId: "2026-03-31_verksamhet" };
    const random = "0b6f5a4e-2d2c-4f51-9d3e-6a1c1c1d2e3f";
    const prefix = formUploadPrefix(ours, random);

    expect(prefix).toMatch(/^pending\/form\/[0-9a-f]{32}\/0b6f5a4e-2d2c-4f51-9d3e-6a1c1c1d2e3f\/$/);
    expect(formUploadPrefix(ours, random)).toBe(prefix);
    expect(formUploadPrefix(theirs, random)).not.toBe(prefix);
    expect(formUploadFileName(ours, `${prefix}Årsberättelse 2025.pdf`)).toBe("Årsberättelse 2025.pdf");
    // No file chosen: S3 puts an empty name in the key.
    expect(formUploadFileName(ours, prefix)).toBe("");
    expect(formUploadFileName(theirs, `${prefix}a.pdf`)).toBeNull();
    expect(formUploadFileName(ours, `pending/${random}`)).toBeNull();
    expect(formUploadFileName(ours, `${prefix.replace(random, "not-a-random-part")}a.pdf`)).toBeNull();
  });
});
