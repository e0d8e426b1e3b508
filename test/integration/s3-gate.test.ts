// The local S3 refuses what S3 refuses: unsigned, altered, expired and anonymous requests, and uploads that differ
// from what their presigned URL declared, and form posts outside their signed policy. Against the real s3rver behind
// the gate (functions/local/s3-gate.ts).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalS3Component } from "../../functions/local/s3";
import { createS3Attachments, PRESIGNING_CLIENT_CONFIG } from "../../functions/store/attachments";

const ORIGIN = "http://localhost:3000";
const BODY = new TextEncoder().encode("%PDF-1.4 twelve");
const UPLOAD = { key: "reports/r1/a1.pdf", contentType: "application/pdf", size: BODY.byteLength };

let directory: string;
let s3: LocalS3Component;
let client: S3Client;
const attachments = () => createS3Attachments({ client, bucket: s3.bucket });

beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), "iop-s3-gate-"));
  s3 = new LocalS3Component({ directory, bucket: "attachments", allowedOrigin: ORIGIN, resetOnClose: true });
  await s3.start();
  client = s3.createClient();
});

afterAll(async () => {
  client.destroy();
  await s3.stop();
  await rm(directory, { recursive: true, force: true });
});

function put(url: string, headers: Record<string, string>, body: Uint8Array = BODY): Promise<Response> {
  return fetch(url, { method: "PUT", headers, body });
}

async function s3Error(response: Response): Promise<{ status: number; code: string | undefined; message: string | undefined }> {
  const text = await response.text();
  return {
    status: response.status,
    code: /<Code>([^<]*)<\/Code>/.exec(text)?.[1],
    message: /<Message>([^<]*)<\/Message>/.exec(text)?.[1],
  };
}

const declared = { "Content-Type": UPLOAD.contentType };

describe("presigned uploads", () => {
  it("a valid presigned upload is stored, and a presigned download reads it back", async () => {
    const url = await attachments().uploadUrl(UPLOAD, 60);

    expect((await put(url, declared)).status).toBe(200);

    expect(await attachments().describe(UPLOAD.key)).toEqual({ size: UPLOAD.size, contentType: UPLOAD.contentType });
    const download = await fetch(await attachments().downloadUrl({ key: UPLOAD.key, fileName: "a.pdf", contentType: UPLOAD.contentType }, 60));
    expect(download.status).toBe(200);
    expect(download.headers.get("content-disposition")).toMatch(/^attachment; filename="a.pdf"/);
    expect(download.headers.get("content-type")).toBe(UPLOAD.contentType);
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(BODY);
  });

  it("an altered signature is refused with SignatureDoesNotMatch", async () => {
    const url = new URL(await attachments().uploadUrl({ ...UPLOAD, key: "reports/r1/altered.pdf" }, 60));
    const signature = url.searchParams.get("X-Amz-Signature") ?? "";
    url.searchParams.set("X-Amz-Signature", `${signature.slice(0, -1)}${signature.endsWith("0") ? "1" : "0"}`);

    expect(await s3Error(await put(url.href, declared))).toMatchObject({ status: 403, code: "SignatureDoesNotMatch" });
    expect(await attachments().describe("reports/r1/altered.pdf")).toBeNull();
  });

  it("another key under the same signature is refused", async () => {
    const url = new URL(await attachments().uploadUrl({ ...UPLOAD, key: "reports/r1/mine.pdf" }, 60));
    url.pathname = url.pathname.replace("mine.pdf", "theirs.pdf");

    expect(await s3Error(await put(url.href, declared))).toMatchObject({ status: 403, code: "SignatureDoesNotMatch" });
  });

  it("a body of another size than declared is refused", async () => {
    const url = await attachments().uploadUrl({ ...UPLOAD, key: "reports/r1/bigger.pdf" }, 60);

    const refused = await put(url, declared, new TextEncoder().encode("%PDF-1.4 thirteen and more"));

    expect(await s3Error(refused)).toMatchObject({ status: 403, code: "SignatureDoesNotMatch" });
    expect(await attachments().describe("reports/r1/bigger.pdf")).toBeNull();
  });

  it("another content type than declared is refused", async () => {
    const url = await attachments().uploadUrl({ ...UPLOAD, key: "reports/r1/typed.pdf" }, 60);

    expect(await s3Error(await put(url, { "Content-Type": "text/html" }))).toMatchObject({ status: 403, code: "SignatureDoesNotMatch" });
    expect(await attachments().describe("reports/r1/typed.pdf")).toBeNull();
  });

  it("an expired URL is refused", async () => {
    const url = await getSignedUrl(
      client,
      new PutObjectCommand({ Bucket: s3.bucket, Key: "reports/r1/late.pdf", ContentType: UPLOAD.contentType, ContentLength: UPLOAD.size }),
      { expiresIn: 60, signingDate: new Date(Date.now() - 3_600_000), signableHeaders: new Set(["content-type", "content-length"]) },
    );

    expect(await s3Error(await put(url, declared))).toEqual({ status: 403, code: "AccessDenied", message: "Request has expired" });
  });

  it("a URL signed with another secret is refused", async () => {
    const stranger = new S3Client({ ...PRESIGNING_CLIENT_CONFIG, endpoint: s3.endpoint, region: "eu-north-1", forcePathStyle: true, credentials: { accessKeyId: "S3RVER", secretAccessKey: "guessed" } });
    const url = await createS3Attachments({ client: stranger, bucket: s3.bucket }).uploadUrl({ ...UPLOAD, key: "reports/r1/guessed.pdf" }, 60);
    stranger.destroy();

    expect(await s3Error(await put(url, declared))).toMatchObject({ status: 403, code: "SignatureDoesNotMatch" });
  });

  it("a refusal tells the app's pages why (CORS), as S3 does for an allowed origin", async () => {
    const refused = await fetch(`${s3.endpoint}/${s3.bucket}/reports/r1/x.pdf`, { method: "PUT", headers: { Origin: ORIGIN }, body: BODY });

    expect(refused.status).toBe(403);
    expect(refused.headers.get("access-control-allow-origin")).toBe(ORIGIN);
  });
});

