// The CSV export as Excel reads it, and the personal calendar feed as a calendar app reads it: parsed back, not
// compared as text, so the tests hold the rules (BOM, quoting, folding, escaping) rather than one rendering.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agreementEvents, icsCalendar } from "../../functions/app/exports/calendar";
import { agreementsCsv } from "../../functions/app/exports/csv";
import type { Agreement, DraftContent } from "../../functions/domain/agreement";
import { luhnCheckDigit } from "../../functions/domain/organisation-number";
import { runCommand } from "../../functions/app/commands";
import { startTestApi, type TestApi } from "../support/api";
import { approval, draft, mammaUnitedContent, workflow as workflowActor } from "../support/agreements";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.stop());

let serial = 1;
function content(overrides: DraftContent = {}): DraftContent {
  const nineDigits = `80270${String(serial++).padStart(4, "0")}`;
  const organisationNumber = `${nineDigits.slice(0, 6)}-${nineDigits.slice(6)}${luhnCheckDigit(nineDigits)}`;
  return { ...mammaUnitedContent(), associations: [{ name: `Föreningen Växthuset ${serial}`, organisationNumber }], ...overrides };
}

async function create(body: DraftContent): Promise<Agreement> {
  const response = await api.request("/api/agreements", { method: "POST", as: "editor", body });
  expect(response.status).toBe(201);
  return (await response.json()) as Agreement;
}

async function activate(body: DraftContent): Promise<Agreement> {
  const created = await create(body);
  await api.request(`/api/agreements/${created.id}/submit`, { method: "POST", as: "editor" });
  await api.request(`/api/agreements/${created.id}/decision`, { method: "POST", as: "registrar", body: approval });
  return (await runCommand(api.store, { agreementId: created.id, command: { type: "activate" }, actor: workflowActor, now: api.clock.now() })).agreement;
}

