// The local S3 refuses what S3 refuses: unsigned, altered, expired and anonymous requests, and uploads that differ
// from what their presigned URL declared. Against the real s3rver behind the gate (functions/local/s3-gate.ts).
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
    await attachments().put({ key: "reports/r1/server.pdf", contentType: UPLOAD.contentType }, BODY);
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
