/**
 * What S3 checks and s3rver does not, in front of s3rver: every request must carry a valid Signature Version 4,
 * in its Authorization header (the app's own client) or in a presigned URL's query (the browser), made with the
 * local credentials; a presigned URL stops working when it expires; and what the signature covers (the declared
 * Content-Length and Content-Type of an upload, the key, the method) cannot be changed. Anonymous requests are
 * refused as S3 refuses them on a private bucket. Refusals are S3's XML errors with S3's status codes.
 *
 * The signatures are recomputed with the SDK's own signer (@smithy/signature-v4), from the headers the request
 * says it signed; only CORS preflights, which S3 answers without credentials too, pass unsigned. The app and the
 * browser only ever see this gate's address; s3rver listens on another loopback port behind it.
 *
 * A browser's form post to the bucket (S3's POST Object, the report form's upload without JavaScript) is checked
 * here as S3 checks it: the policy's Signature Version 4 over its base64 text, its expiry, each of its conditions
 * (exact, `starts-with`, `content-length-range`, `bucket`, the key after `${filename}` is put in it), and no form
 * field the policy does not name. s3rver takes such posts but checks none of that and puts no file name in the key,
 * so the gate stores the file itself with a PUT to s3rver and answers as S3 does (`success_action_redirect` with
 * the bucket, key and ETag, or `success_action_status`). It holds a post's body in memory, so it takes at most
 * {@link MAX_FORM_POST_BYTES} (S3: 5 GB).
 */