/** RFC 4180 with `;`: quoted fields, doubled quotes, line breaks inside quotes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const character = text[index]!;
    if (quoted) {
      if (character === '"' && text[index + 1] === '"') {
        field += '"';
        index++;
      } else if (character === '"') quoted = false;
      else field += character;
    } else if (character === '"') quoted = true;
    else if (character === ";") {
      row.push(field);
      field = "";
    } else if (character === "\r" && text[index + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      index++;
    } else field += character;
  }
  return rows;
}

async function csv(query = ""): Promise<{ response: Response; bytes: Buffer; rows: Record<string, string>[] }> {
  const response = await api.request(`/api/agreements.csv${query}`, { as: "viewer" });
  const bytes = Buffer.from(await response.arrayBuffer());
  const [header, ...rest] = parseCsv(bytes.subarray(3).toString("utf8"));
  return { response, bytes, rows: rest.map((cells) => Object.fromEntries(header!.map((name, index) => [name, cells[index]!]))) };
}

describe("agreements.csv", () => {
  it("is UTF-8 with a BOM, ;-separated, CRLF, every field quoted, Swedish letters intact", async () => {
    const agreement = await create(content({ title: "Ängsö – Åtgärder för öar" }));
    const { response, bytes, rows } = await csv(`?q=angso`);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("Content-Disposition")).toBe('attachment; filename="iop-avtal.csv"');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.subarray(3).toString("utf8");
    expect(text.split("\r\n").at(-1)).toBe("");
    expect(text.replaceAll("\r\n", "")).not.toContain("\n");
    expect(text.split("\r\n")[0]!.startsWith('"Id";"Titel";"Status";')).toBe(true);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      Id: agreement.id,
      Titel: "Ängsö – Åtgärder för öar",
      Status: "Utkast",
      Startdatum: "2024-02-01",
      Slutdatum: "2026-12-31",
      "Budget totalt (kr)": "1350000",
      "Budget per år (kr)": "2024: 450000, 2025: 450000, 2026: 450000",
      "Handläggarens e-post": "editor@example.se",
      "Senast ändrat": "2026-03-01",
    });
  });

  it("honours the list's filters", async () => {
    await create(content({ title: "Exportfilter utkast" }));
    await activate(content({ title: "Exportfilter aktivt" }));
    const { rows } = await csv("?q=exportfilter&status=active");
    expect(rows.map((row) => row.Titel)).toEqual(["Exportfilter aktivt"]);
    expect(rows[0]).toMatchObject({ Status: "Aktivt", Diarienummer: approval.diaryNumber, Beslutsdatum: approval.date });
    const bad = await api.request("/api/agreements.csv?status=nonsense", { as: "viewer" });
    expect(bad.status).toBe(400);
  });

  it("holds sub-efforts with their status, other partners, co-financing, the decision, and the renewed agreement's title", async () => {
    const predecessor = await activate(
      content({
        title: "Bäckby 2025–2027 exportkedja",
        period: { start: "2025-01-01", end: "2027-12-31" },
        budget: [2025, 2026, 2027].map((year) => ({ year, amountSek: 1_250_000 })),
        reportingRequirements: [{ id: "arlig", kind: "activity", description: "", dueDates: ["2026-03-31"] }],
        otherPartners: [{ name: "Mimer", role: "Bostadsbolag" }, { name: "Polisen" }],
        subEfforts: [
          { name: "Connexion west", description: "", activityStatus: "started" },
          { name: "Grow green", description: "", activityStatus: "done" },
          { name: "Move and stay", description: "", activityStatus: "planned" },
        ],
        coFinancing: { description: "Lokaler, 2 000 kr per månad", amountSek: 24_000 },
      }),
    );
    const renewal = await api.request(`/api/agreements/${predecessor.id}/renewal`, { method: "POST", as: "editor" });
    expect(renewal.status).toBe(201);
    const { rows: [active] } = await csv("?q=exportkedja&status=active");
    expect(active).toMatchObject({
      Titel: "Bäckby 2025–2027 exportkedja",
      "Övriga parter": "Mimer (Bostadsbolag); Polisen",
      "Delinsatser (status)": "Connexion west (påbörjad); Grow green (genomförs); Move and stay (ej påbörjad)",
      Medfinansiering: "Lokaler, 2 000 kr per månad",
      "Medfinansiering (kr)": "24000",
      "Budget totalt (kr)": "3750000",
      "Beslutande organ": approval.body,
      Beslutsdatum: approval.date,
      Diarienummer: approval.diaryNumber,
      Protokoll: approval.minuteReference,
      "Förnyas av": "",
    });
    // The draft alone matches: its predecessor's title comes from outside the rows.
    const { rows: drafts } = await csv("?q=exportkedja&status=draft");
    expect(drafts.map((row) => [row.Titel, row["Förnyar"]])).toEqual([["Bäckby 2028–2030 exportkedja", "Bäckby 2025–2027 exportkedja"]]);
  });

  it("shows a termination's ground, the day it was given and the last day in force", () => {
    const termination = { ground: "association-notice", givenOn: "2025-06-01", effectiveDate: "2025-12-31" } as const;
    const [header, values] = parseCsv(agreementsCsv([{ ...draft(), status: "active", termination }]).slice(1));
    const row = Object.fromEntries(header!.map((name, index) => [name, values![index]]));
    expect(row).toMatchObject({ "Uppsägning": "Uppsagt av föreningen", "Uppsägning given": "2025-06-01", "Gäller till och med (uppsagt)": "2025-12-31" });
  });

  it("turns cells Excel would run as formulas into text", async () => {
    const formulas = ["=HYPERLINK(\"x\")", "+1+1", "-2+3", "@SUM(A1)"];
    const lines = agreementsCsv(formulas.map((title, index) => ({ ...draft(), id: `f-${index}`, title }))).slice(1);
    const titles = parseCsv(lines).slice(1).map((row) => row[1]);
    expect(titles).toEqual(["'=HYPERLINK(\"x\")", "'+1+1", "'-2+3", "'@SUM(A1)"]);
    const viaApi = await create(content({ title: "=1+2 Formelavtal" }));
    expect((await csv("?q=formelavtal")).rows[0]).toMatchObject({ Id: viaApi.id, Titel: "'=1+2 Formelavtal" });
  });
});

/** Unfolds RFC 5545 content lines and splits them into properties. */
function parseIcs(text: string): { lines: string[]; events: Record<string, string>[] } {
  expect(text.endsWith("\r\n")).toBe(true);
  const physical = text.slice(0, -2).split("\r\n");
  for (const line of physical) expect(Buffer.byteLength(line, "utf8")).toBeLessThanOrEqual(75);
  const lines = physical.reduce<string[]>((logical, line) => {
    if (line.startsWith(" ")) logical[logical.length - 1] += line.slice(1);
    else logical.push(line);
    return logical;
  }, []);
  const events: Record<string, string>[] = [];
  let current: Record<string, string> | null = null;
  for (const line of lines) {
    if (line === "BEGIN:VEVENT") current = {};
    else if (line === "END:VEVENT") {
      events.push(current!);
      current = null;
    } else if (current !== null) {
      const colon = line.indexOf(":");
      current[line.slice(0, colon)] = line.slice(colon + 1);
    }
  }
  return { lines, events };
}

function unescapeText(value: string): string {
  return value.replace(/\\([\\;,nN])/g, (_, character: string) => (character.toLowerCase() === "n" ? "\n" : character));
}

