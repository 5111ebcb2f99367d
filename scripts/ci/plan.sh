#!/usr/bin/env bash
# terraform plan of one synthesized stack into tfplan, with a Markdown summary (counts by action and the
# plan text) appended to the job summary and written to plan-<stack>.md for the pull-request comment.
# Outputs (GitHub Actions $GITHUB_OUTPUT): has-changes=true|false, summary=<path>.
# Usage: plan.sh <stack> [plan|apply]
set -euo pipefail
usage="usage: scripts/ci/plan.sh <stack> [plan|apply]   (run from the repository root after npm run synth)"
case "${1:-}" in
  -h | --help) echo "$usage"; exit 0 ;;
  "") echo "plan.sh: no stack given ($usage)" >&2; exit 2 ;;
esac
stack="$1"
mode="${2:-plan}"
dir="cdktf.out/stacks/$stack"
if [ "$mode" != plan ] && [ "$mode" != apply ]; then
  echo "plan.sh: mode '$mode' is not plan or apply ($usage)" >&2
  exit 2
fi
if [ ! -d "$dir" ]; then
  echo "plan.sh: $dir not found: synthesize the stack first (AAI_ENVIRONMENTS=$stack npm run synth)" >&2
  exit 2
fi
summary="plan-$stack.md"

set +e
terraform -chdir="$dir" plan -input=false -lock-timeout=10m -no-color -detailed-exitcode -out=tfplan \
  >"plan-$stack.txt" 2>&1
code=$?
set -e
cat "plan-$stack.txt"
if [ "$code" -eq 1 ]; then
  {
    echo "### ❌ \`$stack\`: terraform plan failed"
    echo '```'
    tail -c 60000 "plan-$stack.txt"
    echo '```'
  } | tee "$summary" >>"${GITHUB_STEP_SUMMARY:-/dev/null}"
  echo "summary=$summary" >>"${GITHUB_OUTPUT:-/dev/null}"
  exit 1
fi
has_changes=false
[ "$code" -eq 2 ] && has_changes=true

counts="$(terraform -chdir="$dir" show -json tfplan | jq -r '
  [.resource_changes[]? | .change.actions | join("/")] | group_by(.) |
  map("\(.[0]): \(length)") | join(", ")')"
{
  echo "### \`$stack\` ($mode): $([ "$has_changes" = true ] && echo "changes" || echo "no changes")"
  echo ""
  echo "Resource actions: ${counts:-none}"
  echo ""
  echo "<details><summary>terraform plan</summary>"
  echo ""
  echo '```'
  terraform -chdir="$dir" show -no-color tfplan | tail -c 60000
  echo '```'
  echo "</details>"
} | tee "$summary" >>"${GITHUB_STEP_SUMMARY:-/dev/null}"
echo "has-changes=$has_changes" >>"${GITHUB_OUTPUT:-/dev/null}"
echo "summary=$summary" >>"${GITHUB_OUTPUT:-/dev/null}"
