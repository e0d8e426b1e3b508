/**
 * The agreement list: the filters of `GET /api/agreements` as a GET form (so a filtered list is an address to
 * share or bookmark, and the dashboard links to one), a page of agreements, the next page by the cursor, and the
 * CSV export of the same filters. A calendar feed is per officer, so the list offers the officer's own.
 */
import type { Agreement } from "../../functions/domain/agreement";
import { STATUSES } from "../../functions/domain/agreement";
import type { FieldError } from "../../functions/domain/errors";
import { AGREEMENT_SORTS, searchCriteria, searchSource } from "../../functions/store/search";
import { filtersOf, type AgreementFilterQuery } from "../../functions/api/schemas";
import { Button } from "../components/button";
import { ErrorSummary } from "../components/error-summary";
import { DateInput, Select, TextInput } from "../components/fields";
import { Form } from "../components/form";
import { Page } from "../components/layout";
import { Pagination } from "../components/pagination";
import { Table } from "../components/table";
import { StatusTag } from "../components/tag";
import type { PageContext } from "../context";
import { formErrors } from "../form-errors";
import type { MessageKey } from "../i18n/catalogue";
import { AgreementLink } from "./dashboard";

export const AGREEMENT_LIST_PATH = "/agreements";
export const CALENDAR_FEED_PATH = "/calendar-feed";

/** The list's query: the API's filters, the page size and the cursor of the page shown. */
export type AgreementListQuery = AgreementFilterQuery & { limit?: number | undefined; cursor?: string | undefined };

const FILTER_NAMES = ["q", "status", "endsBefore", "responsible", "association"] as const satisfies readonly (keyof AgreementFilterQuery)[];
/** What the form sends and the CSV export takes: the filters and the order. */
const QUERY_NAMES = [...FILTER_NAMES, "sort"] as const satisfies readonly (keyof AgreementFilterQuery)[];

function queryString(query: Partial<Record<string, string | number | undefined>>): string {
  const parameters = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== "") parameters.set(name, String(value));
  const text = parameters.toString();
  return text === "" ? "" : `?${text}`;
}

/** The list with these filters (and page), as an address. */
export function agreementListPath(query: AgreementListQuery): string {
  return `${AGREEMENT_LIST_PATH}${queryString(query)}`;
}

/** The form's values as typed: what the query said, valid or not. */
export type TypedFilters = Partial<Record<(typeof QUERY_NAMES)[number], string>>;

export type AgreementListResult =
  | { kind: "page"; query: AgreementListQuery; agreements: Agreement[]; cursor: string | null }
  | { kind: "invalid"; errors: FieldError[] }
  /** The cursor is not one this list gave out (tampered with, or signed with a key since replaced). */
  | { kind: "staleCursor"; query: AgreementListQuery };

/** How the page is ordered: by the index the filters read (functions/store/search.ts). */
function orderKey(query: AgreementListQuery): MessageKey {
  switch (searchSource(searchCriteria(filtersOf(query))).kind) {
    case "status":
    case "officer":
    case "ending":
    case "allByEnd":
      return "dashboard.list.orderByEnd";
    case "text":
      return "dashboard.list.orderSearch";
    case "association":
      return "dashboard.list.orderAssociation";
    case "all":
      return "dashboard.list.orderNewest";
  }
}