describe("anonymous and forged requests", () => {
  const objectUrl = () => `${s3.endpoint}/${s3.bucket}/${UPLOAD.key}`;

  it.each([
    ["PUT an object", () => put(objectUrl(), declared)],
    ["GET an object", () => fetch(objectUrl())],
    ["DELETE an object", () => fetch(objectUrl(), { method: "DELETE" })],
    ["LIST the bucket", () => fetch(`${s3.endpoint}/${s3.bucket}?list-type=2`)],
    ["LIST the buckets", () => fetch(`${s3.endpoint}/`)],
  ])("anonymous: %s is refused with AccessDenied", async (_, request) => {
    expect(await s3Error(await request())).toEqual({ status: 403, code: "AccessDenied", message: "Access Denied" });
  });

  it("the app's own signed requests pass, a forged Authorization does not", async () => {
    await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: "reports/r1/server.pdf", ContentType: UPLOAD.contentType, Body: BODY }));
    const listed = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket }));
    expect(listed.Contents?.map(({ Key }) => Key)).toContain("reports/r1/server.pdf");

    const forged = await fetch(`${s3.endpoint}/${s3.bucket}/reports/r1/server.pdf`, {
      headers: {
        Authorization: "AWS4-HMAC-SHA256 Credential=S3RVER/20261129/eu-north-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=0000",
        "x-amz-date": new Date().toISOString().replace(/[-:]|\.\d{3}/g, ""),
      },
    });
    expect(await s3Error(forged)).toMatchObject({ status: 403, code: "SignatureDoesNotMatch" });
  });

  it("a client with another secret cannot read", async () => {
    const stranger = new S3Client({ endpoint: s3.endpoint, region: "eu-north-1", forcePathStyle: true, credentials: { accessKeyId: "S3RVER", secretAccessKey: "guessed" }, maxAttempts: 1 });
    await expect(stranger.send(new GetObjectCommand({ Bucket: s3.bucket, Key: "reports/r1/server.pdf" }))).rejects.toMatchObject({
      name: "SignatureDoesNotMatch",
      $metadata: { httpStatusCode: 403 },
    });
    stranger.destroy();
  });
});

