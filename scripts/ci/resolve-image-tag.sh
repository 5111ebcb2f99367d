#!/usr/bin/env bash
# Exports TF_VAR_image_tag for the rest of the job (GitHub Actions $GITHUB_ENV): the tag given to the
# workflow, else the tag the environment runs now (the stack's `image_tag` output in its state), else
# the GitHub environment variable IMAGE_TAG. Usage: resolve-image-tag.sh <stack dir>
set -euo pipefail
usage="usage: scripts/ci/resolve-image-tag.sh <stack dir>   (env: IMAGE_TAG_INPUT, IMAGE_TAG_DEFAULT, GITHUB_ENV)"
case "${1:-}" in
  -h | --help) echo "$usage"; exit 0 ;;
  "") echo "resolve-image-tag.sh: no stack directory given ($usage)" >&2; exit 2 ;;
esac
dir="$1"
if [ ! -f "$dir/cdk.tf.json" ]; then
  echo "resolve-image-tag.sh: $dir/cdk.tf.json not found: synthesize the stack first" >&2
  exit 2
fi
tag="${IMAGE_TAG_INPUT:-}"
source="workflow input"
if [ -z "$tag" ]; then
  tag="$(terraform -chdir="$dir" output -raw image_tag 2>/dev/null || true)"
  source="state output image_tag"
fi
if [ -z "$tag" ]; then
  tag="${IMAGE_TAG_DEFAULT:-}"
  source="environment variable IMAGE_TAG"
fi
if [ -z "$tag" ]; then
  if jq -e '.variable.image_tag' "$dir/cdk.tf.json" >/dev/null 2>&1; then
    echo "No image tag: pass image_tag to the workflow or set the GitHub environment variable IMAGE_TAG" >&2
    exit 1
  fi
  echo "The stack declares no image_tag variable: nothing to resolve."
  exit 0
fi
if ! [[ "$tag" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]]; then
  echo "Invalid image tag '$tag': Docker tags are 1-128 of [A-Za-z0-9_.-], not starting with '.' or '-'" >&2
  exit 1
fi
echo "image_tag = $tag ($source)"
echo "TF_VAR_image_tag=$tag" >>"${GITHUB_ENV:-/dev/null}"