import { createHash, createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { createServer, request as forward, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { SignatureV4 } from "@smithy/signature-v4";

type HttpRequest = Parameters<SignatureV4["presign"]>[0];
type SourceData = string | ArrayBuffer | ArrayBufferView;

/** Longest a presigned URL may live, as in S3 (seven days). */
const MAX_EXPIRES_SECONDS = 604_800;
/** How far a header-signed request's time may be from ours, as in S3. */
const MAX_SKEW_MS = 15 * 60 * 1000;
/** The largest form post the gate reads (it holds the body in memory); S3 takes up to 5 GB. */
const MAX_FORM_POST_BYTES = 64 * 1024 * 1024;

export interface S3GateOptions {
  /** s3rver's address, e.g. "http://127.0.0.1:40123". */
  upstream: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  region: string;
  /** The origin whose pages upload: refusals carry CORS headers for it, so its scripts can read them. */
  allowedOrigin: string;
}

export interface S3Gate {
  /** e.g. "http://127.0.0.1:40124" */
  readonly endpoint: string;
  close(): Promise<void>;
}

/** Starts the gate on a free loopback port. */
export async function startS3Gate(options: S3GateOptions): Promise<S3Gate> {
  const upstream = new URL(options.upstream);
  const signer = new SignatureV4({ credentials: options.credentials, region: options.region, service: "s3", sha256: NodeSha256, uriEscapePath: false, applyChecksum: false });

  const server = createServer((incoming, response) => {
    const bucket = formPostBucket(incoming);
    if (bucket !== null) {
      void formPost(incoming, response, bucket, options, new Date()).catch(() => response.destroy());
      return;
    }
    // Real time, not the local clock: presigned URLs are signed with the SDK's (real) time.
    void refusal(incoming, signer, options, new Date())
      .then((refused) => {
        if (refused !== null) return refuse(incoming, response, refused, options.allowedOrigin);
        const onward = forward(
          { host: upstream.hostname, port: upstream.port, method: incoming.method, path: incoming.url, headers: incoming.headers },
          (answer) => {
            response.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(response);
          },
        );
        onward.on("error", () => response.destroy());
        incoming.pipe(onward);
      })
      .catch(() => response.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => closeServer(server),
  };
}

interface Refusal {
  status: number;
  code: string;
  message: string;
}

const accessDenied: Refusal = { status: 403, code: "AccessDenied", message: "Access Denied" };
const signatureDoesNotMatch: Refusal = {
  status: 403,
  code: "SignatureDoesNotMatch",
  message: "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
};
const unknownAccessKey: Refusal = { status: 403, code: "InvalidAccessKeyId", message: "The AWS Access Key Id you provided does not exist in our records." };

/** Why S3 would refuse this request, or null when it would not. */
async function refusal(incoming: IncomingMessage, signer: SignatureV4, options: S3GateOptions, now: Date): Promise<Refusal | null> {
  const { method = "GET", url = "/" } = incoming;
  // Preflights carry no credentials in S3 either; s3rver answers them from the bucket's CORS rules.
  if (method === "OPTIONS") return null;
  const queryAt = url.indexOf("?");
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  const query = new URLSearchParams(queryAt === -1 ? "" : url.slice(queryAt + 1));
  if (query.has("X-Amz-Signature")) return presignedRefusal(incoming, method, path, query, signer, options, now);
  const authorization = incoming.headers.authorization;
  if (authorization?.startsWith("AWS4-HMAC-SHA256 ")) return headerSignedRefusal(incoming, method, path, query, authorization, signer, options, now);
  return accessDenied;
}

async function presignedRefusal(
  incoming: IncomingMessage,
  method: string,
  path: string,
  query: URLSearchParams,
  signer: SignatureV4,
  options: S3GateOptions,
  now: Date,
): Promise<Refusal | null> {
  const signingDate = parseAmzDate(query.get("X-Amz-Date"));
  const expiresIn = Number(query.get("X-Amz-Expires"));
  const signedHeaders = query.get("X-Amz-SignedHeaders")?.split(";") ?? [];
  if (query.get("X-Amz-Algorithm") !== "AWS4-HMAC-SHA256" || signingDate === null || !Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > MAX_EXPIRES_SECONDS || !signedHeaders.includes("host")) {
    return { status: 400, code: "AuthorizationQueryParametersError", message: "The query parameters of this presigned request are incomplete or malformed." };
  }
  if (query.get("X-Amz-Credential")?.split("/")[0] !== options.credentials.accessKeyId) return unknownAccessKey;
  if (now.getTime() > signingDate.getTime() + expiresIn * 1000) return { ...accessDenied, message: "Request has expired" };
  // What the presigner hoisted into the query (the payload hash) goes back in as the header it came from, same name.
  const recomputed = await signer.presign(
    signableRequest(incoming, method, path, withoutNames(query, ["X-Amz-Signature", "X-Amz-Content-Sha256"]), signedHeaders, {
      "X-Amz-Content-Sha256": query.get("X-Amz-Content-Sha256") ?? "UNSIGNED-PAYLOAD",
    }),
    { signingDate, expiresIn, signableHeaders: new Set(signedHeaders), unhoistableHeaders: new Set(signedHeaders) },
  );
  return sameSignature(String(recomputed.query?.["X-Amz-Signature"] ?? ""), query.get("X-Amz-Signature") ?? "") ? null : signatureDoesNotMatch;
}

async function headerSignedRefusal(
  incoming: IncomingMessage,
  method: string,
  path: string,
  query: URLSearchParams,
  authorization: string,
  signer: SignatureV4,
  options: S3GateOptions,
  now: Date,
): Promise<Refusal | null> {
  const fields = Object.fromEntries(
    authorization.slice("AWS4-HMAC-SHA256 ".length).split(",").map((field) => field.trim().split("=", 2) as [string, string]),
  );
  const signingDate = parseAmzDate(headerValue(incoming, "x-amz-date"));
  const signedHeaders = fields.SignedHeaders?.split(";") ?? [];
  if (signingDate === null || fields.Signature === undefined || !signedHeaders.includes("host")) {
    return { status: 400, code: "AuthorizationHeaderMalformed", message: "The authorization header is malformed." };
  }
  if (fields.Credential?.split("/")[0] !== options.credentials.accessKeyId) return unknownAccessKey;
  if (Math.abs(now.getTime() - signingDate.getTime()) > MAX_SKEW_MS) {
    return { ...accessDenied, code: "RequestTimeTooSkewed", message: "The difference between the request time and the current time is too large." };
  }
  const recomputed = await signer.sign(signableRequest(incoming, method, path, query, signedHeaders, {}), {
    signingDate,
    signableHeaders: new Set(signedHeaders),
  });
  const signature = /Signature=([0-9a-f]+)/.exec(String(recomputed.headers.authorization))?.[1] ?? "";
  return sameSignature(signature, fields.Signature) ? null : signatureDoesNotMatch;
}

/** The bucket a browser's form post goes to (`POST /<bucket>`, multipart, no other credentials), or null. */
function formPostBucket(incoming: IncomingMessage): string | null {
  const { method, url = "/", headers } = incoming;
  if (method !== "POST" || headers.authorization !== undefined || !/^multipart\/form-data\b/i.test(headers["content-type"] ?? "")) return null;
  return /^\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/?$/.exec(url)?.[1] ?? null;
}

/** A form post's fields up to the file, by lower-case name (S3 reads names case-insensitively), and the file. */
interface FormPost {
  fields: Map<string, string>;
  file: File | null;
}

async function formPost(incoming: IncomingMessage, response: ServerResponse, bucket: string, options: S3GateOptions, now: Date): Promise<void> {
  const body = await readBody(incoming, MAX_FORM_POST_BYTES);
  if (body === null) return refuse(incoming, response, entityTooLarge, options.allowedOrigin);
  let post: FormPost;
  try {
    post = formFields(await new Request("http://gate.invalid/", { method: "POST", headers: { "content-type": incoming.headers["content-type"]! }, body }).formData());
  } catch {
    return refuse(incoming, response, { status: 400, code: "MalformedPOSTRequest", message: "The body of your POST request is not well-formed multipart/form-data." }, options.allowedOrigin);
  }
  const checked = formPostRefusal(post, bucket, options, now);
  if ("status" in checked) return refuse(incoming, response, checked, options.allowedOrigin);
  const { key, file } = checked;
  // Stored with the form's Content-Type, else S3's default: the file part's own type is not used.
  const stored = await fetch(`${options.upstream}/${bucket}/${key.split("/").map(encodeURIComponent).join("/")}`, {
    method: "PUT",
    headers: { "Content-Type": post.fields.get("content-type") ?? "binary/octet-stream" },
    body: new Uint8Array(await file.arrayBuffer()),
  });
  if (!stored.ok) {
    response.writeHead(stored.status, { "Content-Type": stored.headers.get("content-type") ?? "application/xml" });
    response.end(await stored.text());
    return;
  }
  const etag = stored.headers.get("etag") ?? "";
  const redirect = parsedUrl(post.fields.get("success_action_redirect") ?? post.fields.get("redirect"));
  if (redirect !== null) {
    for (const [name, value] of [["bucket", bucket], ["key", key], ["etag", etag]] as const) redirect.searchParams.append(name, value);
    response.writeHead(303, { Location: redirect.href, ETag: etag });
    response.end();
    return;
  }
  const status = Number(post.fields.get("success_action_status") ?? "204");
  const location = `http://${incoming.headers.host ?? ""}/${bucket}/${encodeURIComponent(key)}`;
  if (status === 201) {
    response.writeHead(201, { "Content-Type": "application/xml", ETag: etag, Location: location });
    response.end(`<?xml version="1.0" encoding="UTF-8"?>\n<PostResponse><Location>${xmlText(location)}</Location><Bucket>${xmlText(bucket)}</Bucket><Key>${xmlText(key)}</Key><ETag>${xmlText(etag)}</ETag></PostResponse>`);
    return;
  }
  response.writeHead(status === 200 ? 200 : 204, { ETag: etag, Location: location });
  response.end();
}

/** The body, or null when it is longer than `maxBytes` (then the rest is not read). */
async function readBody(incoming: IncomingMessage, maxBytes: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of incoming) {
    length += (chunk as Buffer).byteLength;
    if (length > maxBytes) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function formFields(form: FormData): FormPost {
  const fields = new Map<string, string>();
  for (const [name, value] of form) {
    // S3 reads nothing after the file.
    if (name.toLowerCase() === "file") return { fields, file: typeof value === "string" ? new File([value], "") : value };
    if (typeof value === "string") fields.set(name.toLowerCase(), value);
  }
  return { fields, file: null };
}

const entityTooLarge: Refusal = { status: 400, code: "EntityTooLarge", message: "Your proposed upload exceeds the maximum allowed size" };
const missingField = (name: string): Refusal => ({
  status: 400,
  code: "InvalidArgument",
  message: `Bucket POST must contain a field named '${name}'.  If it is specified, please check the order of the fields.`,
});
const invalidPolicy = (message: string): Refusal => ({ status: 400, code: "InvalidPolicyDocument", message: `Invalid Policy: ${message}` });
const policyRefused = (message: string): Refusal => ({ ...accessDenied, message: `Invalid according to Policy: ${message}` });
/** Form fields that no condition need name, as in S3. */
const UNCONDITIONED_FIELDS = new Set(["policy", "x-amz-signature", "file"]);

/** Why S3 would refuse the form post, or the key (with the file's name put in) and the file it would store. */
function formPostRefusal(post: FormPost, bucket: string, options: S3GateOptions, now: Date): Refusal | { key: string; file: File } {
  const { fields, file } = post;
  const policy = fields.get("policy");
  // A private bucket takes no post without a policy.
  if (policy === undefined) return accessDenied;
  for (const name of ["x-amz-algorithm", "x-amz-credential", "x-amz-date", "x-amz-signature"]) if (!fields.has(name)) return missingField(name);
  if (fields.get("x-amz-algorithm") !== "AWS4-HMAC-SHA256") return { status: 400, code: "InvalidArgument", message: "Unsupported algorithm: only AWS4-HMAC-SHA256" };
  const [accessKeyId, scopeDate] = fields.get("x-amz-credential")!.split("/");
  if (accessKeyId !== options.credentials.accessKeyId) return unknownAccessKey;
  if (!sameSignature(policySignature(options, scopeDate ?? "", policy), fields.get("x-amz-signature")!)) return signatureDoesNotMatch;

  let document: { expiration?: unknown; conditions?: unknown };
  try {
    document = JSON.parse(Buffer.from(policy, "base64").toString("utf8")) as typeof document;
  } catch {
    return invalidPolicy("Invalid JSON.");
  }
  const expiration = typeof document.expiration === "string" ? new Date(document.expiration) : null;
  if (expiration === null || Number.isNaN(expiration.getTime())) return invalidPolicy("Invalid 'expiration' value.");
  if (!Array.isArray(document.conditions)) return invalidPolicy("Policy missing conditions.");
  if (now.getTime() > expiration.getTime()) return policyRefused("Policy expired.");
  const rawKey = fields.get("key");
  if (rawKey === undefined) return missingField("key");
  if (file === null) return { status: 400, code: "InvalidArgument", message: "POST requires exactly one file upload per request." };

  const key = rawKey.replaceAll("${filename}", file.name);
  const valueOf = (name: string): string | undefined => (name === "bucket" ? bucket : name === "key" ? key : fields.get(name));
  const named = new Set<string>();
  for (const condition of document.conditions as unknown[]) {
    const checked = conditionOf(condition);
    if (checked === null) return invalidPolicy(`Invalid condition: ${JSON.stringify(condition)}`);
    if (checked.kind === "content-length-range") {
      if (file.size > checked.max) return entityTooLarge;
      if (file.size < checked.min) return { status: 400, code: "EntityTooSmall", message: "Your proposed upload is smaller than the minimum allowed size" };
      continue;
    }
    named.add(checked.field);
    const value = valueOf(checked.field);
    if (value === undefined || (checked.kind === "eq" ? value !== checked.value : !value.startsWith(checked.value))) {
      return policyRefused(`Policy Condition failed: ${JSON.stringify([checked.kind, `$${checked.field}`, checked.value])}`);
    }
  }
  const extra = [...fields.keys()].filter((name) => !UNCONDITIONED_FIELDS.has(name) && !name.startsWith("x-ignore-") && !named.has(name));
  if (extra.length > 0) return policyRefused(`Extra input fields: ${extra.join(", ")}`);
  return { key, file };
}

type Condition = { kind: "eq" | "starts-with"; field: string; value: string } | { kind: "content-length-range"; min: number; max: number };

/** A policy condition: `{ "field": "value" }`, `["eq" | "starts-with", "$field", "value"]`, `["content-length-range", min, max]`. */
function conditionOf(condition: unknown): Condition | null {
  if (Array.isArray(condition)) {
    const [kind, first, second] = condition as unknown[];
    if (kind === "content-length-range" && Number.isInteger(first) && Number.isInteger(second)) return { kind, min: first as number, max: second as number };
    if ((kind === "eq" || kind === "starts-with") && typeof first === "string" && first.startsWith("$") && typeof second === "string") {
      return { kind, field: first.slice(1).toLowerCase(), value: second };
    }
    return null;
  }
  if (typeof condition !== "object" || condition === null) return null;
  const entries = Object.entries(condition);
  const [field, value] = entries[0] ?? [];
  return entries.length === 1 && typeof value === "string" ? { kind: "eq", field: field!.toLowerCase(), value } : null;
}

/** Signature Version 4 of a POST policy: the signing key of the credential's day, over the policy's base64 text. */
function policySignature(options: S3GateOptions, scopeDate: string, policy: string): string {
  const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data).digest();
  let signingKey = hmac(`AWS4${options.credentials.secretAccessKey}`, scopeDate);
  for (const part of [options.region, "s3", "aws4_request"]) signingKey = hmac(signingKey, part);
  return createHmac("sha256", signingKey).update(policy).digest("hex");
}

function parsedUrl(value: string | undefined): URL | null {
  if (value === undefined) return null;
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

function xmlText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** The request as the signer sees it: only the headers the client says it signed (plus `extraHeaders`). */
function signableRequest(
  incoming: IncomingMessage,
  method: string,
  path: string,
  query: URLSearchParams,
  signedHeaders: string[],
  extraHeaders: Record<string, string>,
): HttpRequest {
  const headers: Record<string, string> = { ...extraHeaders };
  for (const name of signedHeaders) {
    const value = headerValue(incoming, name);
    // A header that was signed but not sent leaves the signature unmatched, as in S3.
    if (value !== null) headers[name] = value;
  }
  const host = headers.host ?? "";
  const queryObject: Record<string, string | string[]> = {};
  for (const name of new Set(query.keys())) {
    const values = query.getAll(name);
    queryObject[name] = values.length === 1 ? (values[0] ?? "") : values;
  }
  return { method, protocol: "http:", hostname: host.replace(/:\d+$/, ""), path, query: queryObject, headers };
}

function withoutNames(query: URLSearchParams, names: string[]): URLSearchParams {
  const kept = new URLSearchParams(query);
  for (const name of names) kept.delete(name);
  return kept;
}

function headerValue(incoming: IncomingMessage, name: string): string | null {
  const value = incoming.headers[name];
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(",") : value;
}

/** `20261129T200611Z` */
function parseAmzDate(value: string | null): Date | null {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value ?? "");
  if (match === null) return null;
  const [, year, month, day, hour, minute, second] = match;
  const date = new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}Z`);
  return Number.isNaN(date.getTime()) ? null : date;
}

function sameSignature(expected: string, given: string): boolean {
  return expected.length === given.length && timingSafeEqual(Buffer.from(expected), Buffer.from(given));
}

function refuse(incoming: IncomingMessage, response: ServerResponse, refused: Refusal, allowedOrigin: string): void {
  const requestId = randomUUID();
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${refused.code}</Code><Message>${xmlText(refused.message)}</Message><RequestId>${requestId}</RequestId></Error>`;
  const headers: Record<string, string> = { "Content-Type": "application/xml", "x-amz-request-id": requestId, Connection: "close" };
  if (incoming.headers.origin === allowedOrigin) {
    headers["Access-Control-Allow-Origin"] = allowedOrigin;
    headers.Vary = "Origin";
  }
  // The body of a refused upload is not read: the connection closes after the answer, as S3's does.
  response.writeHead(refused.status, headers);
  response.end(incoming.method === "HEAD" ? undefined : body);
}

async function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
}

/** SHA-256 and its HMAC for the signer, from node:crypto. */
class NodeSha256 {
  #hash: ReturnType<typeof createHash> | ReturnType<typeof createHmac>;

  constructor(private readonly secret?: SourceData) {
    this.#hash = this.#fresh();
  }

  update(data: Uint8Array): void {
    this.#hash.update(data);
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.#hash.digest());
  }

  reset(): void {
    this.#hash = this.#fresh();
  }

  #fresh(): ReturnType<typeof createHash> | ReturnType<typeof createHmac> {
    return this.secret === undefined ? createHash("sha256") : createHmac("sha256", toBytes(this.secret));
  }
}

function toBytes(data: SourceData): Uint8Array | string {
  if (typeof data === "string") return data;
  return ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
}
