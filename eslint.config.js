// Type-checked linting: typescript-eslint's recommended type-aware rules over the sources and tests.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "coverage/", "test-results/", "data/", "fixtures/", "schema/"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // A leading underscore marks a value taken out on purpose (a rest destructuring that drops a key).
      "@typescript-eslint/no-unused-vars": ["error", { varsIgnorePattern: "^_", argsIgnorePattern: "^_" }],
    },
  },
  {
    // A machine's locale must not reorder or reword a report, and the first locale call of a run loads
    // ICU's data (tens of ms, issue #19): src/core/order.ts and src/core/format.ts stand in.
    files: ["src/**/*.ts"],
    rules: {
      "no-restricted-properties": [
        "error",
        ...["localeCompare", "toLocaleString", "toLocaleDateString", "toLocaleTimeString"].map(
          (property) => ({
            property,
            message: "Locale-dependent: use byCodeUnit / byCodeUnitIgnoringCase (core/order) or core/format.",
          }),
        ),
      ],
    },
  },
  {
    // The pure layers (README "Architecture"): no process, file system or network, and no import of
    // the collector, the application layer or the CLI. test/architecture.test.ts checks the whole graph.
    files: ["src/core/**/*.ts", "src/analyse/**/*.ts", "src/decide/**/*.ts", "src/report/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["node:*"],
              message: "The pure layers never touch Node: take what you need as a value.",
            },
            {
              group: ["**/collect/*", "**/files/*", "**/app/*", "**/cli/*"],
              message: "The pure layers do not import the collector, the application layer or the CLI.",
            },
          ],
        },
      ],
    },
  },
  {
    // Plain JavaScript (scripts, bench, the test stand-in) has no types for the type-aware rules to check.
    files: ["**/*.mjs", "**/*.js", "**/*.cjs"],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ["test/**/*.ts"],
    rules: {
      // Tests parse JSON reports and recordings (typed `any`) and assert on their shape; the assertions are the check.
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      // Tests match terminal escapes and control characters on purpose.
      "no-control-regex": "off",
      // Test doubles implement async interfaces without awaiting anything.
      "@typescript-eslint/require-await": "off",
      // Vitest's expect(obj.method) and spies pass methods around unbound by design.
      "@typescript-eslint/unbound-method": "off",
    },
  },
);
