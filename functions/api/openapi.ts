/**
 * The OpenAPI 3.1 document of the operations (operations.ts), generated from the very zod schemas the routes
 * validate with, so it cannot drift from them. It uses zod's own JSON Schema output (OpenAPI 3.1 schemas are JSON
 * Schema 2020-12), which is part of zod anyway; a separate OpenAPI library would add some 36 KB to the Lambda
 * bundle for the same result.
 */
import * as z from "zod";
import { calendarDateSchema } from "../domain/agreement";
import { SESSION_COOKIE } from "./auth/staff-auth";
import type { DocumentDescription, OperationSpec } from "./operations";
import { PROBLEM_MEDIA_TYPE, problemSchema } from "./problems";

type ObjectSchema = z.ZodObject;

/** The groups the document's operations are in; an operation names one (OperationSpec.tag). */
export const API_TAGS = {
  Agreements:
    "IOP agreements through their lifecycle: list and search, drafts, submission, the council's decision, renewal, " +
    "termination and withdrawal, and each agreement's audit trail and reminders",
  Exports: "The agreements a list's filters find, as CSV for Excel, and each officer's calendar feed of end dates, notice dates and report due dates",
  Reports: "Staff's side of the associations' reports: the invitations that email a contact a report link, the reports, and their review",
  "Association reports":
    "The association's side, authorised by the report link's token alone: what the link opens, a draft, attachments, " +
    "the submission; and fresh links by email",
  Operations: "Whether the app and the services it depends on are up",
  Documentation: "This document and the interactive page on it",
} as const satisfies Record<string, string>;

export type ApiTag = keyof typeof API_TAGS;

const JSON_SCHEMA_OPTIONS = {
  target: "draft-2020-12",
  io: "input",
  // Transforms (e.g. the organisationsnummer normalisation) are described by their input.
  unrepresentable: "any",
  override: (context: { zodSchema: z.core.$ZodType; jsonSchema: Record<string, unknown> }) => {
    if (context.zodSchema === calendarDateSchema) context.jsonSchema.format = "date";
    // A query parameter read as text and checked as a number (`limit`) is described as the number it must be.
    const { def } = context.zodSchema._zod;
    if (def.type === "pipe" && (def as z.core.$ZodPipeDef).out instanceof z.ZodNumber) {
      const number = (def as z.core.$ZodPipeDef).out as z.ZodNumber;
      for (const key of Object.keys(context.jsonSchema)) delete context.jsonSchema[key];
      Object.assign(context.jsonSchema, withoutMeta(z.toJSONSchema(number, { target: "draft-2020-12" }) as Record<string, unknown>));
    }
  },
} as const;

function withoutMeta(schema: Record<string, unknown>): Record<string, unknown> {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}

