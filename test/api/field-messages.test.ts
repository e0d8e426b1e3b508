// Field errors for people: the API's problem details say "Obligatoriskt" / "Required" for a missing field, not
// zod's "expected string, received undefined", in the language Accept-Language asks for, from the same catalogue
// as the pages, with a code for programs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../support/api";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.stop());

interface Problem {
  errors: { path: string; message: string; code?: string }[];
}

const decide = (headers: Record<string, string> = {}) =>
  api.request("/api/agreements/agr-any/decision", { method: "POST", as: "registrar", body: { diaryNumber: "KS ".repeat(21), colour: "red" }, headers });

describe("field errors in the API", () => {
  it("say what a person should do, in Swedish when asked", async () => {
    const response = await decide({ "Accept-Language": "sv-SE,sv;q=0.9,en;q=0.5" });
    expect(response.status).toBe(400);
    expect(response.headers.get("Content-Language")).toBe("sv");
    const { errors } = (await response.json()) as Problem;
    expect(errors).toEqual(
      expect.arrayContaining([
        { path: "outcome", message: "Välj ett av alternativen", code: "chooseOne" },
        { path: "date", message: "Obligatoriskt", code: "required" },
        { path: "body", message: "Obligatoriskt", code: "required" },
        { path: "diaryNumber", message: "Skriv högst 60 tecken", code: "tooLong" },
        { path: "minuteReference", message: "Obligatoriskt", code: "required" },
        { path: "colour", message: "Är inte ett fält i den här begäran", code: "unknownField" },
      ]),
    );
    expect(JSON.stringify(errors)).not.toMatch(/received undefined|expected string/);
  });

  it("are in English when asked, and when Accept-Language names neither language, as the rest of the problem is", async () => {
    const asked: Record<string, string>[] = [{ "Accept-Language": "en-GB" }, { "Accept-Language": "de-DE" }, {}];
    for (const headers of asked) {
      const response = await decide(headers);
      expect(response.headers.get("Content-Language")).toBe("en");
      const { errors } = (await response.json()) as Problem;
      expect(errors).toEqual(
        expect.arrayContaining([
          { path: "date", message: "Required", code: "required" },
          { path: "diaryNumber", message: "Write at most 60 characters", code: "tooLong" },
        ]),
      );
    }
  });

  it("name a schema's own rule by its code: an end date before the start", async () => {
    const response = await api.request("/api/agreements", {
      method: "POST",
      as: "editor",
      body: { period: { start: "2026-02-01", end: "2026-01-31" } },
      headers: { "Accept-Language": "sv" },
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as Problem).errors).toEqual([
      { path: "period.end", message: "Slutdatumet måste vara samma dag som startdatumet eller senare", code: "endBeforeStart" },
    ]);
  });
});
