/**
 * The OpenAPI 3.1 document of the operations (operations.ts), generated from the very zod schemas the routes
 * validate with, so it cannot drift from them. It uses zod's own JSON Schema output (OpenAPI 3.1 schemas are JSON
 * Schema 2020-12), which is part of zod anyway; a separate OpenAPI library would add some 36 KB to the Lambda
 * bundle for the same result.
 */
import * as z from "zod";
import { calendarDateSchema } from "../domain/agreement";
import { SESSION_COOKIE } from "./auth/staff-auth";
import type { OpenApiInfo, OperationSpec } from "./operations";
import { PROBLEM_MEDIA_TYPE, problemSchema } from "./problems";

type ObjectSchema = z.ZodObject;

const JSON_SCHEMA_OPTIONS = {
  target: "draft-2020-12",
  io: "input",
  // Transforms (e.g. the organisationsnummer normalisation) are described by their input.
  unrepresentable: "any",
  override: (context: { zodSchema: unknown; jsonSchema: Record<string, unknown> }) => {
    if (context.zodSchema === calendarDateSchema) context.jsonSchema.format = "date";
  },
} as const;

function withoutMeta(schema: Record<string, unknown>): Record<string, unknown> {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}

export function openApiDocument(specs: readonly OperationSpec[], names: readonly [z.ZodType, string][], info: OpenApiInfo) {
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
    if (takesInput) responses["400"] = problem("The input is not valid; `errors` names each field");
    if (spec.access !== "public") {
      responses["401"] = problem("Not signed in");
      responses["403"] = problem(`Signed in without the ${spec.access} permission`);
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
    info,
    tags: [...new Set(specs.map((spec) => spec.tag))].map((name) => ({ name })),
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
