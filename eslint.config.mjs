import js from "@eslint/js";
import tseslint from "typescript-eslint";

// The package root loads all ~2,200 provider modules (seconds, >1 GB). Deep imports only.
const providerRootMessage = "Import from @cdktf/provider-aws/lib/<resource> instead.";
const providerRootPath = { name: "@cdktf/provider-aws", message: providerRootMessage };
const providerRootPattern = { regex: "^@cdktf/provider-aws/lib/?$", message: providerRootMessage };

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", "cdktf.out/", ".bench/", "coverage/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: "readonly",
        console: "readonly",
        __dirname: "readonly",
        require: "readonly",
        module: "writable",
      },
    },
    rules: {
      "no-restricted-imports": ["error", { paths: [providerRootPath], patterns: [providerRootPattern] }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      // Override payloads are emitted raw: a literal `${` or `%{` in one breaks `terraform validate`.
      "no-restricted-syntax": [
        "error",
        {
          selector: "CallExpression[callee.property.name='addOverride']",
          message: "Use addLiteralOverride (lib/overrides.ts), which escapes template sequences.",
        },
      ],
    },
  },
  {
    // Layering: main.ts -> stacks/ -> modules/ -> lib/. Modules own their props types; the config schema
    // imports DOWN from modules, never the other way. Repeats the provider-root restriction, because a
    // later no-restricted-imports entry replaces the earlier one for these files.
    // (Tools that synthesize the stacks, such as the Terraform gate, live in tools/.)
    files: ["modules/**", "lib/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [providerRootPath],
          patterns: [
            providerRootPattern,
            {
              group: ["**/environments/**", "**/environments", "**/stacks/**", "**/stacks"],
              message:
                "modules/ and lib/ must not depend on config (environments/) or stacks/: take typed props.",
            },
          ],
        },
      ],
    },
  },
  {
    // Rules and tests navigate untyped Terraform JSON on purpose.
    files: ["policies/**/*.ts", "__tests__/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
);
