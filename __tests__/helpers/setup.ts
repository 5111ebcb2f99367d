/*
 * cdktf's jest matchers (toHaveResourceWithProperties, ...), registered in every test file but loaded only
 * by a file that uses one: each wrapper requires cdktf's jest adapter on its first call (jest loads every
 * module again in each test file, and most files never call these matchers).
 */
import type {} from "cdktf/lib/testing/adapters/jest"; // the matchers' types (jest.Matchers)

type Matcher = (this: jest.MatcherContext, ...args: any[]) => jest.CustomMatcherResult;

/** The matchers Testing.setupJest() registers (cdktf/lib/testing/adapters/jest.d.ts). */
const CDKTF_MATCHERS = [
  "toHaveResource",
  "toHaveResourceWithProperties",
  "toHaveDataSource",
  "toHaveDataSourceWithProperties",
  "toHaveProvider",
  "toHaveProviderWithProperties",
  "toBeValidTerraform",
  "toPlanSuccessfully",
] as const;

/* eslint-disable @typescript-eslint/no-require-imports */
const jestAdapter = () =>
  require("cdktf/lib/testing/adapters/jest") as typeof import("cdktf/lib/testing/adapters/jest");
/* eslint-enable @typescript-eslint/no-require-imports */

let cdktfMatchers: Record<string, Matcher> | undefined;

/** cdktf's matcher functions, as its setupJest() hands them to expect.extend (captured, not registered). */
function loadCdktfMatchers(): Record<string, Matcher> {
  if (!cdktfMatchers) {
    const extend = expect.extend;
    expect.extend = (matchers) => {
      cdktfMatchers = matchers as Record<string, Matcher>;
    };
    try {
      jestAdapter().setupJest();
    } finally {
      expect.extend = extend;
    }
  }
  return cdktfMatchers!;
}

expect.extend(
  Object.fromEntries(
    CDKTF_MATCHERS.map((name): [string, Matcher] => [
      name,
      function (...args) {
        return loadCdktfMatchers()[name].apply(this, args);
      },
    ]),
  ),
);