export function openApiDocument(specs: readonly OperationSpec[], names: readonly [z.ZodType, string][], description: DocumentDescription) {
  // Unnamed schemas are named after their operation; one conversion of the registry then writes every component,
  // with the named schemas nested in others as references.
  const components = z.registry<{ id: string }>();
  components.add(problemSchema, { id: "Problem" });
  for (const [schema, id] of names) components.add(schema, { id });
  const ref = (schema: z.ZodType, fallbackId: string) => {
    if (!components.has(schema)) components.add(schema, { id: fallbackId });
    return { $ref: `#/components/schemas/${components.get(schema)!.id}` };
  };

  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of specs) {
    const responses: Record<string, unknown> = {};
    const problem = (description: string) => ({ description, content: { [PROBLEM_MEDIA_TYPE]: { schema: ref(problemSchema, "Problem") } } });
    const takesInput = spec.params !== undefined || spec.query !== undefined || spec.body !== undefined;
    // Every operation refuses what it does not take: an unknown query parameter, a body it has no use for.
    responses["400"] = problem(
      takesInput ? "The input is not valid; `errors` names each field" : "A query parameter or a body, which this operation does not take",
    );
    if (spec.access !== "public") {
      responses["401"] = problem("Not signed in");
      responses["403"] = problem(`Signed in without the ${spec.access} permission`);
    }
    // Every operation but the documentation's reads the table or signs in; the health check has a 503 of its own.
    if (spec.tag !== "Documentation" && spec.responses[503] === undefined) {
      responses["503"] = {
        ...problem(
          spec.access === "public"
            ? "The database could not be reached; Retry-After says when to try again"
            : "The database or the organisation's identity provider (to check the token) could not be reached; Retry-After says when to try again, when it is the database",
        ),
        headers: { "Retry-After": { description: "Seconds to wait before trying again", schema: { type: "string" } } },
      };
    }
    if (spec.body !== undefined) {
      responses["413"] = problem("The body is larger than 100 KB");
      responses["415"] = problem("The body is not JSON");
    }
    for (const [status, response] of Object.entries(spec.responses)) {
      const mediaType = response.mediaType ?? (response.schema === undefined ? undefined : "application/json");
      const schemaId = `${capitalised(spec.operationId)}${status}`;
      responses[status] = {
        description: response.description,
        ...(mediaType === undefined
          ? {}
          : { content: { [mediaType]: response.schema === undefined ? {} : { schema: ref(response.schema, schemaId) } } }),
        ...(response.headers === undefined
          ? {}
          : {
              headers: Object.fromEntries(
                Object.entries(response.headers).map(([name, description]) => [name, { description, schema: { type: "string" } }]),
              ),
            }),
      };
    }
    const parameters = [
      ...parametersOf(spec.params, "path"),
      ...parametersOf(spec.query, "query"),
      ...Object.entries(spec.headers ?? {}).map(([name, header]) => ({
        name,
        in: "header",
        required: header.required ?? false,
        description: header.description,
        schema: { type: "string" },
      })),
    ];
    paths[spec.path] ??= {};
    paths[spec.path]![spec.method] = {
      operationId: spec.operationId,
      summary: spec.summary,
      ...(spec.description === undefined ? {} : { description: spec.description }),
      tags: [spec.tag],
      "x-permission": spec.access,
      security: spec.access === "public" ? [] : [{ bearer: [] }, { session: [] }],
      ...(parameters.length === 0 ? {} : { parameters }),
      ...(spec.body === undefined
        ? {}
        : {
            requestBody: {
              required: !spec.body.safeParse(undefined).success,
              content: { "application/json": { schema: ref(spec.body, `${capitalised(spec.operationId)}Body`) } },
            },
          }),
      responses,
    };
  }

  const { schemas } = z.toJSONSchema(components, { ...JSON_SCHEMA_OPTIONS, uri: (id) => `#/components/schemas/${id}` });
  return {
    openapi: "3.1.0",
    info: description.info,
    servers: [{ url: description.serverUrl, description: "This installation" }],
    tags: [...new Set(specs.map((spec) => spec.tag))].map((name) => ({ name, description: API_TAGS[name] })),
    paths,
    components: {
      schemas: Object.fromEntries(Object.entries(schemas).map(([id, schema]) => [id, withoutMeta(schema as Record<string, unknown>)])),
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT", description: "An access token from the organisation's sign-in" },
        session: { type: "apiKey", in: "cookie", name: SESSION_COOKIE, description: "The browser's session after signing in at /auth/login" },
      },
    },
  };
}

function parametersOf(schema: ObjectSchema | undefined, location: "path" | "query") {
  if (schema === undefined) return [];
  return Object.entries(schema.shape).map(([name, field]) => {
    const { description, ...fieldSchema } = withoutMeta(z.toJSONSchema(field as z.ZodType, JSON_SCHEMA_OPTIONS));
    return {
      name,
      in: location,
      required: location === "path" || !(field as z.ZodType).safeParse(undefined).success,
      ...(description === undefined ? {} : { description }),
      schema: fieldSchema,
    };
  });
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
