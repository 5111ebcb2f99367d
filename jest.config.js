/** Transpile-only tests (swc); the one type check is __tests__/typecheck.test.ts. */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" } }],
  },
  setupFilesAfterEnv: ["<rootDir>/__tests__/helpers/setup.ts"],
  // Synthesizes every stack once per run; synthAll() in each test file reads it.
  globalSetup: "<rootDir>/__tests__/helpers/global-setup.ts",
  globalTeardown: "<rootDir>/__tests__/helpers/global-teardown.ts",
  testPathIgnorePatterns: ["/node_modules/", "/helpers/"],
  moduleFileExtensions: ["ts", "js", "json"],
  testTimeout: 60000,
  // jest defaults to cores - 1 = one worker on the 2-core machines; two halve the wall time (three were
  // slower: more files contend for the two cores).
  maxWorkers: 2,
  // cdktf, the provider bindings and constructs are loaded once per worker, not once per test file
  // (see the file for what that changes); AAI_TEST_ISOLATE_MODULES=1 loads them per file again.
  ...(process.env.AAI_TEST_ISOLATE_MODULES
    ? {}
    : { runtime: "<rootDir>/__tests__/helpers/shared-modules-runtime.js" }),
};
