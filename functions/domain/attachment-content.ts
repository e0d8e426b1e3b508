/**
 * Whether an uploaded file has the structure of the type it was declared as. A magic number alone lets any file
 * through that starts with the right bytes (`%PDF-1.4\n<html><script>…` passes as a PDF), so each type is also
 * checked at its end: a PDF's trailer, a ZIP container's central directory and the parts each office format must
 * hold, PNG's IHDR and IEND chunks, JPEG's end-of-image marker.
 *
 * Pure: the caller reads the two byte ranges `contentProbeRanges` names and passes them in.
 */
import type { AttachmentType } from "./reports";

/** Bytes read from the start: enough for every header checked here, ODF's stored `mimetype` entry included. */
const HEAD_BYTES = 4096;
/** Bytes read from the end: a ZIP central directory of a few thousand entries, or any format's trailer. */
const TAIL_BYTES = 256 * 1024;

export interface ByteRange {
  /** First byte, inclusive. */
  start: number;
  /** Last byte, inclusive, as in an HTTP Range header. */
  end: number;
}

/** The start and the end of a file of `size` bytes (they overlap for small files). */
export function contentProbeRanges(size: number): { head: ByteRange; tail: ByteRange } {
  return {
    head: { start: 0, end: Math.min(size, HEAD_BYTES) - 1 },
    tail: { start: Math.max(0, size - TAIL_BYTES), end: size - 1 },
  };
}

/**
 * True when a file of `size` bytes whose first and last bytes are `head` and `tail` (the ranges
 * `contentProbeRanges(size)` names) has the structure `type` requires.
 */
export function hasStructureOf(type: AttachmentType, size: number, head: Uint8Array, tail: Uint8Array): boolean {
  switch (type) {
    case "application/pdf":
      return isPdf(head, tail);
    case "image/png":
      return isPng(head, tail);
    case "image/jpeg":
      return isJpeg(head, tail);
    case "application/vnd.openxmlformats-officedocument.wordprocessingml.document":
      return isOfficeOpenXml(size, head, tail, "word/");
    case "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
      return isOfficeOpenXml(size, head, tail, "xl/");
    case "application/vnd.oasis.opendocument.text":
      return isOpenDocument(size, head, tail, type);
  }
}

const ascii = (text: string): number[] => [...text].map((character) => character.charCodeAt(0));

function startsWith(bytes: Uint8Array, prefix: readonly number[], at = 0): boolean {
  return bytes.length >= at + prefix.length && prefix.every((byte, index) => bytes[at + index] === byte);
}

function endsWith(bytes: Uint8Array, suffix: readonly number[]): boolean {
  return startsWith(bytes, suffix, bytes.length - suffix.length);
}

function lastIndexOf(bytes: Uint8Array, needle: readonly number[], from = bytes.length - needle.length): number {
  for (let index = Math.min(from, bytes.length - needle.length); index >= 0; index--) {
    if (startsWith(bytes, needle, index)) return index;
  }
  return -1;
}

