// Lint: typescript-eslint's recommended rules for every TypeScript file; generated code is left out.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import citygraph from "./eslint-rules/layers.js";

export default tseslint.config(
  { ignores: ["node_modules/", ".data/", "dist/", "**/prisma/generated/", "generated/", "apps/console/dist/", "apps/console/src/generated/", "**/*.graphql"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts", "**/*.tsx"],
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" }],
      "@typescript-eslint/no-explicit-any": "error",
      "no-console": "off",
    },
  },
  {
    files: ["apps/**/*.{ts,tsx,mjs,js}", "services/**/*.{ts,mjs,js}", "packages/**/*.{ts,mjs,js}"],
    plugins: { citygraph },
    rules: {
      "citygraph/layers": "error",
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Read the environment through apps/platform/src/config.ts (its VARIABLES are the README's Configuration table)." },
      ],
    },
  },
  { files: ["apps/platform/src/config.ts"], rules: { "no-restricted-properties": "off" } },
  {
    files: ["bin/**/*.mjs", "scripts/**/*.mjs", "tests/support/**/*.mjs", "apps/*/scripts/**/*.mjs", "eslint-rules/**/*.js", "**/*.js"],
    languageOptions: { globals: { process: "readonly", console: "readonly" } },
  },
);
