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
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${refused.code}</Code><Message>${refused.message}</Message><RequestId>${requestId}</RequestId></Error>`;
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
