// A report through the API against the real emulators: a draft saved, attachments uploaded with plain fetch to the
// presigned URL on the local S3 and checked (a wrong type, size or content refused and deleted), submitted with a receipt,
// sent back for a supplement (the association gets the email from the mail catcher), resubmitted, accepted;
// every submitted version kept.
import { readFileSync } from "node:fs";
import { HeadObjectCommand, NotFound, PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Agreement } from "../../functions/domain/agreement";
import { MAX_ATTACHMENTS, UPLOAD_SECONDS, type Receipt, type Report, type ReportVersion } from "../../functions/domain/reports";
import { docx } from "../support/zip";
import { completeReportContent } from "./fixtures";
import { startReportTestApi, tokenIn, type ReportTestApi } from "./setup";

let api: ReportTestApi;
let agreement: Agreement;
let token: string;
/** The link the supplement request sent; it ends the first. */
let freshToken: string;
const CONTACT = "kassor@mammaunited.example.se";
const REPORT_ID = "2026-03-31_verksamhet";
const PDF = new Uint8Array(readFileSync(new URL("../fixtures/attachments/verksamhetsberattelse.pdf", import.meta.url)));
const DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

interface Upload {
  attachment: { id: string; status: string };
  upload: { method: "PUT"; url: string; headers: Record<string, string> };
}

beforeAll(async () => {
  api = await startReportTestApi();
  agreement = await api.activeAgreement("Rapporter: Mamma United");
  token = await api.invite(agreement.id, { requirementId: "verksamhet", dueDate: "2026-03-31", email: CONTACT });
});
afterAll(() => api.stopAll());

async function startUpload(fileName: string, contentType: string, size: number): Promise<Upload> {
  const response = await api.request(`/api/report-links/${token}/attachments`, { method: "POST", body: { fileName, contentType, size } });
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as Upload;
}

async function put(upload: Upload, bytes: Uint8Array, headers = upload.upload.headers): Promise<number> {
  const { "Content-Length": _length, ...sent } = headers;
  return (await fetch(upload.upload.url, { method: "PUT", headers: sent, body: bytes })).status;
}

const confirm = (attachmentId: string) => api.request(`/api/report-links/${token}/attachments/${attachmentId}/confirm`, { method: "POST" });

async function objectExists(key: string): Promise<boolean> {
  const client = api.s3.createClient();
  try {
    await client.send(new HeadObjectCommand({ Bucket: api.s3.bucket, Key: key }));
    return true;
  } catch (error) {
    if (error instanceof NotFound) return false;
    throw error;
  } finally {
    client.destroy();
  }
}

/** Stores `bytes` at the attachment's key with the bucket's own credentials, as no presigned URL would let anyone. */
async function storeBehindTheUrl(attachmentId: string, bytes: Uint8Array, contentType: string): Promise<void> {
  const key = (await storedReport()).attachments.find((attachment) => attachment.id === attachmentId)!.key;
  const client = api.s3.createClient();
  try {
    await client.send(new PutObjectCommand({ Bucket: api.s3.bucket, Key: key, ContentType: contentType, Body: bytes }));
  } finally {
    client.destroy();
  }
}

const storedReport = async () => (await api.reporting.reports.get(agreement.id, REPORT_ID))!;

