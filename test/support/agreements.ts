import type { Actor, Agreement, DraftContent } from "../../functions/domain/agreement";
import { createDraft, transition, type Command, type Related } from "../../functions/domain/lifecycle";
import { mammaUnited } from "../../functions/local/demo-agreements";

export const editor: Actor = { kind: "user", id: "editor@example.se", email: "editor@example.se" };
export const registrar: Actor = { kind: "user", id: "registrar@example.se", email: "registrar@example.se" };
export const workflow: Actor = { kind: "system", id: "workflow" };

/** Västerås stad and Mamma United, valid 2024-02-01 to 2026-12-31: the demo agreement the product grew from. */
export function mammaUnitedContent(): DraftContent {
  return structuredClone(mammaUnited.content);
}

export const approval = {
  outcome: "approved",
  date: "2024-01-18",
  body: "Kultur-, idrotts- och fritidsnämnden",
  diaryNumber: "KIFN 2023/412",
  minuteReference: "Protokoll 2024-01-18 § 7",
} as const;

export function at(iso: string): Date {
  return new Date(iso);
}

/** Applies a command and fails loudly if the lifecycle refuses it: for building fixtures. */
export function must(agreement: Agreement, command: Command, actor: Actor, now: Date, related?: Related): Agreement {
  const result = transition(agreement, command, actor, now, related);
  if (!result.ok) throw new Error(`${command.type} refused: ${result.error.message}`);
  return result.agreement;
}

export function draft(content: DraftContent = mammaUnitedContent(), id = "agr-mamma-united"): Agreement {
  const result = createDraft(id, content, editor, at("2023-11-20T09:00:00+01:00"));
  if (!result.ok) throw new Error(result.error.message);
  return result.agreement;
}

export function proposed(): Agreement {
  return must(draft(), { type: "submit" }, editor, at("2023-12-05T10:00:00+01:00"));
}

export function approved(): Agreement {
  return must(proposed(), { type: "decide", decision: approval }, registrar, at("2024-01-19T10:00:00+01:00"));
}

export function active(): Agreement {
  return must(approved(), { type: "activate" }, workflow, at("2024-02-01T00:00:00+01:00"));
}
