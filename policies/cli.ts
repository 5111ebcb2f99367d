// `npm run policy`: runs the policy pack over cdktf.out/stacks/*/cdk.tf.json (or <outdir> given as the
// first argument); exits 1 on any failure, on a problem with the waivers, or when there is no output.
import { SynthOutputMissingError } from "../tools/tfjson";
import { loadStacks, waiverProblems } from "./engine";
import { formatReport, summarize } from "./report";
import { RULES } from "./rules";
import { WAIVERS } from "./waivers";

function main(outdir: string): number {
  const problems = waiverProblems(WAIVERS, RULES);
  if (problems.length > 0) {
    console.error(["policies/waivers.ts:", ...problems.map((p) => `  ${p}`)].join("\n"));
    return 1;
  }
  let stacks;
  try {
    stacks = loadStacks(outdir);
  } catch (error) {
    if (!(error instanceof SynthOutputMissingError)) throw error;
    console.error(`npm run policy: ${error.message}`);
    return 1;
  }
  const summaries = stacks.map((stack) => summarize(stack));
  console.log(formatReport(summaries));
  return summaries.some((s) => s.failed > 0) ? 1 : 0;
}

process.exitCode = main(process.argv[2] ?? "cdktf.out");
