#!/usr/bin/env bash
# vigie_kbc fails the build on bad knowledge: each broken copy of data/ must
# make it exit non-zero with a message naming the file, and the real data/
# must compile.
#   kbc_test.sh VIGIE_KBC DATA_DIR
set -uo pipefail
kbc=$1
data=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

# expect NAME FILE PYTHON-EDIT MESSAGE: edits FILE of a fresh copy of data/.
expect() {
  local name=$1 file=$2 edit=$3 message=$4
  rm -rf "$tmp/data" "$tmp/out" && cp -r "$data" "$tmp/data" && mkdir -p "$tmp/out"
  python3 - "$tmp/data/$file" <<PY
import sys
p = sys.argv[1]
s = open(p).read()
$edit
open(p, 'w').write(s)
PY
  local err
  err=$("$kbc" --data "$tmp/data" --out "$tmp/out" 2>&1)
  local code=$?
  if [[ $code -ne 1 || "$err" != *"$file"* || "$err" != *"$message"* ]]; then
    echo "FAIL $name: exit $code, message: $err"
    fail=1
  else
    echo "ok   $name: $err"
  fi
}

mkdir -p "$tmp/good"
if "$kbc" --data "$data" --out "$tmp/good" && [[ -s "$tmp/good/sdk_kb.bin" && -s "$tmp/good/vendors.bin" ]]; then
  echo "ok   the real data/ compiles"
else
  echo "FAIL the real data/ does not compile"
  fail=1
fi
expect "an unparsable rules file" rules.json 's = s[:-10]' "not a JSON object"
expect "an unknown condition" rules.json 's = s.replace("\"debuggable\": true", "\"debugable\": true", 1)' \
  "unknown condition 'debugable'"
expect "a value of the wrong type" rules.json 's = s.replace("\"cleartext_allowed\": true", "\"cleartext_allowed\": \"yes\"", 1)' \
  "takes true"
expect "an unknown data kind" rules.json 's = s.replace("\"reaches\": \"location\"", "\"reaches\": \"whereabouts\"", 1)' \
  "unknown data kind 'whereabouts'"
expect "an unknown severity in a table" secrets.tsv 's = s.replace("\thigh\t", "\thorrid\t", 1)' "unknown severity"
expect "an SDK whose vendor is not described" sdk_kb.json 's = s.replace("\"vendor\": \"appsflyer\"", "\"vendor\": \"nobody\"", 1)' \
  "names vendor 'nobody'"
expect "a package two SDKs claim" sdk_kb.json \
  's = s.replace("\"packages\": [\n     \"com.pushwoosh\"", "\"packages\": [\n     \"com.appsflyer\"", 1)' \
  "package 'com.appsflyer' is claimed by both"
expect "a domain two SDKs own" sdk_kb.json \
  's = s.replace("\"domains\": [\n     \"pushwoosh.com\"", "\"domains\": [\n     \"appsflyer.com\"", 1)' \
  "domain 'appsflyer.com' is claimed by both"
expect "Exodus ids that are not numbers" sdk_kb.json 's = s.replace("\"exodus_ids\": [\n    12\n", "\"exodus_ids\": [\n    \"12\"\n", 1)' \
  "exodus_ids holds something other than a tracker id"
exit $fail
