// `npm run diagram`: regenerates the Mermaid architecture diagram in docs/architecture.md (between
// <!-- diagram:start --> and <!-- diagram:end -->) from the synthesized prod stack. The generator is
// tools/diagram/ (compiled to dist/), the same code __tests__/diagram.test.ts checks the committed
// diagram with.
//
//   npm run diagram                      compile, synthesize every stack (as `npm run synth`), update the docs
//   npm run diagram -- --no-synth        use cdktf.out as it is (synthesizes only if the stack is missing)
//   npm run diagram -- --check           update nothing; exit 1 if docs/architecture.md is out of date
//   npm run diagram -- --env dev         print another environment's diagram on stdout (the docs show prod)
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const envIndex = args.indexOf("--env");
const env = envIndex >= 0 ? args[envIndex + 1] : "prod";
const check = args.includes("--check");
const outdir = process.env.CDKTF_OUTDIR ?? "cdktf.out";
const stackFile = join(root, outdir, "stacks", env ?? "", "cdk.tf.json");
const docs = join(root, "docs", "architecture.md");

const run = (script) => execFileSync(process.execPath, [join(root, script)], { cwd: root, stdio: "inherit" });

run("scripts/build.mjs");
if (!args.includes("--no-synth") || !existsSync(stackFile)) run("dist/main.js");
if (!existsSync(stackFile)) {
  console.error(
    `${stackFile} not found: is "${env}" an environment, and in AAI_ENVIRONMENTS if that is set?`,
  );
  process.exit(1);
}

const { diagramBlock, renderDiagram, replaceDiagramBlock } = createRequire(import.meta.url)(
  join(root, "dist", "tools", "diagram", "index.js"),
);
const stack = JSON.parse(readFileSync(stackFile, "utf8"));

if (env !== "prod") {
  process.stdout.write(renderDiagram(stack));
  process.exit(0);
}

const current = readFileSync(docs, "utf8");
const updated = replaceDiagramBlock(current, diagramBlock(stack, "cdktf.out/stacks/prod/cdk.tf.json"));
if (check) {
  if (updated !== current) {
    console.error("docs/architecture.md: the diagram is out of date; run `npm run diagram`");
    process.exit(1);
  }
  console.log("docs/architecture.md: the diagram is up to date");
} else if (updated !== current) {
  writeFileSync(docs, updated);
  console.log("docs/architecture.md: diagram updated");
} else {
  console.log("docs/architecture.md: diagram unchanged");
}