/** PDF 1.7 §7.5.5: the file ends with `startxref`, the cross-reference offset and `%%EOF` (then at most a line end). */
function isPdf(head: Uint8Array, tail: Uint8Array): boolean {
  if (!startsWith(head, ascii("%PDF-"))) return false;
  const end = tail.subarray(Math.max(0, tail.length - 1024));
  const eof = lastIndexOf(end, ascii("%%EOF"));
  if (eof < 0 || end.subarray(eof + 5).some((byte) => byte !== 0x0a && byte !== 0x0d && byte !== 0x20)) return false;
  const startxref = lastIndexOf(end, ascii("startxref"), eof);
  return startxref >= 0 && /^\s+\d+\s+$/.test(new TextDecoder().decode(end.subarray(startxref + 9, eof)));
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** An IEND chunk: zero length, its type and its fixed CRC. */
const PNG_IEND = [0, 0, 0, 0, ...ascii("IEND"), 0xae, 0x42, 0x60, 0x82];

function isPng(head: Uint8Array, tail: Uint8Array): boolean {
  return startsWith(head, PNG_SIGNATURE) && startsWith(head, ascii("IHDR"), 12) && endsWith(tail, PNG_IEND);
}

/** Start of image, then a marker; end of image last (some cameras pad with zero bytes after it). */
function isJpeg(head: Uint8Array, tail: Uint8Array): boolean {
  let end = tail.length;
  while (end > 0 && tail[end - 1] === 0) end--;
  return startsWith(head, [0xff, 0xd8, 0xff]) && endsWith(tail.subarray(0, end), [0xff, 0xd9]);
}

const LOCAL_FILE_HEADER = [0x50, 0x4b, 0x03, 0x04];
const CENTRAL_DIRECTORY_HEADER = [0x50, 0x4b, 0x01, 0x02];
const END_OF_CENTRAL_DIRECTORY = [0x50, 0x4b, 0x05, 0x06];
const END_OF_CENTRAL_DIRECTORY_BYTES = 22;
const MAX_ZIP_COMMENT_BYTES = 0xffff;

/**
 * The entry names of a ZIP file, read from its central directory (APPNOTE 4.3.12, 4.3.16), or null when the end
 * of the file is not a well-formed central directory that ends where the end record begins.
 */
function zipEntryNames(size: number, tail: Uint8Array): string[] | null {
  const tailStart = size - tail.length;
  const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  const searchFrom = tail.length - END_OF_CENTRAL_DIRECTORY_BYTES;
  let record = lastIndexOf(tail, END_OF_CENTRAL_DIRECTORY, searchFrom);
  // The record ends the file, after a comment of the length it states; a signature inside the comment is not it.
  while (record >= 0 && record >= searchFrom - MAX_ZIP_COMMENT_BYTES) {
    if (record + END_OF_CENTRAL_DIRECTORY_BYTES + view.getUint16(record + 20, true) === tail.length) break;
    record = lastIndexOf(tail, END_OF_CENTRAL_DIRECTORY, record - 1);
  }
  if (record < 0 || record < searchFrom - MAX_ZIP_COMMENT_BYTES) return null;
  const entries = view.getUint16(record + 10, true);
  const directorySize = view.getUint32(record + 12, true);
  const directoryOffset = view.getUint32(record + 16, true);
  if (directoryOffset + directorySize !== tailStart + record || directoryOffset < tailStart) return null;

  const names: string[] = [];
  let at = directoryOffset - tailStart;
  for (let index = 0; index < entries; index++) {
    if (at + 46 > record || !startsWith(tail, CENTRAL_DIRECTORY_HEADER, at)) return null;
    const nameLength = view.getUint16(at + 28, true);
    const next = at + 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
    if (next > record) return null;
    names.push(new TextDecoder().decode(tail.subarray(at + 46, at + 46 + nameLength)));
    at = next;
  }
  return at === record ? names : null;
}

/** ECMA-376 Part 2: an OPC package names its parts' types in `[Content_Types].xml`; the main part's folder says which application. */
function isOfficeOpenXml(size: number, head: Uint8Array, tail: Uint8Array, mainFolder: string): boolean {
  const names = startsWith(head, LOCAL_FILE_HEADER) ? zipEntryNames(size, tail) : null;
  return names !== null && names.includes("[Content_Types].xml") && names.some((name) => name.startsWith(mainFolder));
}

/** ODF 1.2 Part 3 §3.3: the first entry is `mimetype`, stored uncompressed, holding the document's media type. */
function isOpenDocument(size: number, head: Uint8Array, tail: Uint8Array, type: AttachmentType): boolean {
  if (!startsWith(head, LOCAL_FILE_HEADER) || head.length < 30) return false;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const stored = view.getUint16(8, true) === 0;
  const nameLength = view.getUint16(26, true);
  const contentAt = 30 + nameLength + view.getUint16(28, true);
  const mimetypeFirst = stored && startsWith(head, ascii("mimetype"), 30) && nameLength === 8 && startsWith(head, ascii(type), contentAt);
  const names = zipEntryNames(size, tail);
  return mimetypeFirst && names !== null && names.includes("content.xml");
}
