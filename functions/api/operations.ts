/**
 * The API's routes as data. Each operation declares its path, the permission it needs, and zod schemas for what
 * it accepts and returns; registering it adds the Hono route, with sign-in, permission and input checks in front
 * of the handler, and its entry in the OpenAPI document. The document is generated from the very schemas the
 * routes validate with, so it cannot drift from them.
 *
 * The document itself is written by openapi.ts.
 */
import type { Context, Hono } from "hono";
import * as z from "zod";
import { fieldErrorsFromZod, type FieldError } from "../domain/errors";
import { can, type Permission, type StaffPrincipal } from "./auth/principal";
import type { AppEnv } from "./env";
import { openApiDocument, type ApiTag } from "./openapi";
import { ApiProblem } from "./problems";

/** What a caller needs: a permission (after signing in), or nothing for public routes. */
export type Access = Permission | "public";

type Method = "get" | "post" | "put" | "patch" | "delete";
type ObjectSchema = z.ZodObject;

export interface ResponseSpec {
  description: string;
  /** The body's schema, for the document and the reader; responses are not validated at run time. */
  schema?: z.ZodType;
  /** `application/json` when there is a schema and nothing else is said. */
  mediaType?: string;
  /** Response headers: name → description. */
  headers?: Record<string, string>;
}

export interface OperationSpec<
  Params extends ObjectSchema | undefined = ObjectSchema | undefined,
  Query extends ObjectSchema | undefined = ObjectSchema | undefined,
  Body extends z.ZodType | undefined = z.ZodType | undefined,
> {
  method: Method;
  /** OpenAPI form: `/api/agreements/{id}`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: ApiTag;
  access: Access;
  params?: Params;
  query?: Query;
  /** A JSON body. An empty body parses as `undefined`, so a schema that allows it makes the body optional. */
  body?: Body;
  /** Request headers the operation reads: name → description (and whether it is required). */
  headers?: Record<string, { description: string; required?: boolean }>;
  /** Problems every operation can answer (400, 401, 403, 413, 415, 503 as they apply) are added to the document. */
  responses: Record<number, ResponseSpec>;
}

type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface OperationInput<Params, Query, Body> {
  params: Parsed<Params>;
  query: Parsed<Query>;
  body: Parsed<Body>;
}

export type Handler<Params, Query, Body> = (
  c: Context<AppEnv>,
  input: OperationInput<Params, Query, Body>,
) => Response | Promise<Response>;

export interface OpenApiInfo {
  title: string;
  version: string;
  description: string;
  license: { name: string; identifier?: string; url?: string };
}

/** What the document says besides the operations. */
export interface DocumentDescription {
  info: OpenApiInfo;
  /** The origin the API is served at; the paths start with /api. */
  serverUrl: string;
}

export interface Operations {
  add<Params extends ObjectSchema | undefined, Query extends ObjectSchema | undefined, Body extends z.ZodType | undefined>(
    spec: OperationSpec<Params, Query, Body>,
    handler: Handler<Params, Query, Body>,
  ): void;
  /** Gives a schema a name in the document's components, e.g. "Agreement"; call before the first `document`. */
  name(schema: z.ZodType, id: string): void;
  /** The OpenAPI 3.1 document of every operation added so far. */
  document(description: DocumentDescription): Record<string, unknown>;
}

export interface OperationsOptions {
  /** Who is calling; asked only by operations that need a permission. */
  authenticate(c: Context<AppEnv>): Promise<StaffPrincipal | null>;
}

/** JSON, and JSON-based types such as application/merge-patch+json; UTF-8 only, as RFC 8259 requires. */
const JSON_MEDIA_TYPE = /^application\/(?:[\w.-]+\+)?json\s*(?:;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;
/** Deeper than any body the schemas accept; walking it further would only cost time. */
const MAX_JSON_DEPTH = 32;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Refuses what is not UTF-8, where a lenient decoder would store a replacement character "�" in its place. */
const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true });
// Tab, line feed and carriage return are text; the other C0 controls and DEL are not.
// eslint-disable-next-line no-control-regex -- matching control characters is this pattern's purpose
const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

export function createOperations(app: Hono<AppEnv>, options: OperationsOptions): Operations {
  const specs: OperationSpec[] = [];
  const names: [z.ZodType, string][] = [];

  async function authorize(c: Context<AppEnv>, access: Access): Promise<void> {
    if (access === "public") return;
    const principal = await options.authenticate(c);
    c.set("principal", principal);
    if (principal === null) {
      // The authenticator may already have said why a token was refused.
      const challenge: Record<string, string> = c.res.headers.has("WWW-Authenticate") ? {} : { "WWW-Authenticate": "Bearer" };
      throw new ApiProblem(401, "Not signed in", "Sign in, or send a Bearer token in the Authorization header", {
        headers: challenge,
      });
    }
    if (!can(principal, access)) {
      throw new ApiProblem(
        403,
        "Not permitted",
        `This needs the ${access} permission, which none of your roles (${principal.roles.join(", ") || "none"}) has`,
      );
    }
  }

  return {
    add(spec, handler) {
      specs.push(spec);
      app.on(spec.method.toUpperCase(), honoPath(spec.path), async (c) => {
        await authorize(c, spec.access);
        const input = await validatedInput(c, spec);
        return handler(c, input);
      });
    },
    name(schema, id) {
      names.push([schema, id]);
    },
    document(description) {
      return openApiDocument(specs, names, description);
    },
  };
}

function honoPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ":$1");
}