describe("calendar feed", () => {
  it("gives the signed-in user a secret address that lists their agreements' dates as all-day events", async () => {
    const agreement = await activate(
      content({ title: "Kultur, idrott; och fritid i Västerås – ett mycket långt namn som måste vikas över flera rader", noticePeriodMonths: 6 }),
    );
    const rotated = await api.request("/api/calendar-feed", { method: "POST", as: "editor" });
    expect(rotated.status).toBe(201);
    const { url } = (await rotated.json()) as { url: string };
    expect(url).toMatch(/^http:\/\/localhost\/api\/calendar\/[A-Za-z0-9_-]{43}\.ics$/);

    const feed = await api.request(url);
    expect(feed.status).toBe(200);
    expect(feed.headers.get("Content-Type")).toBe("text/calendar; charset=utf-8");
    const { lines, events } = parseIcs(await feed.text());
    expect(lines.slice(0, 2)).toEqual(["BEGIN:VCALENDAR", "VERSION:2.0"]);
    expect(lines.at(-1)).toBe("END:VCALENDAR");

    const mine = events.filter((event) => event.UID!.startsWith(`${agreement.id}-`));
    const byUid = Object.fromEntries(mine.map((event) => [event.UID, event]));
    expect(byUid[`${agreement.id}-end@iop-lifecycle`]).toMatchObject({ "DTSTART;VALUE=DATE": "20261231", "DTEND;VALUE=DATE": "20270101" });
    expect(byUid[`${agreement.id}-notice@iop-lifecycle`]).toMatchObject({ "DTSTART;VALUE=DATE": "20260630" });
    expect(byUid[`${agreement.id}-report-verksamhet-2026-03-31@iop-lifecycle`]).toMatchObject({ "DTSTART;VALUE=DATE": "20260331" });
    expect(mine).toHaveLength(2 + 6);
    const end = byUid[`${agreement.id}-end@iop-lifecycle`]!;
    expect(end.SUMMARY).toBe("Avtalet upphör: Kultur\\, idrott\\; och fritid i Västerås – ett mycket långt namn som måste vikas över flera rader");
    expect(unescapeText(end.DESCRIPTION)).toContain(`\n\n${agreement.title}\n`);
    expect(end.URL).toBe(`http://localhost/agreements/${agreement.id}`);
    expect(end.DTSTAMP).toMatch(/^\d{8}T\d{6}Z$/);

    // Another officer's agreements are not in it.
    const othersAgreement = await activate(content({ responsibleOfficer: { name: "Annan", email: "annan@example.se" } }));
    const again = parseIcs(await (await api.request(url)).text());
    expect(again.events.some((event) => event.UID!.startsWith(othersAgreement.id))).toBe(false);
    // The same agreement gives the same UIDs on every refresh.
    expect(again.events.filter((event) => event.UID!.startsWith(`${agreement.id}-`)).map((event) => event.UID).sort()).toEqual(
      mine.map((event) => event.UID).sort(),
    );
  });

  it("stops answering the old address once the feed is rotated", async () => {
    const first = ((await (await api.request("/api/calendar-feed", { method: "POST", as: "viewer" })).json()) as { url: string }).url;
    expect((await api.request(first)).status).toBe(200);
    const second = ((await (await api.request("/api/calendar-feed", { method: "POST", as: "viewer" })).json()) as { url: string }).url;
    expect(second).not.toBe(first);
    const old = await api.request(first);
    expect(old.status).toBe(404);
    expect(old.headers.get("Content-Type")).toBe("application/problem+json");
    expect((await api.request(second)).status).toBe(200);
  });

  it("needs sign-in to create a feed, and a well-formed address to read one", async () => {
    expect((await api.request("/api/calendar-feed", { method: "POST" })).status).toBe(401);
    expect((await api.request("/api/calendar/short.ics")).status).toBe(400);
    expect((await api.request(`/api/calendar/${"A".repeat(43)}.ics`)).status).toBe(404);
  });

  it("drops a terminated agreement's end date but keeps its report due dates", () => {
    const terminated = { ...draft(), status: "terminated" as const, updatedAt: "2026-03-01T10:00:00.000Z" };
    const uids = agreementEvents(terminated, "http://localhost/agreements/x").map((event) => event.uid);
    expect(uids.some((uid) => uid.includes("-end@"))).toBe(false);
    expect(uids.filter((uid) => uid.includes("-report-"))).toHaveLength(6);
    expect(agreementEvents({ ...draft(), title: undefined }, "x")).toEqual([]);
  });

  it("puts a recorded termination's last day in force in place of the end date, without the notice date or later reports", () => {
    const termination = { ground: "mutual-agreement", givenOn: "2025-06-01", effectiveDate: "2026-03-31" } as const;
    const terminating = { ...draft({ ...mammaUnitedContent(), noticePeriodMonths: 3 }), status: "active" as const, termination };
    const events = agreementEvents(terminating, "http://localhost/agreements/x");
    expect(events.find((event) => event.uid.includes("-end@"))).toMatchObject({ date: "2026-03-31", description: expect.stringContaining("uppsagt") });
    expect(events.some((event) => event.uid.includes("-notice@"))).toBe(false);
    expect(events.filter((event) => event.uid.includes("-report-")).map((event) => event.date)).toEqual(["2025-03-31", "2026-03-31", "2025-03-31", "2026-03-31"]);
  });

  it("folds long lines between characters, never inside one", () => {
    const text = icsCalendar("Ö".repeat(100), []);
    const name = text.split("\r\n").filter((line) => line.startsWith("X-WR-CALNAME") || line.startsWith(" "));
    expect(name.length).toBeGreaterThan(2);
    for (const line of name) {
      expect(Buffer.byteLength(line, "utf8")).toBeLessThanOrEqual(75);
      expect(line).not.toContain("\uFFFD");
    }
    expect(name.map((line, index) => (index === 0 ? line : line.slice(1))).join("")).toBe(`X-WR-CALNAME:${"Ö".repeat(100)}`);
  });
});
