/** Transpile-only tests (swc); the one type check is __tests__/typecheck.test.ts. */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" } }],
  },
  setupFilesAfterEnv: ["<rootDir>/__tests__/helpers/setup.ts"],
  testPathIgnorePatterns: ["/node_modules/", "/helpers/"],
  moduleFileExtensions: ["ts", "js", "json"],
  testTimeout: 60000,
  // jest defaults to cores - 1 = one worker on the 2-core machines; two halve the wall time.
  maxWorkers: 2,
};
