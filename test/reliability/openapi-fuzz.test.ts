// Issue item 6, bad input at scale: requests generated from the OpenAPI document the app serves, across every route
// and every role (and anonymous), against the real app on DynamoDB Local with real tokens. Two generators: the
// mutation catalogue of openapi-fuzzer-core (wrong paths, methods, parameter and body types), and fast-check values
// drawn from each operation's JSON Schemas, valid or broken on purpose (a property of a type the schema does not
// allow, a required one left out, one it does not know, the wrong media type). Whatever the request, the answer is
// never 5xx, every error is problem+json, and a request the API refused leaves the table exactly as it was.
import { createRequire } from "node:module";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROLES, type Role } from "../../functions/api/auth/principal";
import { PROBLEM_MEDIA_TYPE, problemSchema } from "../../functions/api/problems";
import type { Agreement } from "../../functions/domain/agreement";
import { runCommand } from "../../functions/app/commands";
import { RecordingMailer, startTestApi, type TestApi } from "../support/api";
import { approval, mammaUnitedContent, workflow as workflowActor } from "../support/agreements";
import { completeReportContent } from "../reports/fixtures";
import { recordFigure, scaled } from "./scale";

const GENERATED_REQUESTS = scaled({ ci: 1_000, full: 10_000 });
/** Fixed, so a failure can be run again as it was; RELIABILITY_SEED tries others. */
const SEED = Number(process.env.RELIABILITY_SEED ?? 20_261_129);

type Schema = Record<string, unknown>;
interface Parameter {
  name: string;
  in: "path" | "query" | "header";
  required: boolean;
  schema: Schema;
}
interface Operation {
  operationId: string;
  "x-permission": string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
}
interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

interface FuzzRequest {
  /** Where it came from, for the failure message. */
  origin: string;
  method: string;
  path: string;
  as: Role | undefined;
  headers: Record<string, string>;
  body?: string;
}

interface OfcSpec {
  name: string;
  request: { method: string; path: string; pathParams?: Record<string, unknown>; queryParams?: Record<string, unknown>; body?: unknown };
}
const fuzzSwagger = (createRequire(import.meta.url)("openapi-fuzzer-core") as { swagger(document: unknown): OfcSpec[] }).swagger;

const NASTY_TEXT = [
  "",
  " ",
  "' OR '1'='1",
  "<script>alert(1)</script>",
  "../../etc/passwd",
  "AGREEMENT#x",
  "%00",
  "\u202e\u0000",
  "\ud800",
  "𝕏".repeat(300),
  "x".repeat(70_000),
  "null",
  "-1",
  "1e309",
];

let api: TestApi;
let document: OpenApiDocument;
/** Values that name things that exist, per path parameter name, so the fuzz reaches past "not found" too. */
const known: Record<string, string[]> = {};

beforeAll(async () => {
  api = await startTestApi();
  document = (await (await api.request("/api/openapi.json")).json()) as OpenApiDocument;
  const create = async (content: unknown) => {
    const response = await api.request("/api/agreements", { method: "POST", as: "editor", body: content });
    expect(response.status, await response.clone().text()).toBe(201);
    return (await response.json()) as Agreement;
  };
  const draft = await create({ title: "Utkast" });
  const proposed = await create({ ...mammaUnitedContent(), title: "Föreslaget" });
  await api.request(`/api/agreements/${proposed.id}/submit`, { method: "POST", as: "editor" });
  const active = await create({ ...mammaUnitedContent(), title: "Aktivt" });
  await api.request(`/api/agreements/${active.id}/submit`, { method: "POST", as: "editor" });
  await api.request(`/api/agreements/${active.id}/decision`, { method: "POST", as: "registrar", body: approval });
  await runCommand(api.store, { agreementId: active.id, command: { type: "activate" }, actor: workflowActor, now: api.clock.now() });
  const feed = (await (await api.request("/api/calendar-feed", { method: "POST", as: "editor" })).json()) as { url: string };
  const invited = await api.request(`/api/agreements/${active.id}/invitations`, {
    method: "POST",
    as: "editor",
    body: { requirementId: "verksamhet", dueDate: "2026-03-31", email: "kassor@mammaunited.example.se" },
  });
  const { invitationId } = (await invited.json()) as { invitationId: string };
  const token = /\/report\/([A-Za-z0-9_-]{43})/.exec((api.reporting.mailer as RecordingMailer).sent.at(-1)!.text)![1]!;
  const saved = await api.request(`/api/report-links/${token}/draft`, { method: "PUT", body: completeReportContent() });
  const reportId = saved.ok ? ((await saved.json()) as { reportId?: string }).reportId : undefined;
  Object.assign(known, {
    id: [draft.id, proposed.id, active.id],
    token: [token],
    invitationId: [invitationId],
    reportId: reportId === undefined ? [] : [reportId],
    file: [feed.url.split("/").at(-1)!],
  });
});
afterAll(() => api?.stop());

