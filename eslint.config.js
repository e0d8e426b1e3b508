// Type-checked lint over all TypeScript: the rules that catch what the compiler does not (a promise nobody awaits,
// an async function passed where a callback must return nothing, a value typed `any` flowing into typed code).
// `npm run lint` allows no warning, so every rule here is an error.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", ".sst/", ".build/", ".data/", ".synth/", "coverage/"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // `const { secret: _secret, ...rest } = item` is how a field is left out of a copy.
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", ignoreRestSiblings: true }],
      // Ports and stores are objects of closures that never use `this`, and are destructured everywhere
      // (`const { get, put } = store`): the rule cannot tell them from class methods and would flag each one.
      "@typescript-eslint/unbound-method": "off",
      // An `async` method that happens not to await still keeps the Promise contract of the interface it
      // implements (a thrown error becomes a rejection): that is why it is written so.
      "@typescript-eslint/require-await": "off",
    },
  },
  {
    // Plain JavaScript (this file, the process guard node runs on its own) has no types to check against; its
    // globals are node's, which the compiler knows and `no-undef` does not.
    files: ["**/*.js"],
    ...tseslint.configs.disableTypeChecked,
    rules: { ...tseslint.configs.disableTypeChecked.rules, "no-undef": "off" },
  },
  {
    // Tests read JSON answers and synthesized templates, whose shape is what the test asserts, not a type.
    files: ["test/**"],
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      "@typescript-eslint/no-unsafe-call": "off",
    },
  },
);