describe("browser form posts (POST Object with a signed policy)", () => {
  const RETURN_TO = `${ORIGIN}/report/t/attachments/uploaded`;
  const form = (keyPrefix: string, { maxBytes = 1024, expiresIn = 60, signer = attachments() } = {}) =>
    signer.uploadForm({ keyPrefix, maxBytes, returnTo: RETURN_TO }, expiresIn);

  /** Posts the fields, then the file, as a browser posts the form. */
  function post(url: string, fields: Record<string, string>, file: { name: string; body: Uint8Array } = { name: "a.pdf", body: BODY }): Promise<Response> {
    const body = new FormData();
    for (const [name, value] of Object.entries(fields)) body.append(name, value);
    body.append("file", new File([file.body], file.name, { type: "application/pdf" }));
    return fetch(url, { method: "POST", body, redirect: "manual" });
  }

  it("a post within its policy is stored under the key with the file's name, and the browser is sent back with it", async () => {
    const { url, fields } = await form("pending/form/r1/");

    const posted = await post(url, fields, { name: "Årsberättelse 2025.pdf", body: BODY });

    expect(posted.status).toBe(303);
    const back = new URL(posted.headers.get("location")!);
    expect(`${back.origin}${back.pathname}`).toBe(RETURN_TO);
    expect(back.searchParams.get("bucket")).toBe(s3.bucket);
    expect(back.searchParams.get("key")).toBe("pending/form/r1/Årsberättelse 2025.pdf");
    expect(back.searchParams.get("etag")).toMatch(/^"[0-9a-f]{32}"$/);
    // No Content-Type field: stored as S3 stores it then, whatever the file part said.
    expect(await attachments().describe("pending/form/r1/Årsberättelse 2025.pdf")).toEqual({ size: BODY.byteLength, contentType: "binary/octet-stream" });
    const stored = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: "pending/form/r1/Årsberättelse 2025.pdf" }));
    expect(await stored.Body?.transformToByteArray()).toEqual(BODY);
  });

  it("an altered signature is refused with SignatureDoesNotMatch", async () => {
    const { url, fields } = await form("pending/form/altered/");
    const signature = fields["X-Amz-Signature"]!;

    const refused = await post(url, { ...fields, "X-Amz-Signature": `${signature.slice(0, -1)}${signature.endsWith("0") ? "1" : "0"}` });

    expect(await s3Error(refused)).toMatchObject({ status: 403, code: "SignatureDoesNotMatch" });
    expect(await attachments().describe("pending/form/altered/a.pdf")).toBeNull();
  });

  it("a policy signed with another secret is refused with SignatureDoesNotMatch", async () => {
    const stranger = new S3Client({ endpoint: s3.endpoint, region: "eu-north-1", forcePathStyle: true, credentials: { accessKeyId: "S3RVER", secretAccessKey: "guessed" } });
    const { url, fields } = await form("pending/form/guessed/", { signer: createS3Attachments({ client: stranger, bucket: s3.bucket }) });
    stranger.destroy();

    expect(await s3Error(await post(url, fields))).toMatchObject({ status: 403, code: "SignatureDoesNotMatch" });
  });

  it("a policy altered after signing is refused with SignatureDoesNotMatch", async () => {
    const { url, fields } = await form("pending/form/widened/");
    const policy = JSON.parse(Buffer.from(fields.Policy!, "base64").toString("utf8")) as { conditions: unknown[] };
    policy.conditions = policy.conditions.map((condition) => (Array.isArray(condition) && condition[0] === "content-length-range" ? ["content-length-range", 0, 10 ** 10] : condition));

    const refused = await post(url, { ...fields, Policy: Buffer.from(JSON.stringify(policy)).toString("base64") });

    expect(await s3Error(refused)).toMatchObject({ status: 403, code: "SignatureDoesNotMatch" });
  });

  it("an expired policy is refused", async () => {
    const { url, fields } = await form("pending/form/late/", { expiresIn: -60 });

    expect(await s3Error(await post(url, fields))).toEqual({ status: 403, code: "AccessDenied", message: "Invalid according to Policy: Policy expired." });
    expect(await attachments().describe("pending/form/late/a.pdf")).toBeNull();
  });

  it("a key outside the policy's prefix is refused", async () => {
    const { url, fields } = await form("pending/form/mine/");

    const refused = await post(url, { ...fields, key: "pending/form/theirs/${filename}" });

    expect(await s3Error(refused)).toEqual({
      status: 403,
      code: "AccessDenied",
      message: 'Invalid according to Policy: Policy Condition failed: ["starts-with","$key","pending/form/mine/"]',
    });
    expect(await attachments().describe("pending/form/theirs/a.pdf")).toBeNull();
  });

  it("a file larger than the policy's range is refused with EntityTooLarge, not stored and not redirected", async () => {
    const { url, fields } = await form("pending/form/large/", { maxBytes: BODY.byteLength - 1 });

    const refused = await post(url, fields);

    expect(refused.headers.get("location")).toBeNull();
    expect(await s3Error(refused)).toMatchObject({ status: 400, code: "EntityTooLarge" });
    expect(await attachments().describe("pending/form/large/a.pdf")).toBeNull();
  });

  it("another place to go after, or a field the policy does not name, is refused", async () => {
    const { url, fields } = await form("pending/form/extra/");

    const elsewhere = await post(url, { ...fields, success_action_redirect: "https://elsewhere.example/" });
    expect(await s3Error(elsewhere)).toMatchObject({ status: 403, code: "AccessDenied", message: expect.stringContaining('"$success_action_redirect"') });

    const extra = await post(url, { ...fields, csrf_token: "x" });
    expect(await s3Error(extra)).toEqual({ status: 403, code: "AccessDenied", message: "Invalid according to Policy: Extra input fields: csrf_token" });
    expect(await attachments().describe("pending/form/extra/a.pdf")).toBeNull();
  });

  it("a post without a policy is anonymous, and refused", async () => {
    const body = new FormData();
    body.append("key", "pending/form/anonymous/a.pdf");
    body.append("file", new File([BODY], "a.pdf"));

    expect(await s3Error(await fetch(`${s3.endpoint}/${s3.bucket}`, { method: "POST", body }))).toEqual({ status: 403, code: "AccessDenied", message: "Access Denied" });
    expect(await attachments().describe("pending/form/anonymous/a.pdf")).toBeNull();
  });
});
