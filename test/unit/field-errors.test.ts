// fieldErrorsFromZod: each zod issue with the code of the message a person should read, and the limits it names.
import * as z from "zod";
import { describe, expect, it } from "vitest";
import { fieldErrorsFromZod } from "../../functions/domain/errors";

const errorsOf = (schema: z.ZodType, input: unknown) => {
  const parsed = schema.safeParse(input);
  if (parsed.success) throw new Error("expected the input to be refused");
  return fieldErrorsFromZod(parsed.error).map(({ path, code, params }) => ({ path, code, ...(params === undefined ? {} : { params }) }));
};

describe("field errors from zod", () => {
  it("call a missing field, an empty text and an empty list required, whatever the schema's own message", () => {
    const schema = z.object({ name: z.string(), title: z.string().trim().min(1, "Required"), dates: z.array(z.string()).min(1, "At least one") }).strict();
    expect(errorsOf(schema, { title: " ", dates: [], extra: 1, other: 2 })).toEqual([
      { path: "name", code: "required" },
      { path: "title", code: "required" },
      { path: "dates", code: "required" },
      { path: "extra", code: "unknownField" },
      { path: "other", code: "unknownField" },
    ]);
    expect(fieldErrorsFromZod(schema.safeParse({}).error!)[0]).toEqual({ path: "name", message: "Required", code: "required" });
  });

  it("name limits, types and formats", () => {
    const schema = z.object({
      short: z.string().min(3),
      long: z.string().max(5),
      count: z.number().int().min(1).max(9),
      whole: z.number().int(),
      text: z.string(),
      email: z.email(),
      choice: z.enum(["a", "b"]),
      many: z.array(z.number()).max(1),
    });
    expect(errorsOf(schema, { short: "ab", long: "abcdef", count: 10, whole: 1.5, text: 7, email: "nope", choice: "c", many: [1, 2] })).toEqual([
      { path: "short", code: "tooShort", params: { min: 3 } },
      { path: "long", code: "tooLong", params: { max: 5 } },
      { path: "count", code: "tooLarge", params: { max: 9 } },
      { path: "whole", code: "wholeNumber" },
      { path: "text", code: "notText" },
      { path: "email", code: "invalidEmail" },
      { path: "choice", code: "chooseOne" },
      { path: "many", code: "tooManyItems", params: { max: 1 } },
    ]);
  });

  it("take a schema rule's code from its params, and keep the English message of a rule that names none", () => {
    const schema = z.object({
      end: z.string().refine(() => false, { message: "Too early", params: { code: "endBeforeStart" } }),
      file: z.string().refine(() => false, "A file name, not a path"),
    });
    const parsed = schema.safeParse({ end: "x", file: "a/b" });
    expect(fieldErrorsFromZod(parsed.error!, ["body"])).toEqual([
      { path: "body.end", message: "Too early", code: "endBeforeStart" },
      { path: "body.file", message: "A file name, not a path" },
    ]);
  });
});
