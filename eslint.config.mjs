import js from "@eslint/js";
import tseslint from "typescript-eslint";

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
      // The package root loads all ~2,200 provider modules (seconds, >1 GB). Deep imports only.
      "no-restricted-imports": [
        "error",
        {
          paths: [
            {
              name: "@cdktf/provider-aws",
              message: "Import from @cdktf/provider-aws/lib/<resource> instead.",
            },
          ],
          patterns: [
            {
              regex: "^@cdktf/provider-aws/lib/?$",
              message: "Import from @cdktf/provider-aws/lib/<resource> instead.",
            },
          ],
        },
      ],
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
    // Rules and tests navigate untyped Terraform JSON on purpose.
    files: ["policies/**/*.ts", "__tests__/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
);