describe("an association's report", () => {
  it("is saved as an incomplete draft, and refuses to be submitted until complete", async () => {
    const saved = await api.request(`/api/report-links/${token}/draft`, { method: "PUT", body: { peopleReached: 150, comments: "Utkast" } });
    const submitted = await api.request(`/api/report-links/${token}/submit`, { method: "POST" });

    expect(saved.status).toBe(200);
    expect(await saved.json()).toMatchObject({ status: "draft", version: 1, content: { peopleReached: 150 } });
    expect(submitted.status).toBe(400);
    const problem = (await submitted.json()) as { errors: { path: string }[] };
    expect(problem.errors.map((error) => error.path)).toEqual(expect.arrayContaining(["activities", "outcomes", "money"]));
    expect((await storedReport()).status).toBe("draft");
  });

  it("takes a PDF uploaded to the presigned URL once its content is checked", async () => {
    const upload = await startUpload("Verksamhetsberättelse 2025.pdf", "application/pdf", PDF.length);

    expect(upload.upload.url.startsWith(api.s3.endpoint)).toBe(true);
    expect(upload.upload.url).not.toContain("Verksamhetsber");
    expect(await put(upload, PDF)).toBe(200);
    const confirmed = await confirm(upload.attachment.id);

    expect(confirmed.status).toBe(200);
    expect(((await confirmed.json()) as Report).attachments).toEqual([
      expect.objectContaining({ id: upload.attachment.id, fileName: "Verksamhetsberättelse 2025.pdf", status: "accepted", size: PDF.length }),
    ]);
  });

  it("serves a confirmed attachment to staff as a download under its name, with its checked type", async () => {
    const { attachments } = await storedReport();
    const path = `/api/agreements/${agreement.id}/reports/${REPORT_ID}/attachments/${attachments[0]!.id}`;

    const refused = await api.request(path);
    const answer = await api.request(path, { as: "viewer" });

    expect(refused.status).toBe(401);
    expect(answer.status).toBe(200);
    expect(answer.headers.get("X-Content-Type-Options")).toBe("nosniff");
    const { url, fileName, contentType } = (await answer.json()) as { url: string; fileName: string; contentType: string };
    expect({ fileName, contentType }).toEqual({ fileName: "Verksamhetsberättelse 2025.pdf", contentType: "application/pdf" });
    const download = await fetch(url);
    expect(download.status).toBe(200);
    expect(download.headers.get("Content-Type")).toBe("application/pdf");
    expect(download.headers.get("Content-Disposition")).toBe(
      `attachment; filename="Verksamhetsberattelse 2025.pdf"; filename*=UTF-8''Verksamhetsber%C3%A4ttelse%202025.pdf`,
    );
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(PDF);
    const unknown = await api.request(`/api/agreements/${agreement.id}/reports/${REPORT_ID}/attachments/3f1c1a9e-4b6d-4f7a-9d59-0c1f2a3b4c5d`, { as: "viewer" });
    expect(unknown.status).toBe(404);
  });

  it("removes an attachment before submit, and its file", async () => {
    const upload = await startUpload("Utkast.pdf", "application/pdf", PDF.length);
    expect(await put(upload, PDF)).toBe(200);
    expect((await confirm(upload.attachment.id)).status).toBe(200);
    const key = (await storedReport()).attachments.find((attachment) => attachment.id === upload.attachment.id)!.key;
    expect(await objectExists(key)).toBe(true);

    const removed = await api.request(`/api/report-links/${token}/attachments/${upload.attachment.id}`, { method: "DELETE" });

    expect(removed.status).toBe(200);
    expect(((await removed.json()) as Report).attachments.map((attachment) => attachment.id)).not.toContain(upload.attachment.id);
    expect(await objectExists(key)).toBe(false);
    expect((await api.request(`/api/report-links/${token}/attachments/${upload.attachment.id}`, { method: "DELETE" })).status).toBe(404);
  });

  it("stops counting uploads toward the cap once their upload URL has expired", async () => {
    const other = await api.invite(agreement.id, { requirementId: "verksamhet", dueDate: "2027-03-31", email: CONTACT });
    const start = () =>
      api.request(`/api/report-links/${other}/attachments`, { method: "POST", body: { fileName: "kvitto.pdf", contentType: "application/pdf", size: 100 } });
    for (let index = 0; index < MAX_ATTACHMENTS; index++) expect((await start()).status).toBe(201);
    expect((await start()).status).toBe(409);
    const started = api.clock.now();

    api.clock.set(new Date(started.getTime() + UPLOAD_SECONDS * 1000).toISOString());
    try {
      expect((await start()).status).toBe(201);
      expect((await api.reporting.reports.get(agreement.id, "2027-03-31_verksamhet"))!.attachments).toHaveLength(1);
    } finally {
      api.clock.set(started.toISOString());
    }
  });

  it("refuses a file stored with another type, deletes it and drops the attachment", async () => {
    const upload = await startUpload("bild.png", "image/png", PNG.length);
    // The upload URL is signed for its type, so S3 refuses another; confirming checks what is stored all the same.
    expect(await put(upload, PNG, { ...upload.upload.headers, "Content-Type": "application/pdf" })).toBe(403);
    await storeBehindTheUrl(upload.attachment.id, PNG, "application/pdf");
    const key = (await storedReport()).attachments.find((attachment) => attachment.id === upload.attachment.id)!.key;

    const confirmed = await confirm(upload.attachment.id);

    expect(confirmed.status).toBe(400);
    expect(await objectExists(key)).toBe(false);
    expect((await storedReport()).attachments.map((attachment) => attachment.id)).not.toContain(upload.attachment.id);
  });

  it("refuses a file whose content is not what its type says, and one of another size", async () => {
    const fake = await startUpload("faktura.pdf", "application/pdf", PNG.length);
    expect(await put(fake, PNG)).toBe(200);
    const short = await startUpload("kvitto.pdf", "application/pdf", PDF.length + 10);
    // Signed for its size too: S3 refuses a shorter body, and confirming checks the stored size all the same.
    expect(await put(short, PDF, { ...short.upload.headers })).toBe(403);
    await storeBehindTheUrl(short.attachment.id, PDF, "application/pdf");

    const fakeConfirmed = await confirm(fake.attachment.id);
    const shortConfirmed = await confirm(short.attachment.id);

    expect(fakeConfirmed.status).toBe(400);
    expect(((await fakeConfirmed.json()) as { detail: string }).detail).toContain("not application/pdf");
    expect(shortConfirmed.status).toBe(400);
    expect(((await shortConfirmed.json()) as { detail: string }).detail).toContain(`not the ${PDF.length + 10} declared`);
    expect((await storedReport()).attachments).toHaveLength(1);
  });

  it("refuses a file that only starts like a PDF, and takes a real DOCX", async () => {
    const script = new TextEncoder().encode("%PDF-1.4\n<html><script>alert(1)</script></html>");
    const disguised = await startUpload("rapport.pdf", "application/pdf", script.length);
    expect(await put(disguised, script)).toBe(200);
    const word = docx("Verksamhetsberättelse 2025");
    const real = await startUpload("Verksamhetsberättelse.docx", DOCX, word.length);
    expect(await put(real, word)).toBe(200);
    const key = (await storedReport()).attachments.find((attachment) => attachment.id === disguised.attachment.id)!.key;

    const refused = await confirm(disguised.attachment.id);
    const accepted = await confirm(real.attachment.id);

    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { detail: string }).detail).toContain("not application/pdf");
    expect(await objectExists(key)).toBe(false);
    expect(accepted.status).toBe(200);
    expect((await storedReport()).attachments.map((attachment) => [attachment.fileName, attachment.status])).toEqual(
      expect.arrayContaining([["Verksamhetsberättelse.docx", "accepted"]]),
    );
    expect((await storedReport()).attachments.map((attachment) => attachment.id)).not.toContain(disguised.attachment.id);
  });

  it("answers 409 for a confirmation before the upload, and keeps the attachment pending", async () => {
    const upload = await startUpload("senare.jpg", "image/jpeg", 1000);

    expect((await confirm(upload.attachment.id)).status).toBe(409);
    expect((await storedReport()).attachments.find((attachment) => attachment.id === upload.attachment.id)?.status).toBe("pending");
  });

  it("starts an attachment on a report never saved before", async () => {
    const financial = await api.invite(agreement.id, { requirementId: "ekonomi", dueDate: "2026-03-31", email: CONTACT });

    const response = await api.request(`/api/report-links/${financial}/attachments`, {
      method: "POST",
      body: { fileName: "Resultaträkning.xlsx", contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", size: 2048 },
    });

    expect(response.status).toBe(201);
    expect(await api.reporting.reports.get(agreement.id, "2026-03-31_ekonomi")).toMatchObject({ status: "draft", version: 1, attachments: [{ status: "pending" }] });
  });

  it("refuses types, extensions and sizes it does not take before anything is uploaded", async () => {
    const refused = [
      { fileName: "virus.exe", contentType: "application/octet-stream", size: 10 },
      { fileName: "rapport.pdf", contentType: "image/png", size: 10 },
      { fileName: "rapport.pdf", contentType: "application/pdf", size: 25 * 1024 * 1024 + 1 },
    ];
    for (const body of refused) {
      expect((await api.request(`/api/report-links/${token}/attachments`, { method: "POST", body })).status).toBe(400);
    }
  });

  it("is submitted with a receipt; the pending attachment is left out", async () => {
    await api.request(`/api/report-links/${token}/draft`, { method: "PUT", body: completeReportContent() });

    const response = await api.request(`/api/report-links/${token}/submit`, { method: "POST" });

    expect(response.status).toBe(201);
    const { receipt, report } = (await response.json()) as { receipt: Receipt; report: Report };
    expect(receipt).toMatchObject({
      number: `${agreement.id}/${REPORT_ID}/1`,
      submittedAt: api.clock.now().toISOString(),
      submittedBy: CONTACT,
      digest: expect.stringMatching(/^[0-9a-f]{64}$/),
      attachments: [
        { fileName: "Verksamhetsberättelse 2025.pdf", size: PDF.length },
        { fileName: "Verksamhetsberättelse.docx", size: docx("Verksamhetsberättelse 2025").length },
      ],
    });
    expect(report).toMatchObject({ status: "submitted", submissions: 1 });
    expect((await api.request(`/api/report-links/${token}/draft`, { method: "PUT", body: { peopleReached: 1 } })).status).toBe(409);
    expect((await api.request(`/api/report-links/${token}/submit`, { method: "POST" })).status).toBe(409);
  });

  it("is listed for staff, and a supplement request emails the association the comment and a fresh link", async () => {
    const listed = (await (await api.request(`/api/agreements/${agreement.id}/reports`, { as: "viewer" })).json()) as { items: Report[] };
    expect(listed.items.map((report) => [report.reportId, report.status])).toEqual([
      ["2026-03-31_ekonomi", "draft"],
      [REPORT_ID, "submitted"],
      ["2027-03-31_verksamhet", "draft"],
    ]);
    expect((await api.request(`/api/agreements/${agreement.id}/reports/${REPORT_ID}/review`, { method: "POST", as: "viewer", body: { outcome: "accepted" } })).status).toBe(403);
    expect((await api.request(`/api/agreements/${agreement.id}/reports/${REPORT_ID}/review`, { method: "POST", as: "editor", body: { outcome: "supplement-requested" } })).status).toBe(400);

    const reviewed = await api.request(`/api/agreements/${agreement.id}/reports/${REPORT_ID}/review`, {
      method: "POST",
      as: "editor",
      body: { outcome: "supplement-requested", comment: "Lägg till hur många som deltog i föräldragrupperna." },
    });

    expect(reviewed.status).toBe(200);
    expect(await reviewed.json()).toMatchObject({ status: "supplement-requested", reviewComment: "Lägg till hur många som deltog i föräldragrupperna." });
    const email = (await api.emailsTo(CONTACT)).at(-1)!;
    expect(email.subject).toBe("Komplettering behövs: Rapporter: Mamma United");
    expect(email.body.text).toContain("Lägg till hur många som deltog i föräldragrupperna.");
    expect(email.body.html).toContain("<blockquote>Lägg till hur många som deltog i föräldragrupperna.</blockquote>");
    freshToken = tokenIn(email);
    expect(freshToken).not.toBe(token);
    expect((await api.request(`/api/report-links/${freshToken}`)).status).toBe(200);
    expect((await api.request(`/api/report-links/${token}`)).status).toBe(404);
  });

  it("is resubmitted after the supplement, and accepted; both versions are kept", async () => {
    const supplemented = { ...completeReportContent(), peopleReached: 230, comments: "Föräldragrupperna: 16 deltagare." };
    expect((await api.request(`/api/report-links/${freshToken}/draft`, { method: "PUT", body: supplemented })).status).toBe(200);
    const resubmitted = await api.request(`/api/report-links/${freshToken}/submit`, { method: "POST" });
    expect(resubmitted.status).toBe(201);
    expect(((await resubmitted.json()) as { receipt: Receipt }).receipt.number).toBe(`${agreement.id}/${REPORT_ID}/2`);

    const accepted = await api.request(`/api/agreements/${agreement.id}/reports/${REPORT_ID}/review`, { method: "POST", as: "editor", body: { outcome: "accepted" } });
    expect(accepted.status).toBe(200);

    const { report, versions } = (await (await api.request(`/api/agreements/${agreement.id}/reports/${REPORT_ID}`, { as: "viewer" })).json()) as {
      report: Report;
      versions: ReportVersion[];
    };
    expect(report).toMatchObject({ status: "accepted", submissions: 2 });
    expect(report.history.map((entry) => entry.action)).toEqual(["submitted", "supplement-requested", "submitted", "accepted"]);
    expect(versions.map((version) => [version.number, version.content.peopleReached])).toEqual([
      [1, 214],
      [2, 230],
    ]);
    expect(versions[0]!.receipt.digest).not.toBe(versions[1]!.receipt.digest);
    // The association sees the same versions; nothing more can be done with the report.
    const form = (await (await api.request(`/api/report-links/${freshToken}`)).json()) as { versions: ReportVersion[] };
    expect(form.versions).toHaveLength(2);
    expect((await api.request(`/api/report-links/${freshToken}/submit`, { method: "POST" })).status).toBe(409);
    expect((await api.request(`/api/agreements/${agreement.id}/invitations`, { method: "POST", as: "editor", body: { requirementId: "verksamhet", dueDate: "2026-03-31", email: CONTACT } })).status).toBe(409);
  });
});

