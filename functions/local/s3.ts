/**
 * The local stand-in for S3: s3rver, in this process, keeping its objects under the data directory, behind a gate
 * that checks signatures, expiry and what a presigned upload declared as S3 does (functions/local/s3-gate.ts): s3rver
 * itself takes unsigned and altered requests. The bucket is created at start with CORS for the app's origin, so the
 * browser uploads attachments with the very presigned PUTs the app makes in AWS; the URLs point at the gate on
 * 127.0.0.1, which the browser on this machine reaches. Both listen on loopback only.
 */
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import { HeadBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { PRESIGNING_CLIENT_CONFIG } from "../store/attachments";
import type { Component, ComponentHealth } from "./components";
import { startS3Gate, type S3Gate } from "./s3-gate";
import { SDK_LOGGER } from "../sdk-logger";

interface S3rverOptions {
  address: string;
  port: number;
  silent: boolean;
  directory: string;
  resetOnClose?: boolean;
  configureBuckets: { name: string; configs: string[] }[];
}

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}

// A CommonJS class without types; required, so every loader sees the same shape.
const S3rver = createRequire(import.meta.url)("s3rver") as new (options: S3rverOptions) => S3rverInstance;

/** The gate checks signatures with these credentials. */
const LOCAL_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
const LOCAL_REGION = "eu-north-1";

export interface LocalS3Options {
  /** Where the objects are kept. */
  directory: string;
  bucket: string;
  /** The origin of the pages that upload (the app's). */
  allowedOrigin: string;
  /** Delete the objects on stop: for tests. */
  resetOnClose?: boolean;
}

export class LocalS3Component implements Component {
  readonly name = "s3";
  readonly title = "Local S3 (s3rver)";
  #server: S3rverInstance | null = null;
  #gate: S3Gate | null = null;

  constructor(private readonly options: LocalS3Options) {}

  get bucket(): string {
    return this.options.bucket;
  }

  /** The gate's address, e.g. "http://127.0.0.1:40123": the only one the app and the browser are given. */
  get endpoint(): string {
    if (this.#gate === null) throw new Error("The local S3 is not running");
    return this.#gate.endpoint;
  }

  /** An S3 client for the local S3: path-style addresses, s3rver's credentials. */
  createClient(): S3Client {
    return new S3Client({ ...PRESIGNING_CLIENT_CONFIG, endpoint: this.endpoint, region: LOCAL_REGION, forcePathStyle: true, credentials: LOCAL_CREDENTIALS, logger: SDK_LOGGER });
  }

  async start(): Promise<void> {
    const cors = [
      "<CORSConfiguration><CORSRule>",
      `<AllowedOrigin>${this.options.allowedOrigin}</AllowedOrigin>`,
      "<AllowedMethod>PUT</AllowedMethod>",
      "<AllowedHeader>*</AllowedHeader>",
      "<ExposeHeader>ETag</ExposeHeader>",
      "<MaxAgeSeconds>3600</MaxAgeSeconds>",
      "</CORSRule></CORSConfiguration>",
    ].join("");
    const server = new S3rver({
      address: "127.0.0.1",
      // Any free port: nothing outside this process needs to know it in advance.
      port: 0,
      silent: true,
      directory: this.options.directory,
      resetOnClose: this.options.resetOnClose ?? false,
      configureBuckets: [{ name: this.options.bucket, configs: [cors] }],
    });
    const address = await server.run();
    try {
      this.#gate = await startS3Gate({
        upstream: `http://127.0.0.1:${address.port}`,
        credentials: LOCAL_CREDENTIALS,
        region: LOCAL_REGION,
        allowedOrigin: this.options.allowedOrigin,
      });
    } catch (error) {
      await server.close();
      throw error;
    }
    this.#server = server;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    const gate = this.#gate;
    this.#server = null;
    this.#gate = null;
    await gate?.close();
    await server?.close();
  }

  async health(): Promise<ComponentHealth> {
    const client = this.createClient();
    try {
      await client.send(new HeadBucketCommand({ Bucket: this.options.bucket }));
      return { ok: true, detail: `${this.endpoint}/${this.options.bucket}` };
    } catch (error) {
      return { ok: false, detail: `The bucket does not answer: ${error instanceof Error ? error.name : String(error)}` };
    } finally {
      client.destroy();
    }
  }
}
