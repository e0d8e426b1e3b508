import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { contentProbeRanges, hasStructureOf } from "../../functions/domain/attachment-content";
import { ATTACHMENT_TYPES, type AttachmentType } from "../../functions/domain/reports";
import { docx, odt, xlsx, zip } from "../support/zip";

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../fixtures/attachments/${name}`, import.meta.url)));

/** Checks a whole file the way the server does: reads only the two ranges the check names. */
function passesAs(type: AttachmentType, file: Uint8Array): boolean {
  const { head, tail } = contentProbeRanges(file.length);
  return hasStructureOf(type, file.length, file.subarray(head.start, head.end + 1), file.subarray(tail.start, tail.end + 1));
}

const DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const ODT = "application/vnd.oasis.opendocument.text";

/** One real file of each allowed type (the PDF, PNG and JPEG were written by Chromium). */
const GOOD: Record<AttachmentType, Uint8Array> = {
  "application/pdf": fixture("verksamhetsberattelse.pdf"),
  "image/png": fixture("verksamhet.png"),
  "image/jpeg": fixture("verksamhet.jpg"),
  [DOCX]: docx("Verksamhetsberättelse 2025"),
  [XLSX]: xlsx(),
  [ODT]: odt("Verksamhetsberättelse 2025"),
};

const TYPES = Object.keys(ATTACHMENT_TYPES) as AttachmentType[];
const text = (value: string) => new TextEncoder().encode(value);
const concat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

describe("an attachment's content", () => {
  it.each(TYPES)("accepts a real %s file", (type) => {
    expect(passesAs(type, GOOD[type])).toBe(true);
  });

  it.each(TYPES)("refuses every other type's file declared as %s", (type) => {
    const others = TYPES.filter((other) => other !== type && !(type === DOCX && other === XLSX) && !(type === XLSX && other === DOCX));
    for (const other of others) expect(passesAs(type, GOOD[other]), `${other} as ${type}`).toBe(false);
  });

  it("refuses a Word document declared as a spreadsheet, and the other way round", () => {
    expect(passesAs(XLSX, GOOD[DOCX])).toBe(false);
    expect(passesAs(DOCX, GOOD[XLSX])).toBe(false);
  });

  it("refuses a page of HTML behind a PDF's first line", () => {
    expect(passesAs("application/pdf", text("%PDF-1.4\n<html><script>alert(1)</script></html>\n"))).toBe(false);
  });

  it("refuses a PDF with anything after its end-of-file marker but a line end", () => {
    const pdf = GOOD["application/pdf"];
    expect(passesAs("application/pdf", concat(pdf, text("\r\n")))).toBe(true);
    expect(passesAs("application/pdf", concat(pdf, text("<script>alert(1)</script>")))).toBe(false);
  });

  it("refuses a PNG or JPEG cut short, and accepts a JPEG padded with zero bytes", () => {
    const png = GOOD["image/png"];
    const jpeg = GOOD["image/jpeg"];
    expect(passesAs("image/png", png.subarray(0, png.length - 12))).toBe(false);
    expect(passesAs("image/jpeg", jpeg.subarray(0, jpeg.length - 2))).toBe(false);
    expect(passesAs("image/jpeg", concat(jpeg, new Uint8Array(16)))).toBe(true);
  });

  it("refuses a ZIP without the parts its declared format must hold", () => {
    const parts = [{ name: "word/document.xml", content: "<w:document/>" }];
    expect(passesAs(DOCX, zip(parts))).toBe(false);
    expect(passesAs(ODT, zip([{ name: "content.xml", content: "<x/>" }]))).toBe(false);
    expect(passesAs(ODT, zip([{ name: "mimetype", content: "application/zip" }, { name: "content.xml", content: "<x/>" }]))).toBe(false);
  });

  it("reads the central directory past a comment, and refuses one that does not end where the end record begins", () => {
    expect(passesAs(DOCX, zip([...[0, 1].map(() => ({ name: "x", content: "" })), { name: "[Content_Types].xml", content: "" }, { name: "word/a.xml", content: "" }], "PK\u0005\u0006 not a record"))).toBe(true);
    const truncated = GOOD[DOCX].subarray(0, GOOD[DOCX].length - 1);
    expect(passesAs(DOCX, truncated)).toBe(false);
    const shifted = concat(GOOD[DOCX].subarray(0, 200), GOOD[DOCX]);
    expect(passesAs(DOCX, shifted)).toBe(false);
  });

  it("finds the central directory of a large file in the bytes read from its end", () => {
    const large = docx("x".repeat(3_000_000));
    expect(large.length).toBeGreaterThan(contentProbeRanges(large.length).tail.end - contentProbeRanges(large.length).tail.start);
    expect(passesAs(DOCX, large)).toBe(true);
  });
});
