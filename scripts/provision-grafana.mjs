// Provisions an environment's Amazon Managed Grafana workspace: data sources (AMP via SigV4, CloudWatch),
// a folder and the dashboards in modules/monitoring/dashboards/, with their variables set to the
// environment's identifiers. Run by an operator or a CI step after `terraform apply`:
//
//   npm run build
//   terraform -chdir=cdktf.out/stacks/prod output -json > /tmp/prod-outputs.json
//   GRAFANA_TOKEN=<service account token> node scripts/provision-grafana.mjs --env prod --outputs /tmp/prod-outputs.json
//
// --dry-run prints the requests instead of sending them. The token comes from a Grafana service account
// with the Admin role (aws grafana create-workspace-service-account[-token]); never pass it as an argument.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const USAGE =
  "usage: node scripts/provision-grafana.mjs --env <env> --outputs <terraform output -json file> [--dry-run]   (env: GRAFANA_TOKEN; run npm run build first)";
/** Every failure is one line on stderr and exit 1 (usage errors: exit 2). */
function fail(message, code = 1) {
  console.error(`provision-grafana: ${String(message).split("\n")[0]}`);
  process.exit(code);
}
process.on("uncaughtException", (error) => fail(error?.message ?? error));
process.on("unhandledRejection", (error) => fail(error?.message ?? error));

let values;
try {
  ({ values } = parseArgs({
    options: {
      help: { type: "boolean", short: "h" },
      env: { type: "string" },
      outputs: { type: "string" },
      "dry-run": { type: "boolean", default: false },
    },
  }));
} catch (error) {
  fail(`${error.message} (${USAGE})`, 2);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (!values.env || !values.outputs) fail(`--env and --outputs are required (${USAGE})`, 2);
let buildProvisioningRequests, loadDashboards;
try {
  ({ buildProvisioningRequests, loadDashboards } = require(
    join(root, "dist/modules/monitoring/grafana-provisioning.js"),
  ));
} catch {
  fail("dist/modules/monitoring/grafana-provisioning.js not found: run `npm run build` first");
}
let outputs;
try {
  outputs = JSON.parse(readFileSync(values.outputs, "utf8"));
} catch (error) {
  fail(`cannot read ${values.outputs} as JSON (terraform output -json): ${error.code ?? error.message}`);
}
const value = (name) => {
  if (!(name in outputs)) fail(`stack output ${name} not found in ${values.outputs}`);
  return outputs[name].value;
};
const requests = buildProvisioningRequests(
  {
    prometheusEndpoint: value("prometheus_endpoint"),
    variables: value("grafana_dashboard_variables"),
    environment: values.env,
  },
  loadDashboards(join(root, "modules/monitoring/dashboards")),
);
if (values["dry-run"]) {
  console.log(JSON.stringify(requests, null, 2));
  process.exit(0);
}
const token = process.env.GRAFANA_TOKEN;
if (!token) fail("GRAFANA_TOKEN is not set (a Grafana service account token with the Admin role)", 2);
const base = `https://${value("grafana_endpoint")}`;
async function send(method, path, body) {
  const res = await globalThis.fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, text: await res.text() };
}
for (const r of requests) {
  let res = await send(r.method, r.path, r.body);
  if (res.status === 409 || res.status === 412) {
    if (!r.onConflict) {
      console.log(`${r.method} ${r.path}: exists, kept`);
      continue;
    }
    res = await send(r.onConflict.method, r.onConflict.path, r.body);
  }
  if (res.status >= 300)
    fail(`${r.method} ${r.path}: HTTP ${res.status}: ${res.text.replace(/\s+/g, " ").slice(0, 300)}`);
  console.log(`${r.method} ${r.path}: HTTP ${res.status}`);
}