export function AgreementListPage({ context, typed, result }: { context: PageContext; typed: TypedFilters; result: AgreementListResult }) {
  const messages = context.messages;
  const { t, date } = messages;
  const errors = formErrors(result.kind === "invalid" ? result.errors : [], messages, {
    q: t("dashboard.list.q"),
    status: t("dashboard.list.status"),
    endsBefore: t("dashboard.list.endsBefore"),
    responsible: t("dashboard.list.responsible"),
    association: t("dashboard.list.association"),
    sort: t("dashboard.list.sort"),
  });
  const email = context.principal?.email;
  return (
    <Page context={context} title={t("dashboard.list.title")} hasErrors={result.kind === "invalid"}>
      <ErrorSummary errors={errors.summary} />
      <h1>{t("dashboard.list.title")}</h1>

      <form method="get" action={AGREEMENT_LIST_PATH} class="filters" novalidate>
        <h2>{t("dashboard.list.filtersHeading")}</h2>
        <TextInput name="q" type="search" label={t("dashboard.list.q")} hint={t("dashboard.list.qHint")} value={typed.q} error={errors.of("q")} width="medium" />
        <Select
          name="status"
          label={t("dashboard.list.status")}
          options={[{ value: "", text: t("dashboard.list.anyStatus") }, ...STATUSES.map((status) => ({ value: status, text: t(`status.${status}`) }))]}
          value={typed.status}
          error={errors.of("status")}
        />
        <DateInput name="endsBefore" label={t("dashboard.list.endsBefore")} value={typed.endsBefore} error={errors.of("endsBefore")} />
        <TextInput name="responsible" type="email" label={t("dashboard.list.responsible")} value={typed.responsible} error={errors.of("responsible")} width="medium" spellcheck={false} />
        <TextInput name="association" label={t("dashboard.list.association")} value={typed.association} error={errors.of("association")} width="short" spellcheck={false} />
        <Select
          name="sort"
          label={t("dashboard.list.sort")}
          options={[{ value: "", text: t("dashboard.list.sortStandard") }, ...AGREEMENT_SORTS.map((sort) => ({ value: sort, text: t(`dashboard.list.sort.${sort}`) }))]}
          value={typed.sort}
          error={errors.of("sort")}
        />
        <div class="button-group">
          <Button>{t("dashboard.list.show")}</Button>
          <a href={AGREEMENT_LIST_PATH}>{t("dashboard.list.clear")}</a>
        </div>
      </form>

      {result.kind === "page" ? <Results context={context} result={result} /> : null}
      {result.kind === "staleCursor" ? (
        <p>
          {t("dashboard.list.cursorError")} <a href={agreementListPath(result.query)}>{t("dashboard.list.firstPage")}</a>
        </p>
      ) : null}

      <h2>{t("dashboard.list.exportHeading")}</h2>
      {result.kind === "page" ? (
        <p>
          <a href={`/api/agreements.csv${queryString(filtersOnly(result.query))}`} download>
            {t("dashboard.list.csv")}
          </a>
        </p>
      ) : null}
      <p>{t("dashboard.list.calendarIntro")}</p>
      {email === undefined ? null : (
        <p>
          <a href={agreementListPath({ responsible: email })}>{t("dashboard.list.calendarShow")}</a>
        </p>
      )}
      <Form action={CALENDAR_FEED_PATH} csrfToken={context.csrfToken}>
        <Button variant="secondary">{t("dashboard.list.calendarButton")}</Button>
      </Form>
    </Page>
  );

  function Results({ context, result }: { context: PageContext; result: Extract<AgreementListResult, { kind: "page" }> }) {
    const filtered = FILTER_NAMES.some((name) => result.query[name] !== undefined);
    const caption = t(filtered ? "dashboard.list.caption" : "dashboard.list.captionAll");
    const nextHref = result.cursor === null ? undefined : agreementListPath({ ...result.query, cursor: result.cursor });
    return (
      <>
        <h2>{caption}</h2>
        <p>{t(orderKey(result.query))}</p>
        {result.agreements.length === 0 ? (
          <p>{t(result.cursor === null ? "dashboard.list.empty" : "dashboard.list.emptyMore")}</p>
        ) : (
          <Table
            caption={caption}
            captionVisible={false}
            head={[t("dashboard.list.title.column"), t("dashboard.list.associations"), t("dashboard.list.status"), t("dashboard.list.end"), t("dashboard.list.officer")]}
            rows={result.agreements.map((agreement) => [
              <AgreementLink agreement={{ id: agreement.id, title: agreement.title ?? null }} messages={context.messages} />,
              (agreement.associations ?? []).map((association) => association.name).join(", "),
              <StatusTag status={agreement.status} />,
              agreement.period === undefined ? t("dashboard.list.noPeriod") : date(agreement.period.end),
              agreement.responsibleOfficer?.name ?? "",
            ])}
          />
        )}
        <Pagination nextHref={nextHref} />
        {result.query.cursor === undefined ? null : (
          <p>
            <a href={agreementListPath(firstPage(result.query))}>{t("dashboard.list.firstPage")}</a>
          </p>
        )}
      </>
    );
  }
}

/** The first page of the same list: the query without its cursor. */
function firstPage(query: AgreementListQuery): AgreementListQuery {
  return { ...query, cursor: undefined };
}

/** The filters and the order, as the CSV export takes them. */
function filtersOnly(query: AgreementListQuery): AgreementFilterQuery {
  return Object.fromEntries(QUERY_NAMES.map((name) => [name, query[name]]));
}
