import { describe, expect, it } from "vitest";
import { addDays, addMonths, daysBetween, endOfDay, isCalendarDate, startOfDay, stockholmDate } from "../../functions/domain/dates";
import { normaliseOrganisationNumber } from "../../functions/domain/organisation-number";

describe("calendar dates", () => {
  it.each(["2026-02-30", "2025-02-29", "2026-13-01", "2026-00-10", "26-01-01", "2026-1-1", "2026-01-01T00:00:00Z", ""])("refuses %s", (value) => {
    expect(isCalendarDate(value)).toBe(false);
  });

  it.each(["2024-02-29", "2026-12-31", "2000-02-29"])("accepts %s", (value) => {
    expect(isCalendarDate(value)).toBe(true);
  });

  it("adds days and months across year ends and short months", () => {
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2026-12-31", -180)).toBe("2026-07-04");
    expect(addDays("2026-12-31", -90)).toBe("2026-10-02");
    expect(addDays("2026-12-31", -30)).toBe("2026-12-01");
    expect(addMonths("2026-01-31", 1)).toBe("2026-02-28");
    expect(addMonths("2026-12-31", -6)).toBe("2026-06-30");
    expect(daysBetween("2024-02-01", "2026-12-31")).toBe(1064);
  });

  it("reads the date in Stockholm, not in UTC", () => {
    expect(stockholmDate(new Date("2026-12-31T23:30:00Z"))).toBe("2027-01-01");
    expect(stockholmDate(new Date("2026-06-30T22:30:00Z"))).toBe("2026-07-01");
    expect(stockholmDate(new Date("2026-06-30T21:30:00Z"))).toBe("2026-06-30");
  });

  it("finds Stockholm midnight in winter and summer time, and on the days the clocks change", () => {
    expect(startOfDay("2026-01-15").toISOString()).toBe("2026-01-14T23:00:00.000Z");
    expect(startOfDay("2026-07-15").toISOString()).toBe("2026-07-14T22:00:00.000Z");
    expect(startOfDay("2026-03-29").toISOString()).toBe("2026-03-28T23:00:00.000Z");
    expect(startOfDay("2026-10-25").toISOString()).toBe("2026-10-24T22:00:00.000Z");
    expect(endOfDay("2026-12-31").toISOString()).toBe("2026-12-31T23:00:00.000Z");
  });
});

describe("organisationsnummer", () => {
  it("accepts a number with a correct check digit, with or without the hyphen", () => {
    expect(normaliseOrganisationNumber("802535-1233")).toBe("802535-1233");
    expect(normaliseOrganisationNumber(" 8025351233 ")).toBe("802535-1233");
    expect(normaliseOrganisationNumber("212000-1355")).toBe("212000-1355");
  });

  it.each(["802535-1234", "80253-51233", "802535_1233", "abcdef-ghij", "", "802535-12333"])("refuses %s", (value) => {
    expect(normaliseOrganisationNumber(value)).toBeNull();
  });
});