// -- From the document to requests -------------------------------------------------------------------------------

function resolve(schema: Schema): Schema {
  const ref = schema.$ref;
  return typeof ref === "string" ? resolve(document.components.schemas[ref.split("/").at(-1)!]!) : schema;
}

/** Values the schema describes, or nearly: what the generator does not model (patterns, formats) comes out as text. */
function valueOf(input: Schema, depth = 0): fc.Arbitrary<unknown> {
  const schema = resolve(input);
  if ("const" in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  const alternatives = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (alternatives !== undefined) return fc.oneof(...alternatives.map((alternative) => valueOf(alternative, depth)));
  if (Array.isArray(schema.allOf)) return valueOf(schema.allOf[0] as Schema, depth);
  const type = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string | undefined];
  return fc.oneof(...type.map((one) => valueOfType(one, schema, depth)));
}

function valueOfType(type: string | undefined, schema: Schema, depth: number): fc.Arbitrary<unknown> {
  switch (type) {
    case "string":
      if (schema.format === "date") return fc.date({ min: new Date("2020-01-01"), max: new Date("2035-12-31"), noInvalidDate: true }).map((date) => date.toISOString().slice(0, 10));
      if (schema.format === "date-time") return fc.date({ noInvalidDate: true }).map((date) => date.toISOString());
      if (schema.format === "email") return fc.emailAddress();
      return fc.oneof({ weight: 4, arbitrary: fc.string({ maxLength: Math.min(Number(schema.maxLength ?? 40), 40) }) }, { weight: 1, arbitrary: fc.constantFrom(...NASTY_TEXT) });
    case "integer":
      return fc.integer({ min: Math.max(Number(schema.minimum ?? -1e9), -1e9), max: Math.min(Number(schema.maximum ?? 1e9), 1e9) });
    case "number":
      return fc.double({ noNaN: true, noDefaultInfinity: true, min: Number(schema.minimum ?? -1e9), max: Number(schema.maximum ?? 1e9) });
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "array":
      return depth > 3 ? fc.constant([]) : fc.array(valueOf((schema.items ?? {}) as Schema, depth + 1), { maxLength: 3 });
    case "object": {
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      if (depth > 3 || Object.keys(properties).length === 0) return fc.constant({});
      const model = Object.fromEntries(Object.entries(properties).map(([name, property]) => [name, valueOf(property, depth + 1)]));
      return fc.record(model, { requiredKeys: ((schema.required ?? []) as string[]).filter((name) => name in properties) });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** The JSON types a schema allows; null when it allows anything (or the generator cannot tell). */
function allowedTypes(input: Schema): Set<string> | null {
  const schema = resolve(input);
  const alternatives = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (alternatives !== undefined) {
    const each = alternatives.map(allowedTypes);
    return each.some((types) => types === null) ? null : new Set(each.flatMap((types) => [...types!]));
  }
  if ("const" in schema || Array.isArray(schema.enum)) {
    const values = "const" in schema ? [schema.const] : (schema.enum as unknown[]);
    return new Set(values.map((value) => (value === null ? "null" : typeof value)));
  }
  if (schema.type === undefined) return null;
  return new Set(Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string]);
}

/** A value of a JSON type the schema does not allow: surely refused. */
function wrongTypeFor(schema: Schema): fc.Arbitrary<unknown> | null {
  const allowed = allowedTypes(schema);
  if (allowed === null) return null;
  const candidates: [string[], unknown][] = [
    [["string"], "surely-not-valid"],
    [["number"], 1.5],
    [["number", "integer"], 7],
    [["boolean"], true],
    [["null"], null],
    [["array"], []],
    [["object"], { unexpected: true }],
  ];
  const wrong = candidates.filter(([types]) => !types.some((type) => allowed.has(type))).map(([, value]) => value);
  return wrong.length === 0 ? null : fc.constantFrom(...wrong);
}

/** A body the schema refuses: the wrong type, or an object with one property wrong, missing or unknown. */
function brokenBodyOf(input: Schema): fc.Arbitrary<unknown> {
  const schema = resolve(input);
  const breakages: fc.Arbitrary<unknown>[] = [];
  const wholeWrong = wrongTypeFor(schema);
  if (wholeWrong !== null) breakages.push(wholeWrong);
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  if (schema.type === "object" && Object.keys(properties).length > 0) {
    const valid = valueOf(schema) as fc.Arbitrary<Record<string, unknown>>;
    for (const [name, property] of Object.entries(properties)) {
      const wrong = wrongTypeFor(property);
      if (wrong !== null) breakages.push(fc.tuple(valid, wrong).map(([body, value]) => ({ ...body, [name]: value })));
    }
    for (const name of (schema.required ?? []) as string[]) {
      breakages.push(valid.map((body) => Object.fromEntries(Object.entries(body).filter(([key]) => key !== name))));
    }
    if (schema.additionalProperties === false) breakages.push(valid.map((body) => ({ ...body, notAField: "x" })));
  }
  return breakages.length === 0 ? fc.constant("surely-not-valid") : fc.oneof(...breakages);
}

/** Percent-encoded; text that is not Unicode (a lone surrogate) as the bytes a careless client would send for it. */
function encoded(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return encodeURIComponent(text.replace(/[\uD800-\uDFFF]/g, "")) + "%ED%A0%80";
  }
}

function pathWith(template: string, values: Record<string, unknown>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = values[name] ?? "x";
    return encoded(typeof value === "string" ? value : JSON.stringify(value));
  });
}

