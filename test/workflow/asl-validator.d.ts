// asl-validator ships no types; this is the part the tests use.
declare module "asl-validator" {
  interface ValidationResult {
    isValid: boolean;
    errorsText(separator?: string): string;
  }
  function validator(definition: unknown, options?: { checkPaths?: boolean; checkArn?: boolean }): ValidationResult;
  export = validator;
}
