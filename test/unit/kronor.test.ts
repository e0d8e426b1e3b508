// Amounts typed into the forms: Swedish formatting and what people paste, read as kronor; anything else refused.
import { describe, expect, it } from "vitest";
import { kronorForInput, parseKronor } from "../../web/kronor";

describe("parseKronor", () => {
  it.each([
    ["12500", 12500],
    ["12 500", 12500],
    ["12 500,00", 12500],
    ["12\u00a0500", 12500],
    ["12\u202f500 kr", 12500],
    ["1 250 000", 1250000],
    ["12.500", 12500],
    ["12,500", 12500],
    ["12.500,50", 12500.5],
    ["12 500,5", 12500.5],
    ["SEK 450 000", 450000],
    ["450 000:-", 450000],
    [" 0 ", 0],
  ])("reads %j as %d kronor", (text, kronor) => {
    expect(parseKronor(text)).toBe(kronor);
  });

  it.each(["", "tolv", "12,5000", "12.50.0", "-500", "1e3", "12 500,005", "12,500.000"])("refuses %j", (text) => {
    expect(parseKronor(text)).toBeNull();
  });

  it("writes an amount back as the form shows it, and reads it again", () => {
    expect(kronorForInput(450000)).toBe("450 000");
    expect(parseKronor(kronorForInput(431250.5))).toBe(431250.5);
  });
});
