#!/usr/bin/env bash
# Rebuilds the corpus profiles of data/profiles/ from the SDK binaries of
# ../shared/corpus/sdk/android with `vigie profile`, citing where each binary
# was published (the corpus MANIFEST.tsv: repository, commit and path). Run
# after a change to the class-shape features (src/profile/class_shape.cc) or
# to the KB packages that tell an SDK's classes. The other profiles were
# built the same way from the binaries their `source` lines name, whose
# SHA-256 they record.
#   tools/make-profiles.sh [build/release/vigie] [../shared/corpus]
set -euo pipefail
vigie=${1:-build/release/vigie}
corpus=${2:-../shared/corpus}
out=data/profiles
mkdir -p "$out"
while IFS=$'\t' read -r file sha size repo path commit what; do
  [[ $file == sdk/android/* ]] || continue
  [[ $(sha256sum "$corpus/$file" | cut -d' ' -f1) == "$sha" ]] || { echo "skipped $file: not the published bytes" >&2; continue; }
  base=$(basename "$file")
  "$vigie" profile --source "https://github.com/$repo/blob/$commit/$path" -o "$out/${base%.*}.vprof" "$corpus/$file"
  echo "profiled $file"
done < "$corpus/MANIFEST.tsv"
