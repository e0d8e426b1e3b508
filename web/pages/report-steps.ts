/**
 * The steps of the association's report form and what each asks, matching the report's content
 * (functions/domain/reports.ts): activities, people reached, outcomes against the agreement's goals, money received
 * and spent, anything else. Each step reads its posted fields into answers for the use case, and keeps what was
 * typed to show again; the domain checks the answers themselves.
 */
import type { ReportAnswers } from "../../functions/app/report-links";
import type { FieldError } from "../../functions/domain/errors";
import type { DraftReportContent } from "../../functions/domain/reports";
import type { Messages } from "../i18n/catalogue";
import { kronorForInput, parseKronor } from "../kronor";

export const REPORT_STEPS = ["activities", "people", "outcomes", "money", "comments"] as const;
export type ReportStep = (typeof REPORT_STEPS)[number];
/** Every page of the form in order, after the start page: the steps, the attachments, check your answers. */
export const FORM_PAGES = [...REPORT_STEPS, "attachments", "check"] as const;
export type FormPage = (typeof FORM_PAGES)[number];

export function isReportStep(value: string): value is ReportStep {
  return (REPORT_STEPS as readonly string[]).includes(value);
}

/** A page of one report's form: `/report/<token>` and the pages under it. */
export function reportPath(token: string, page?: FormPage | "receipt" | `attachments/${string}` | "submit"): string {
  return page === undefined ? `/report/${token}` : `/report/${token}/${page}`;
}

/** The fields of a step as the form shows them, by field name ("activities.0.description"). */
export type StepValues = Record<string, string>;

/** The posted list fields `<list>.<index>.<member>`, in index order, as rows. */
function postedRows(fields: Record<string, unknown>, list: string, members: readonly string[]): Record<string, string>[] {
  const pattern = new RegExp(`^${list}\\.(\\d{1,3})\\.(${members.join("|")})$`);
  const rows = new Map<number, Record<string, string>>();
  for (const [name, value] of Object.entries(fields)) {
    const match = pattern.exec(name);
    if (match === null || typeof value !== "string") continue;
    const index = Number(match[1]);
    rows.set(index, { ...rows.get(index), [match[2]!]: value });
  }
  return [...rows.entries()].sort(([a], [b]) => a - b).map(([, row]) => row);
}

function rowValues(list: string, rows: readonly Record<string, string | undefined>[]): StepValues {
  return Object.fromEntries(
    rows.flatMap((row, index) => Object.entries(row).flatMap(([member, value]) => (value === undefined ? [] : [[`${list}.${index}.${member}`, value]]))),
  );
}

const text = (fields: Record<string, unknown>, name: string): string => (typeof fields[name] === "string" ? fields[name] : "");

/** The values a step shows from the answers saved so far. */
export function stepValues(step: ReportStep, content: DraftReportContent): StepValues {
  switch (step) {
    case "activities":
      return rowValues("activities", content.activities ?? []);
    case "people":
      return { peopleReached: content.peopleReached === undefined ? "" : String(content.peopleReached) };
    case "outcomes":
      return rowValues("outcomes", content.outcomes ?? []);
    case "money":
      return {
        "money.receivedSek": content.money === undefined ? "" : kronorForInput(content.money.receivedSek),
        "money.spentSek": content.money === undefined ? "" : kronorForInput(content.money.spentSek),
      };
    case "comments":
      return { comments: content.comments ?? "" };
  }
}

export interface ReadStep {
  /** What was typed; list rows left empty are dropped and the rest numbered again, as the answers are. */
  values: StepValues;
  answers: ReportAnswers;
  /** What could not even be read (an amount that is no amount); the domain checks the rest. */
  errors: FieldError[];
}

/** A step's posted fields as answers: an empty field clears its answer. */
export function readStep(step: ReportStep, fields: Record<string, unknown>, messages: Messages): ReadStep {
  switch (step) {
    case "activities": {
      const rows = postedRows(fields, "activities", ["description", "subEffort"]).filter((row) => (row.description ?? "").trim() !== "");
      const activities = rows.map((row) => ({ description: row.description!, ...(row.subEffort ? { subEffort: row.subEffort } : {}) }));
      return { values: rowValues("activities", rows), answers: { activities: activities.length === 0 ? undefined : activities }, errors: [] };
    }
    case "outcomes": {
      const rows = postedRows(fields, "outcomes", ["goal", "outcome"]).filter((row) => `${row.goal ?? ""}${row.outcome ?? ""}`.trim() !== "");
      const outcomes = rows.map((row) => ({ goal: row.goal ?? "", outcome: row.outcome ?? "" }));
      return { values: rowValues("outcomes", rows), answers: { outcomes: outcomes.length === 0 ? undefined : outcomes }, errors: [] };
    }
    case "people": {
      const typed = text(fields, "peopleReached");
      const compact = typed.replace(/[\s\u00a0\u202f]+/g, "");
      if (compact === "") return { values: { peopleReached: typed }, answers: { peopleReached: undefined }, errors: [] };
      const count = /^\d+$/.test(compact) ? Number(compact) : null;
      const errors: FieldError[] = count === null ? [{ path: "peopleReached", message: "Not a whole number", code: "wholeNumber" }] : [];
      return { values: { peopleReached: typed }, answers: { peopleReached: count ?? undefined }, errors };
    }
    case "money": {
      const values = { "money.receivedSek": text(fields, "money.receivedSek"), "money.spentSek": text(fields, "money.spentSek") };
      const errors: FieldError[] = [];
      const amounts = Object.entries(values).map(([path, typed]) => {
        if (typed.trim() === "") return undefined;
        const kronor = parseKronor(typed);
        if (kronor === null) errors.push({ path, message: messages.t("report.money.notAmount") });
        else if (!Number.isInteger(kronor)) errors.push({ path, message: messages.t("report.money.wholeKronor") });
        return kronor ?? undefined;
      });
      const [receivedSek, spentSek] = amounts;
      const money = receivedSek === undefined && spentSek === undefined ? undefined : { receivedSek, spentSek };
      return { values, answers: { money }, errors };
    }
    case "comments": {
      const comments = text(fields, "comments");
      return { values: { comments }, answers: { comments: comments.trim() === "" ? undefined : comments }, errors: [] };
    }
  }
}
