// `npm run policy`: runs the policy pack over cdktf.out/stacks/*/cdk.tf.json; exits 1 on any failure.
import { loadStacks } from "./engine";
import { formatReport, summarize } from "./report";

const summaries = loadStacks(process.argv[2] ?? "cdktf.out").map(summarize);
console.log(formatReport(summaries));
if (summaries.some((s) => s.failed > 0)) process.exit(1);
