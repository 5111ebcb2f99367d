#!/usr/bin/env bash
# The monthly cost estimate of one synthesized stack as Markdown, for the pull-request plan comment:
# written to cost-<stack>.md and appended to the job summary. When <base-checkout> holds the base
# branch, its stack is synthesized there (with this checkout's node_modules) and the difference is
# added; if the base cannot be synthesized or estimated, the estimate alone is given, with a note.
# Outputs ($GITHUB_OUTPUT): file=<path>.
# Usage: cost.sh <stack> [base-checkout]
set -euo pipefail
usage="usage: scripts/ci/cost.sh <stack> [base-checkout]   (run from the repository root after npm run synth)"
case "${1:-}" in
  -h | --help) echo "$usage"; exit 0 ;;
  "") echo "cost.sh: no stack given ($usage)" >&2; exit 2 ;;
esac
stack="$1"
base="${2:-}"
out="cost-$stack.md"
estimate=(node "$(dirname "$0")/../cost.mjs" --stack "$stack" --markdown)

note=""
if [ -n "$base" ] && [ -d "$base" ]; then
  ln -sfn "$PWD/node_modules" "$base/node_modules"
  if (cd "$base" && AAI_ENVIRONMENTS="$stack" npm run --silent synth >/dev/null 2>&1) &&
    "${estimate[@]}" --compare "$base/cdktf.out" >"$out" 2>/dev/null; then
    note="done"
  else
    note="_The base branch could not be synthesized or estimated here: no cost difference._"
  fi
fi
if [ "$note" != done ]; then
  "${estimate[@]}" >"$out"
  if [ -n "$note" ]; then printf '\n%s\n' "$note" >>"$out"; fi
fi
cat "$out" >>"${GITHUB_STEP_SUMMARY:-/dev/null}"
echo "file=$out" >>"${GITHUB_OUTPUT:-/dev/null}"
