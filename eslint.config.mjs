// The linter: typescript-eslint's recommended rules, no `any`, no non-null assertion, and the
// layers' import boundaries (DESIGN.md, "Layers"): arrows only point down.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/** Imports of the sandbox (the local test bed), which the library itself never needs. */
const sandbox = {
  group: ["**/sandbox/**", "**/sandbox"],
  message: "src/ and components/ never import sandbox/: its options live under sandbox/",
};

export default tseslint.config(
  { ignores: ["node_modules/**", "toolchain/**", "**/*.d.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      // `{}` is the registry's "no options, no reads": an entry's hooks see nothing more.
      "@typescript-eslint/no-empty-object-type": ["error", { allowObjectTypes: "always" }],
      "@typescript-eslint/no-non-null-assertion": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // The dynamic provider and ssh2 are loaded lazily inside serialized functions.
      "@typescript-eslint/no-require-imports": "off",
    },
  },
  {
    // Scripts that run on a host under its Node (CommonJS, no bundler).
    files: ["**/templates/*.js"],
    languageOptions: { sourceType: "commonjs", globals: { require: "readonly", process: "readonly", console: "readonly" } },
  },
  {
    // The RemoteCommand provider as Pulumi's dynamic-provider process loads it (plain CommonJS).
    files: ["src/remote/command-provider.js"],
    languageOptions: { sourceType: "commonjs", globals: { require: "readonly", module: "writable", __dirname: "readonly" } },
  },
  {
    files: ["src/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [sandbox] }] },
  },
  {
    files: ["src/remote/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            sandbox,
            {
              group: ["**/components/**", "../registry*", "../config", "../settings", "../program", "../stacks", "../topology", "../index"],
              message: "src/remote holds host operations: it imports no component and nothing above it",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["components/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            sandbox,
            {
              regex: "^\\.\\./(?!\\.\\.)[^/]+/(?!(entry|schema)$).+$",
              message: "a component imports another only through its entry (../<name>/entry) or its options (../<name>/schema)",
            },
          ],
        },
      ],
    },
  },
);