function queryString(values: Record<string, unknown>): string {
  // An array is the parameter given once per value.
  const pairs = Object.entries(values).flatMap(([name, value]) =>
    (Array.isArray(value) ? value : [value]).map((one) => `${encoded(name)}=${encoded(typeof one === "string" ? one : JSON.stringify(one))}`),
  );
  return pairs.length === 0 ? "" : `?${pairs.join("&")}`;
}

const roles = fc.constantFrom<Role | undefined>(undefined, ...ROLES);

/** Requests for one operation drawn by fast-check: each input valid, or broken in one of several ways. */
function generatedRequests(path: string, method: string, operation: Operation): fc.Arbitrary<FuzzRequest> {
  const parameters = operation.parameters ?? [];
  const pathValue = (parameter: Parameter) =>
    fc.oneof({ weight: 3, arbitrary: known[parameter.name]?.length ? fc.constantFrom(...known[parameter.name]!) : fc.string({ minLength: 1 }) }, { weight: 1, arbitrary: valueOf(parameter.schema) });
  const pathValues = fc.record(Object.fromEntries(parameters.filter((parameter) => parameter.in === "path").map((parameter) => [parameter.name, pathValue(parameter)])));
  const queryValues = fc.record(
    Object.fromEntries(
      parameters
        .filter((parameter) => parameter.in === "query")
        .map((parameter) => [parameter.name, fc.oneof({ weight: 3, arbitrary: valueOf(parameter.schema) }, { weight: 1, arbitrary: wrongTypeFor(parameter.schema) ?? fc.constantFrom(...NASTY_TEXT) })]),
    ),
    { requiredKeys: [] },
  );
  const unknownQuery = fc.option(fc.constantFrom<Record<string, unknown>>({ notAParameter: "1" }, JSON.parse('{"__proto__": "x"}') as Record<string, unknown>, { limit: ["1", "2"] }), { freq: 5 });
  const headerValues = fc.record(
    Object.fromEntries(parameters.filter((parameter) => parameter.in === "header").map((parameter) => [parameter.name, fc.constantFrom('"1"', '"2"', '"999"', "*", "garbage", 'W/"1"')])),
    { requiredKeys: [] },
  );
  const bodySchema = operation.requestBody?.content["application/json"]?.schema;
  const body: fc.Arbitrary<{ text?: string; contentType?: string }> =
    // HTTP clients send no body with GET.
    method === "get"
      ? fc.constant({})
      : bodySchema === undefined
      ? fc.oneof({ weight: 5, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }).map((value) => ({ text: JSON.stringify(value) ?? "null", contentType: "application/json" })) })
      : fc.oneof(
          { weight: 3, arbitrary: valueOf(bodySchema).map((value) => ({ text: JSON.stringify(value), contentType: "application/json" })) },
          { weight: 3, arbitrary: brokenBodyOf(bodySchema).map((value) => ({ text: JSON.stringify(value), contentType: "application/json" })) },
          { weight: 1, arbitrary: fc.constantFrom("{", "[1,2", "\u0000", "\"\\ud800\"", "{\"a\":".repeat(50)).map((text) => ({ text, contentType: "application/json" })) },
          { weight: 1, arbitrary: valueOf(bodySchema).map((value) => ({ text: JSON.stringify(value), contentType: "text/plain" })) },
        );
  return fc.record({ as: roles, pathValues, queryValues, unknownQuery, headerValues, body }).map(({ as, pathValues, queryValues, unknownQuery, headerValues, body }) => ({
    origin: `fast-check ${method.toUpperCase()} ${path}`,
    method: method.toUpperCase(),
    path: `${pathWith(path, pathValues)}${queryString({ ...queryValues, ...unknownQuery })}`,
    as,
    headers: { ...headerValues, ...(body.contentType === undefined ? {} : { "Content-Type": body.contentType }) },
    ...(body.text === undefined ? {} : { body: body.text }),
  }));
}

