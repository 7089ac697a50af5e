#!/usr/bin/env bash
# Rewrites tests/golden/* from the current build. Review the diff before committing.
#   tools/regen-goldens.sh [PRESET]   (default: release)
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${1:-release}
cmake --build --preset "$preset"
bash tests/fixtures/build_fixtures.sh "build/$preset/fixtures" >/dev/null
VIGIE_BUILD_DIR="build/$preset" VIGIE_REGEN_GOLDEN=1 "build/$preset/tests/unit_tests" --gtest_filter='Golden.*'
git --no-pager diff --stat tests/golden