describe("the attachments page's upload without JavaScript", () => {
  /** Posts a file with the attachments page's form as a browser does (to S3), and answers where S3 sends it back. */
  async function postWithPageForm(reportToken: string, fileName: string, bytes: Uint8Array): Promise<{ key: string; back: Response }> {
    const html = await (await api.request(`/report/${reportToken}/attachments`)).text();
    const form = /<form method="post" action="([^"]+)" enctype="multipart\/form-data"[^>]*class="upload-form"[^>]*>(.*?)<\/form>/s.exec(html)!;
    const body = new FormData();
    for (const [, name, value] of form[2]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"\/>/g)) body.append(name!, value!.replaceAll("&amp;", "&"));
    body.append("file", new File([bytes], fileName));
    const posted = await fetch(form[1]!, { method: "POST", body, redirect: "manual" });
    expect(posted.status).toBe(303);
    const location = new URL(posted.headers.get("location")!);
    return { key: location.searchParams.get("key")!, back: await api.request(`${location.pathname}${location.search}`) };
  }

  it("takes the file S3 stored under the report's key, under a key of its own, and refuses one past the cap, deleting it", async () => {
    const other = await api.activeAgreement("Formulär utan skript: Mamma United");
    const formToken = await api.invite(other.id, { requirementId: "verksamhet", dueDate: "2026-03-31", email: "kassor@utanskript.example.se" });

    const { key, back } = await postWithPageForm(formToken, "Verksamhetsberättelse.pdf", PDF);

    expect(back.status).toBe(303);
    const added = new URL(back.headers.get("location")!, "http://app.invalid").searchParams.get("added");
    const [attachment] = (await api.reporting.reports.get(other.id, REPORT_ID))!.attachments;
    expect(attachment).toMatchObject({ id: added, fileName: "Verksamhetsberättelse.pdf", contentType: "application/pdf", size: PDF.length, status: "accepted", key: `attachments/${added}` });
    expect(await objectExists(key)).toBe(false);
    expect(await objectExists(attachment!.key)).toBe(true);

    for (let count = 1; count < MAX_ATTACHMENTS; count++) {
      const started = await api.request(`/api/report-links/${formToken}/attachments`, { method: "POST", body: { fileName: "kvitto.pdf", contentType: "application/pdf", size: 100 } });
      expect(started.status).toBe(201);
    }
    const past = await postWithPageForm(formToken, "en-till.pdf", PDF);

    expect(past.back.status).toBe(303);
    expect(past.back.headers.get("location")).toBe(`/report/${formToken}/attachments?refused=tooMany`);
    expect(await objectExists(past.key)).toBe(false);
    expect((await api.reporting.reports.get(other.id, REPORT_ID))!.attachments).toHaveLength(MAX_ATTACHMENTS);
  });
});