/** The document as openapi-fuzzer-core reads it (Swagger 2): parameters typed inline, the body a `body` parameter. */
function asSwagger2(openApi: OpenApiDocument): unknown {
  const definitions = JSON.parse(JSON.stringify(openApi.components.schemas).replaceAll("#/components/schemas/", "#/definitions/")) as Record<string, Schema>;
  const paths = Object.fromEntries(
    Object.entries(openApi.paths).map(([path, methods]) => [
      path,
      Object.fromEntries(
        Object.entries(methods).map(([method, operation]) => {
          const parameters: unknown[] = (operation.parameters ?? []).filter((parameter) => parameter.in !== "header").map((parameter) => ({ ...resolve(parameter.schema), name: parameter.name, in: parameter.in, required: parameter.required }));
          const body = operation.requestBody?.content["application/json"]?.schema;
          if (body !== undefined) parameters.push({ name: "body", in: "body", schema: JSON.parse(JSON.stringify(body).replaceAll("#/components/schemas/", "#/definitions/")) as unknown });
          // Path parameters the catalogue leaves alone get a value that exists, so its body cases reach the body checks.
          return [method, { parameters, operationId: operation.operationId }];
        }),
      ),
    ]),
  );
  return { basePath: "", paths, definitions };
}

function catalogueRequests(): FuzzRequest[] {
  return fuzzSwagger(asSwagger2(document)).flatMap((spec, index): FuzzRequest[] => {
    const { method, path, pathParams = {}, queryParams = {}, body } = spec.request;
    const values = Object.fromEntries(Object.entries(pathParams).map(([name, value]) => [name, value === name && known[name]?.length ? known[name][0] : value]));
    const as = [undefined, ...ROLES][index % (ROLES.length + 1)];
    return [
      {
        origin: `openapi-fuzzer-core ${spec.name} ${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path: `${pathWith(path, values)}${queryString(queryParams)}`,
        as,
        headers: body === undefined ? {} : { "Content-Type": "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      } satisfies FuzzRequest,
    ];
  });
}

// -- The run ---------------------------------------------------------------------------------------------------

describe("bad input at scale", () => {
  it(`answers ${GENERATED_REQUESTS.toLocaleString("en")}+ requests generated from the OpenAPI document, every route and role, with 0 × 5xx, every error problem+json, and the table unchanged by each refused request`, async () => {
    const operations = Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => generatedRequests(path, method, operation)));
    const generated = fc.sample(fc.oneof(...operations), { numRuns: GENERATED_REQUESTS, seed: SEED });
    const requests = [...catalogueRequests(), ...generated];
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let refusedWrites = 0;
    let before = await api.dump();
    for (const request of requests) {
      const response = await api.request(request.path, { method: request.method, headers: request.headers, ...(request.as === undefined ? {} : { as: request.as }), ...(request.body === undefined ? {} : { body: request.body }) });
      const text = await response.text();
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      const described = `${request.origin} as ${request.as ?? "anonymous"}: ${request.method} ${request.path.slice(0, 200)} ${request.body?.slice(0, 200) ?? ""} → ${response.status} ${text.slice(0, 300)}`;
      if (response.status >= 500) failures.push(`5xx: ${described}`);
      if (response.status >= 400) {
        const contentType = response.headers.get("Content-Type") ?? "";
        const isProblem = contentType.startsWith(PROBLEM_MEDIA_TYPE) && problemSchema.safeParse(safeJson(text)).success;
        // A browser asking for a page that does not exist gets a page; everything else a problem.
        const isPage = contentType.startsWith("text/html") && !request.path.startsWith("/api/");
        if (!isProblem && !isPage) failures.push(`not problem+json (${contentType}): ${described}`);
      }
      if (request.method !== "GET") {
        const after = await api.dump();
        if (response.status >= 400) {
          refusedWrites++;
          if (after !== before) failures.push(`the table changed: ${described}`);
        }
        before = after;
      }
    }
    const served = [...statuses.entries()].sort(([one], [other]) => one - other).map(([status, count]) => `${count} × ${status}`).join(", ");
    expect(failures, `seed ${SEED}; answers: ${served}`).toEqual([]);
    expect(requests.length).toBeGreaterThanOrEqual(GENERATED_REQUESTS);
    await recordFigure(
      "6. Bad input at scale",
      `${requests.length.toLocaleString("en")} requests (${GENERATED_REQUESTS.toLocaleString("en")} fast-check, ${(requests.length - GENERATED_REQUESTS).toLocaleString("en")} openapi-fuzzer-core), ${Object.keys(document.paths).length} paths, 4 roles and anonymous: 0 × 5xx, every error problem+json, ${refusedWrites.toLocaleString("en")} refused writes with the table unchanged; answers ${served}`,
    );
  }, 30 * 60_000); // a failure guard for the full scale, not a timing
});

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
