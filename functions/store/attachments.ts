/**
 * Association attachments in S3, behind the application's AttachmentStorage port: presigned uploads whose
 * signature covers the declared type and size, the signed form of a browser POST (a key prefix, a size range, where
 * to go after), and the reads that check what was uploaded. The same code runs
 * against the bucket in AWS and s3rver locally.
 */
import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, NotFound, NoSuchKey, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { createPresignedPost } from "@aws-sdk/s3-presigned-post";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { AttachmentStorage } from "../app/ports";

/**
 * How the S3 client that presigns uploads must be configured: without it the SDK signs a checksum of the empty
 * body into the URL, and S3 refuses the real upload.
 */
export const PRESIGNING_CLIENT_CONFIG = { requestChecksumCalculation: "WHEN_REQUIRED" } as const;

/**
 * `Content-Disposition: attachment` with the file's name (RFC 6266): an ASCII fallback for old clients, and the
 * UTF-8 name in `filename*` (RFC 8187), so "Verksamhetsberättelse.pdf" arrives as it was uploaded.
 */
export function attachmentDisposition(fileName: string): string {
  const fallback = fileName.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").replace(/[^\x20-\x7e]|["\\%]/g, "_");
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/** `client` must reach the bucket at an address the browser can reach too: presigned URLs point there. */
export function createS3Attachments({ client, bucket }: { client: S3Client; bucket: string }): AttachmentStorage {
  return {
    uploadUrl({ key, contentType, size }, expiresInSeconds) {
      return getSignedUrl(client, new PutObjectCommand({ Bucket: bucket, Key: key, ContentType: contentType, ContentLength: size }), {
        expiresIn: expiresInSeconds,
        signableHeaders: new Set(["content-type", "content-length"]),
      });
    },
    async uploadForm({ keyPrefix, maxBytes, returnTo }, expiresInSeconds) {
      // S3 puts the chosen file's name in place of `${filename}`; the policy lets the key only start with the prefix.
      // An empty choice (0 bytes) is let through, so the app's own page says to choose a file, not S3's error.
      const { url, fields } = await createPresignedPost(client, {
        Bucket: bucket,
        Key: `${keyPrefix}\${filename}`,
        Conditions: [["content-length-range", 0, maxBytes]],
        Fields: { success_action_redirect: returnTo },
        Expires: expiresInSeconds,
      });
      return { url, fields };
    },
    async describe(key) {
      try {
        const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return { size: head.ContentLength, contentType: head.ContentType };
      } catch (error) {
        if (error instanceof NotFound || error instanceof NoSuchKey) return null;
        throw error;
      }
    },
    async readRange(key, { start, end }) {
      const part = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=${start}-${end}` }));
      return (await part.Body?.transformToByteArray()) ?? new Uint8Array();
    },
    async move(fromKey, toKey) {
      await client.send(new CopyObjectCommand({ Bucket: bucket, Key: toKey, CopySource: `${bucket}/${fromKey.split("/").map(encodeURIComponent).join("/")}` }));
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: fromKey }));
    },
    async remove(key) {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
    downloadUrl({ key, fileName, contentType }, expiresInSeconds) {
      return getSignedUrl(
        client,
        new GetObjectCommand({ Bucket: bucket, Key: key, ResponseContentDisposition: attachmentDisposition(fileName), ResponseContentType: contentType }),
        { expiresIn: expiresInSeconds },
      );
    },
  };
}
