// `npm run bench`: cold `npm run synth` of all stacks (first after an install, and with the dependency
// pre-bundle built), the jest suite alone, the Terraform gate alone and the whole `npm test` (jest +
// gate), each timed over several runs; prints median wall time and peak RSS as a table.
// `npm run bench -- --synth-only` times the two synth rows alone. Peak RSS is GNU time's %M: the largest
// resident set of any process in the run's tree (npm, node, jest workers).
import { spawnSync } from "node:child_process";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { CACHE_DIR } from "./prebundle.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const USAGE =
  "usage: npm run bench [-- --synth-only]   (env: BENCH_RUNS = synth runs, default 5; BENCH_TEST_RUNS = jest/gate/test runs, default 3)";
/** Every failure is one line on stderr, exit 1. */
function fail(message) {
  console.error(`bench: ${message}`);
  process.exit(1);
}
const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  console.log(USAGE);
  process.exit(0);
}
const unknown = args.find((a) => a !== "--synth-only");
if (unknown) fail(`unknown argument ${unknown} (${USAGE})`);
const synthOnly = args.includes("--synth-only");
const runsOf = (name, fallback) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1)
    fail(`${name} = ${process.env[name]}: must be a whole number >= 1`);
  return value;
};
const synthRuns = runsOf("BENCH_RUNS", 5);
const testRuns = runsOf("BENCH_TEST_RUNS", 3);
const gnuTime = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;

function sample(command, args) {
  const start = process.hrtime.bigint();
  const run = gnuTime
    ? spawnSync(gnuTime, ["-f", "%M", command, ...args], { cwd: root, encoding: "utf8" })
    : spawnSync(command, args, { cwd: root, encoding: "utf8" });
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  if (run.status !== 0) {
    // The command's own last line (GNU time appends "Command exited ..." and the RSS to stderr), and all
    // of its output in a file: a failure seen only under the bench's load must not be lost.
    const own = (text) =>
      `${text}`
        .split("\n")
        .filter((l) => l.trim() && !/^Command exited with non-zero status|^\d+$/.test(l.trim()));
    const last = [...own(run.stdout), ...own(run.stderr)].pop() ?? "";
    const log = join(tmpdir(), `bench-failure-${process.pid}.log`);
    writeFileSync(log, `$ ${command} ${args.join(" ")}\n--- stdout\n${run.stdout}--- stderr\n${run.stderr}`);
    fail(
      `\`${command} ${args.join(" ")}\` failed (exit ${run.status}): ${last.trim()} (full output: ${log})`,
    );
  }
  const rssKb = gnuTime ? Number(run.stderr.trim().split("\n").pop()) : NaN;
  return { wall, rssMb: rssKb / 1024 };
}

function measure(label, command, args, runs, before = () => {}) {
  const samples = [];
  for (let i = 0; i < runs; i += 1) {
    before();
    samples.push(sample(command, args));
  }
  const walls = samples.map((s) => s.wall).sort((a, b) => a - b);
  const mid = Math.floor(walls.length / 2);
  const median = walls.length % 2 ? walls[mid] : (walls[mid - 1] + walls[mid]) / 2;
  return {
    label,
    runs,
    median,
    max: walls[walls.length - 1],
    peakMb: Math.max(...samples.map((s) => s.rssMb)),
  };
}

// Cold = no compiled dist/. cdktf.out stays: synth replaces only its generated files, and removing it
// would delete the stacks' .terraform/ directories and saved plans.
const cold = () => rmSync(join(root, "dist"), { recursive: true, force: true });

// First after an install = cold, and no dependency pre-bundle yet (npm ci empties node_modules/.cache).
const firstAfterInstall = () => {
  cold();
  rmSync(CACHE_DIR, { recursive: true, force: true });
};

const results = [
  // Runs first: it leaves the pre-bundle built for the cold runs after it.
  measure(
    "npm run synth, first after npm ci (cold, and builds the dependency pre-bundle)",
    "npm",
    ["run", "--silent", "synth"],
    synthRuns,
    firstAfterInstall,
  ),
  measure(
    "npm run synth (cold: compile + synth bootstrap, dev, staging, prod)",
    "npm",
    ["run", "--silent", "synth"],
    synthRuns,
    cold,
  ),
  ...(synthOnly
    ? []
    : [
        measure(
          "jest alone (full suite incl. tsc --noEmit, no Terraform gate)",
          "npx",
          ["jest", "--silent"],
          testRuns,
        ),
        measure(
          "npm run gate (validate + offline plan of 4 stacks)",
          "npm",
          ["run", "--silent", "gate"],
          testRuns,
        ),
        measure("npm test (compile + jest + Terraform gate)", "npm", ["test", "--silent"], testRuns),
      ]),
];

const header = ["benchmark", "runs", "median wall (s)", "slowest (s)", "peak RSS (MB)"];
const rows = results.map((r) => [
  r.label,
  String(r.runs),
  r.median.toFixed(2),
  r.max.toFixed(2),
  Number.isNaN(r.peakMb) ? "n/a" : r.peakMb.toFixed(0),
]);
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
console.log(
  [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)].join("\n"),
);
console.log(
  `\nTargets (2 cores): synth <= 1.5 s wall and <= 600 MB; Terraform gate <= 40 s; npm test <= 75 s. Node ${process.version}.`,
);