async function validatedInput<Params, Query, Body>(
  c: Context<AppEnv>,
  spec: OperationSpec<ObjectSchema | undefined, ObjectSchema | undefined, z.ZodType | undefined>,
): Promise<OperationInput<Params, Query, Body>> {
  const errors: FieldError[] = [];
  const params = spec.params === undefined ? undefined : parseInto(spec.params, c.req.param(), errors);
  const given = queryParameters(c.req.url, errors);
  const query = spec.query === undefined ? refuseAll(given, errors) : parseInto(spec.query, given, errors);
  const body = await readBody(c, spec.body, errors);
  if (errors.length > 0) {
    throw new ApiProblem(400, "Invalid request", "Some of the input is not valid; see errors", { errors });
  }
  return { params, query, body } as OperationInput<Params, Query, Body>;
}

/**
 * The query's parameters, read here rather than by Hono: its reading keeps a malformed escape (`%ZZ`, the UTF-8 of
 * a lone surrogate `%ED%A0%80`) as literal text, and puts the parameters in a plain object, where one named
 * `__proto__` sets the prototype instead of being a name to refuse. Here every name and value is decoded strictly
 * (`+` is a space, as in forms) into an object without a prototype, and each name must be a parameter. Control
 * characters are refused as in bodies.
 * Parameters are single-valued: a repeated one is refused rather than one of its values picked.
 */
function queryParameters(url: string, errors: FieldError[]): Record<string, string> {
  const parameters = Object.create(null) as Record<string, string>;
  const queryStart = url.indexOf("?");
  if (queryStart === -1) return parameters;
  const fragmentStart = url.indexOf("#", queryStart);
  const query = url.slice(queryStart + 1, fragmentStart === -1 ? undefined : fragmentStart);
  const repeated = new Set<string>();
  for (const pair of query.split("&")) {
    if (pair === "") continue;
    const equals = pair.indexOf("=");
    const rawName = equals === -1 ? pair : pair.slice(0, equals);
    const name = strictlyDecoded(rawName);
    const value = equals === -1 ? "" : strictlyDecoded(pair.slice(equals + 1));
    if (name === null || value === null) {
      errors.push({ path: name ?? rawName.slice(0, 64), message: "Not valid percent-encoded UTF-8" });
    } else if (CONTROL_CHARACTER.test(name) || CONTROL_CHARACTER.test(value)) {
      errors.push({ path: name, message: "Contains control characters" });
    } else if (Object.hasOwn(parameters, name)) {
      if (!repeated.has(name)) errors.push({ path: name, message: "Give this parameter once" });
      repeated.add(name);
    } else {
      parameters[name] = value;
    }
  }
  return parameters;
}

function strictlyDecoded(component: string): string | null {
  try {
    return decodeURIComponent(component.replaceAll("+", " "));
  } catch {
    return null;
  }
}

function refuseAll(parameters: Record<string, string>, errors: FieldError[]): undefined {
  for (const name of Object.keys(parameters)) errors.push({ path: name, message: "Not a parameter of this request", code: "unknownField" });
  return undefined;
}

function parseInto<S extends z.ZodType>(schema: S, value: unknown, errors: FieldError[]): z.output<S> | undefined {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  errors.push(...fieldErrorsFromZod(parsed.error));
  return undefined;
}

async function readBody(c: Context<AppEnv>, schema: z.ZodType | undefined, errors: FieldError[]): Promise<unknown> {
  const bytes = await c.req.arrayBuffer();
  if (bytes.byteLength === 0) {
    if (schema === undefined || schema.safeParse(undefined).success) return undefined;
    errors.push({ path: "", message: "A JSON body is required" });
    return undefined;
  }
  if (schema === undefined) {
    errors.push({ path: "", message: "This request takes no body" });
    return undefined;
  }
  const contentType = c.req.header("Content-Type") ?? "";
  if (!JSON_MEDIA_TYPE.test(contentType.trim())) {
    throw new ApiProblem(415, "Unsupported media type", `Send the body as JSON (Content-Type: application/json), not "${contentType || "no type"}"`);
  }
  let text: string;
  try {
    text = STRICT_UTF8.decode(bytes);
  } catch {
    errors.push({ path: "", message: "Not valid UTF-8" });
    return undefined;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    errors.push({ path: "", message: `Not valid JSON: ${(error as Error).message}` });
    return undefined;
  }
  const textProblems = unicodeProblems(json);
  if (textProblems.length > 0) {
    errors.push(...textProblems);
    return undefined;
  }
  return parseInto(schema, json, errors);
}

/**
 * Text the store should never hold: lone surrogates (not Unicode at all; DynamoDB would store a replacement
 * character instead) and control characters other than tab and line breaks. Also refuses absurd nesting.
 */
function unicodeProblems(json: unknown): FieldError[] {
  const problems: FieldError[] = [];
  const visit = (value: unknown, path: string[]): void => {
    if (path.length > MAX_JSON_DEPTH) {
      problems.push({ path: path.slice(0, MAX_JSON_DEPTH).join("."), message: "Nested too deeply" });
      return;
    }
    if (typeof value === "string") {
      if (LONE_SURROGATE.test(value)) problems.push({ path: path.join("."), message: "Contains text that is not valid Unicode" });
      else if (CONTROL_CHARACTER.test(value)) {
        problems.push({ path: path.join("."), message: "Contains control characters" });
      }
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => visit(item, [...path, String(index)]));
    } else if (typeof value === "object" && value !== null) {
      for (const [key, item] of Object.entries(value)) visit(item, [...path, key]);
    }
  };
  visit(json, []);
  return problems;
}
