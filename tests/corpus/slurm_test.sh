#!/usr/bin/env bash
# `vigie corpus slurm` on a real one-node Slurm cluster with a real
# PostgreSQL server, both started here: a 4-task job array scans the
# shared corpus into the database, and every app ends up stored exactly
# once, the same apps a single local scan stores.
#   slurm_test.sh VIGIE CORPUS_DIR
# Exit 77 (skip) when the corpus is absent.
set -uo pipefail
vigie=$1 corpus=$2
here=$(cd "$(dirname "$0")" && pwd)
[[ -d $corpus/apk ]] || { echo "SKIP: no corpus at $corpus"; exit 77; }
fail=0
check() {  # check NAME EXPECTED ACTUAL
  if [[ "$2" == "$3" ]]; then echo "ok   $1"; else echo "FAIL $1: expected '$2', got '$3'"; fail=1; fi
}

work=$(mktemp -d /tmp/vigie-slurm-test.XXXXXX)
chmod 755 "$work"
source "$here/../support/slurm.sh"
cleanup() {
  slurm_stop
  bash "$here/../support/postgres.sh" stop "$work/pg" || true
  rm -rf "$work"
}
trap cleanup EXIT
bash "$here/../support/postgres.sh" start "$work/pg"
db=$(cat "$work/pg/url")
slurm_start

paths=("$corpus/apk" "$corpus/aab" "$corpus/jar" "$corpus/sdk/android")
mkdir "$work/logs"
(cd "$work" && "$vigie" corpus slurm --db "$db" --tasks 4 --features --log-dir "$work/logs" --submit --wait "${paths[@]}")
job_rc=$?
grep -q '^#SBATCH --array=0-3$' "$work/vigie-corpus.sbatch"; check "the script is an array of 4 tasks" 0 $?
grep -q "'--features'" "$work/vigie-corpus.sbatch"; check "each task keeps features" 0 $?
check "each task wrote its log" 4 "$(ls "$work/logs" | wc -l)"

# Each task scanned its shard: together, every file once.
files=0
for log in "$work"/logs/*.log; do
  n=$(grep -o 'corpus: [0-9]* file(s)' "$log" | tail -1 | grep -o '[0-9]*')
  [[ -n $n ]] || { echo "FAIL no summary in $log:"; cat "$log"; fail=1; continue; }
  files=$((files + n))
done
"$vigie" corpus scan --db "$work/local.sqlite" --progress never "${paths[@]}" 2> "$work/local.err"
check "the job's exit code is a local scan's (the corpus holds broken apps)" $? "$job_rc"
local_files=$(grep -o 'corpus: [0-9]* file(s)' "$work/local.err" | grep -o '[0-9]*')
check "the shards together hold every file once" "$local_files" "$files"

count() { "$vigie" corpus query --db "$1" -f csv --sql "$2" | tail -n +2 | tr -d '\r'; }
check "every app stored exactly once" "$(count "$work/local.sqlite" 'SELECT COUNT(*) FROM apps')" \
  "$(count "$db" 'SELECT COUNT(DISTINCT sha256) FROM apps')"
check "no app stored twice" "$(count "$db" 'SELECT COUNT(DISTINCT sha256) FROM apps')" "$(count "$db" 'SELECT COUNT(*) FROM apps')"
check "every app read has its features" "$(count "$db" "SELECT COUNT(*) FROM apps WHERE status <> 'failed'")" \
  "$(count "$db" 'SELECT COUNT(*) FROM features')"
sql='SELECT a.sha256, s.sdk_id, s.confidence, s.classes FROM sdks s JOIN apps a ON a.id = s.app_id ORDER BY 1, 2'
check "the cluster found what a local scan finds" "$(count "$work/local.sqlite" "$sql" | md5sum)" "$(count "$db" "$sql" | md5sum)"
exit $fail
