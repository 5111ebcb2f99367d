/**
 * jest's module loader (jest-runtime) with one change: cdktf, the AWS provider bindings and constructs
 * are loaded once per jest worker, by Node's own require, and every test file that worker runs gets
 * those same modules, instead of loading them again into each file's fresh module registry. They are
 * most of what a test file loads (cdktf alone is 373 modules; the environment stack's provider bindings
 * 12 MB), and reloading them was a third of the suite's time outside the tests themselves.
 *
 * What that changes, and why it does not change what a test sees:
 * - those libraries run in the worker's realm, the test file and the project's code in the file's own
 *   (jest's vm context): a class, error or array from them comes from the other realm. The project and
 *   its tests never check `instanceof Object/Array/Error` on them, and cdktf only tells plain objects by
 *   `constructor === Object` in processDynamicAttributes, which matters for a dynamic block nested in a
 *   plain object, which the project does not use;
 * - their module state lives as long as the worker: cdktf's token map (one per realm's global) keeps the
 *   tokens of earlier files, so a token's number (`${TfToken[TOKEN.n]}`) depends on the files before;
 *   tokens still resolve only to their own values, and no test compares a token's number;
 * - they read the worker's real `process.env`, not jest's per-file copy (no test sets a variable that
 *   cdktf reads);
 * - cdktf's jest adapter (cdktf/lib/testing/adapters/) stays per file: it needs the file's `expect`.
 *
 * AAI_TEST_ISOLATE_MODULES=1 (jest.config.js) turns this off: every module is loaded per file again.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- jest loads this file untransformed (CommonJS) */
const Runtime = require("jest-runtime").default;

const SHARED = /\/node_modules\/(cdktf|@cdktf\/provider-aws|constructs)\//;
const PER_FILE = /\/node_modules\/cdktf\/lib\/testing\/adapters\//;

class SharedModulesRuntime extends Runtime {
  requireModule(from, moduleName, options, isRequireActual) {
    if (moduleName && !options?.isInternalModule && !this._resolver.isCoreModule(moduleName)) {
      const modulePath = this._resolveCjsModule(from, moduleName);
      if (SHARED.test(modulePath) && !PER_FILE.test(modulePath)) return require(modulePath);
    }
    return super.requireModule(from, moduleName, options, isRequireActual);
  }
}

module.exports = SharedModulesRuntime;
