#!/usr/bin/env bash
# End-to-end checks of the vigie command line: formats, exit codes, and the
# one-line error on stderr for unreadable input.
#   cli_test.sh VIGIE FIXTURE_DIR
set -uo pipefail
vigie=$1
fx=$2
fail=0
check() {  # check NAME EXPECTED ACTUAL
  if [[ "$2" == "$3" ]]; then echo "ok   $1"; else echo "FAIL $1: expected '$2', got '$3'"; fail=1; fi
}

"$vigie" scan "$fx/basic.apk" >/dev/null; check "clean apk exits 0" 0 $?
"$vigie" scan "$fx/bomb.apk" >/dev/null 2>&1; check "partial read exits 1" 1 $?
"$vigie" scan --format nope "$fx/basic.apk" >/dev/null 2>&1; check "bad flag exits 2" 2 $?
"$vigie" scan "$fx/notzip.apk" >/dev/null 2>&1; check "unreadable input exits 3" 3 $?
"$vigie" scan "$fx/basic.apk" "$fx/notzip.apk" >/dev/null 2>&1; check "worst input decides" 3 $?

"$vigie" scan "$fx/truncated.apk" >/dev/null 2>&1; check "recovered archive exits 1" 1 $?
err=$("$vigie" scan "$fx/truncated.apk" 2>&1 >/dev/null)
check "one stderr line" 1 "$(printf '%s\n' "$err" | wc -l)"
[[ "$err" == *"truncated.apk"*"zip.no_eocd"* ]]; check "stderr names file and code" 0 $?

# The policy gate: 5 when an app breaks the policy, whatever else exits.
ptmp=$(mktemp -d)
printf '{"deny":{"vendor_countries":["RU"],"data_kinds":["location"]}}' > "$ptmp/policy.json"
printf '{"deny":{"vendors":"xmode"}}' > "$ptmp/bad.json"
printf '{"suppressions":[{"app":"org.vigie.sdkfixture","sdk":"vigie:pushwoosh","reason":"vetted","expires":"2999-01-01"},{"app":"org.vigie.sdkfixture","sdk":"vigie:xmode","reason":"lapsed","expires":"2000-01-01"}]}' > "$ptmp/some.json"
printf '{"suppressions":[{"app":"org.vigie.sdkfixture","sdk":"vigie:pushwoosh","reason":"vetted","expires":"2999-01-01"},{"app":"org.vigie.sdkfixture","sdk":"vigie:xmode","reason":"vetted","expires":"2999-01-01"}]}' > "$ptmp/all.json"
"$vigie" scan --policy "$ptmp/policy.json" "$fx/basic.apk" >/dev/null; check "policy: a clean app exits 0" 0 $?
"$vigie" scan --policy "$ptmp/policy.json" "$fx/sdkapp.apk" >/dev/null; check "policy: a violation exits 5" 5 $?
"$vigie" scan --policy "$ptmp/policy.json" "$fx/sdkapp.apk" "$fx/notzip.apk" >/dev/null 2>&1
check "policy: a violation outweighs an unreadable input" 5 $?
err=$("$vigie" scan --policy "$ptmp/policy.json" --suppressions "$ptmp/some.json" "$fx/sdkapp.apk" 2>&1 >/dev/null)
check "policy: partly suppressed still exits 5" 5 $?
[[ "$err" == *"sdkapp.apk: suppression SDK vigie:xmode expired on 2000-01-01: lapsed"* ]]
check "policy: an expired suppression is reported on stderr" 0 $?
"$vigie" scan --policy "$ptmp/policy.json" --suppressions "$ptmp/all.json" "$fx/sdkapp.apk" >/dev/null
check "policy: all suppressed exits 0" 0 $?
"$vigie" scan --policy "$ptmp/bad.json" "$fx/basic.apk" >/dev/null 2>&1; check "policy: a bad policy exits 2" 2 $?
"$vigie" scan --suppressions "$ptmp/all.json" "$fx/basic.apk" >/dev/null 2>&1
check "policy: suppressions need a policy" 2 $?
standing=$("$vigie" scan -f json --policy "$ptmp/policy.json" --suppressions "$ptmp/some.json" "$fx/sdkapp.apk" 2>/dev/null |
  python3 -c 'import sys,json; p=json.load(sys.stdin)["policy"]; print(p["violated"], sorted((v["rule"], v["subject"], v["suppressed_by"] is None) for v in p["violations"]))')
check "policy: json lists violations, suppressed ones marked" "True [('data_kind', 'vigie:xmode', True), ('vendor_country', 'vigie:pushwoosh', False)]" "$standing"
rm -rf "$ptmp"

out=$("$vigie" scan --format json "$fx/basic.apk" "$fx/stored.apk")
printf '%s' "$out" | python3 -c 'import sys,json; d=sys.stdin.read(); dec=json.JSONDecoder(); i=0; n=0
while i < len(d):
    while i < len(d) and d[i].isspace(): i += 1
    if i >= len(d): break
    o, i = dec.raw_decode(d, i); n += 1
    assert o["app"]["package"] == "org.vigie.fixture"
print(n)' > /tmp/vigie_cli_n.$$ 2>&1
check "json: one document per input" 2 "$(cat /tmp/vigie_cli_n.$$)"; rm -f /tmp/vigie_cli_n.$$

lines=$("$vigie" scan --format jsonl "$fx/basic.apk" "$fx/nested.apk" "$fx/notzip.apk" 2>/dev/null |
  python3 -c 'import sys,json; print(sum(1 for l in sys.stdin if json.loads(l)["schema_version"] == 2))')
check "jsonl: one line per input, in order" 3 "$lines"

order=$("$vigie" scan -j 2 --format jsonl "$fx/nested.apk" "$fx/basic.apk" "$fx/stored.apk" |
  python3 -c 'import sys,json; print(" ".join(json.loads(l)["file"]["path"].rsplit("/",1)[1] for l in sys.stdin))')
check "parallel output keeps input order" "nested.apk basic.apk stored.apk" "$order"

"$vigie" scan -o /tmp/vigie_cli_out.$$ --format json "$fx/basic.apk"
python3 -c "import json; json.load(open('/tmp/vigie_cli_out.$$'))"; check "--output writes valid JSON" 0 $?
rm -f /tmp/vigie_cli_out.$$

text=$("$vigie" scan --color always "$fx/basic.apk")
[[ "$text" == *$'\033['* && "$text" == *"Location"*"ACCESS_FINE_LOCATION"* ]]; check "text report groups permissions" 0 $?

"$vigie" --version | grep -Eq '^vigie [0-9]+\.[0-9]+\.[0-9]+( \([0-9a-f]+(-dirty)?\))?$'; check "--version names the release and the commit" 0 $?

# Signatures compiled on a cache miss, then served from the cache.
tmp=$(mktemp -d)
printf '%s' '{"trackers":{"12":{"id":12,"name":"AppsFlyer","code_signature":"com.appsflyer.|com\\.apps[a-z]+\\.Lib","network_signature":"","website":""}}}' > "$tmp/exodus.json"
sdk_names() { python3 -c 'import sys,json; print(" ".join(s["name"] for s in json.load(sys.stdin)["sdks"]))'; }
for round in "a cache miss" "the cache"; do
  names=$(VIGIE_CACHE_DIR=$tmp/cache "$vigie" scan --format json --no-default-kb --signatures "exodus:$tmp/exodus.json" "$fx/sdkapp.apk" | sdk_names)
  check "signatures compiled on $round" "AppsFlyer" "$names"
  check "their database is cached once, after $round" 1 "$(ls "$tmp/cache" | grep -c '\.hsdb$')"
done
rm -rf "$tmp"

# The flag parser (apps/cli/flags.h): the forms a value may take, and what
# it refuses.
"$vigie" scan --format=json "$fx/basic.apk" | python3 -c 'import sys,json; json.load(sys.stdin)'; check "--format=json" 0 $?
"$vigie" scan -fjsonl -j1 "$fx/basic.apk" | python3 -c 'import sys,json; [json.loads(l) for l in sys.stdin]'; check "-fjsonl -j1" 0 $?
"$vigie" scan --format json -- "$fx/basic.apk" >/dev/null; check "-- ends the options" 0 $?
"$vigie" scan >/dev/null 2>&1; check "no FILE exits 2" 2 $?
"$vigie" scan --frob "$fx/basic.apk" >/dev/null 2>&1; check "unknown option exits 2" 2 $?
"$vigie" scan -j 0 "$fx/basic.apk" >/dev/null 2>&1; check "-j 0 exits 2" 2 $?
"$vigie" scan --deep=yes "$fx/basic.apk" >/dev/null 2>&1; check "a flag given a value exits 2" 2 $?
"$vigie" scan --signatures >/dev/null 2>&1; check "an option without its value exits 2" 2 $?
"$vigie" >/dev/null 2>&1; check "no command exits 2" 2 $?
"$vigie" scan --help | grep -q -- '--policy-countries'; check "scan --help lists the options" 0 $?
"$vigie" --help | grep -q '^Usage: vigie scan'; check "--help" 0 $?
# vigie check on the bundled AndroidQF sample (demo/androidqf-sample).
demo=$(cd "$(dirname "$0")/../../demo" && pwd)
"$vigie" check "$demo/androidqf-sample" >/dev/null; check "check: heuristics below high exit 0" 0 $?
"$vigie" check --iocs "$demo/demo-iocs.stix2" "$demo/androidqf-sample" >/dev/null; check "check: a match exits 6" 6 $?
VIGIE_IOCS="$demo/demo-iocs.stix2" "$vigie" check "$demo/androidqf-sample" >/dev/null; check "check: VIGIE_IOCS" 6 $?
matched=$("$vigie" check --iocs "$demo/demo-iocs.stix2" --format json "$demo/androidqf-sample" |
  python3 -c 'import sys,json; d=json.load(sys.stdin); print(d["input"]["kind"], d["indicators"]["count"], sorted({a["matched"]["value"] for a in d["alerts"] if a["matched"]}))')
check "check: json names kind, indicators and matches" "androidqf 3 ['com.example.stalker', 'stalkerd']" "$matched"
outdir=$(mktemp -d)
"$vigie" check --iocs "$demo/demo-iocs.stix2" -o "$outdir" "$demo/androidqf-sample" >/dev/null
check "check: -o writes MVT's files" "alerts.json aqf_get_prop.json aqf_packages.json aqf_processes.json aqf_settings.json timeline.csv" "$(ls "$outdir" | tr '\n' ' ' | sed 's/ $//')"
rm -rf "$outdir"
"$vigie" check "$fx/notzip.apk" >/dev/null 2>&1; check "check: not an acquisition exits 3" 3 $?
"$vigie" check --iocs "$fx/notzip.apk" "$demo/androidqf-sample" >/dev/null 2>&1; check "check: bad indicator file exits 2" 2 $?

# vigie corpus: a folder of apps into SQLite, resumed, then questions.
tmp=$(mktemp -d)
mkdir "$tmp/apps" "$tmp/apps/sub"
cp "$fx/prayerapp.apk" "$fx/pushapp.apk" "$tmp/apps/"
cp "$fx/sdkapp.apk" "$fx/notzip.apk" "$tmp/apps/sub/"
cp "$fx/sdkapp.apk" "$tmp/apps/sub/copy-of-sdkapp.APK"  # The same app twice: stored once.
echo "not an app" > "$tmp/apps/readme.txt"
(cd "$tmp" && "$vigie" corpus scan -j 2 --features apps >/dev/null 2>"$tmp/err"); check "corpus: a failed app exits 3" 3 $?
summary=$(tail -1 "$tmp/err")
[[ $summary == *"5 file(s): 4 stored (0 partial, 1 failed), 1 skipped"* ]]; check "corpus: summary line" 0 $?
check "corpus: default database here" 1 "$(ls "$tmp"/vigie-corpus.sqlite | wc -l)"
(cd "$tmp" && "$vigie" corpus scan apps 2>"$tmp/err" >/dev/null); check "corpus: nothing new exits 0" 0 $?
[[ $(tail -1 "$tmp/err") == *"0 stored"*"5 skipped"* ]]; check "corpus: a second run skips every app" 0 $?
db=$tmp/vigie-corpus.sqlite
release=$("$vigie" --version | sed -E 's/^vigie ([^ ]+)( \((.*)\))?$/\1+\3/; s/\+$//')
check "corpus: each app records the build that scanned it" "$release" "$("$vigie" corpus query --db "$db" -f csv --sql 'SELECT DISTINCT vigie_version FROM apps' | tail -1 | tr -d '\r')"
check "corpus: query counts apps" "4" "$("$vigie" corpus query --db "$db" -f csv --sql 'SELECT COUNT(*) AS n FROM apps' | tail -1 | tr -d '\r')"
pkgs=$("$vigie" corpus query --db "$db" -f jsonl broker-location | python3 -c 'import sys,json; print(sorted(json.loads(l)["path"].rsplit("/",1)[1].lower().replace("copy-of-","") for l in sys.stdin))')
check "corpus: broker-location as JSON lines" "['prayerapp.apk', 'sdkapp.apk']" "$pkgs"
"$vigie" corpus query --db "$db" sdk pushwoosh | grep -q "(2 rows)"; check "corpus: sdk question as a table" 0 $?
"$vigie" corpus query --db "$db" --sql 'DELETE FROM apps' >/dev/null 2>&1; check "corpus: --sql cannot write (exit 7)" 7 $?
"$vigie" corpus query --db "$db" no-such-question >/dev/null 2>&1; check "corpus: unknown question exits 2" 2 $?
"$vigie" corpus query --db "$tmp/absent.sqlite" summary >/dev/null 2>&1; check "corpus: no database exits 7" 7 $?
check "corpus: query makes no database" 0 "$(ls "$tmp"/absent.sqlite 2>/dev/null | wc -l)"
echo "garbage" > "$tmp/bad.sqlite"
"$vigie" corpus scan --db "$tmp/bad.sqlite" "$tmp/apps" >/dev/null 2>&1; check "corpus: a file that is no database exits 7" 7 $?
"$vigie" corpus slurm --db "$db" --tasks 2 "$tmp/apps" >/dev/null 2>&1; check "corpus slurm: SQLite refused (exit 2)" 2 $?
printf '%s\n' "$tmp/apps/prayerapp.apk" "$tmp/apps/sub/sdkapp.apk" | "$vigie" corpus scan --db "$tmp/list.sqlite" --files-from - 2>"$tmp/err" >/dev/null
check "corpus: --files-from reads a list" 0 $?
[[ $(tail -1 "$tmp/err") == *"2 file(s): 2 stored"* ]]; check "corpus: the listed files only" 0 $?
"$vigie" corpus scan --db "$db" --rescan --features "$tmp/apps/pushapp.apk" 2>"$tmp/err" >/dev/null
[[ $(tail -1 "$tmp/err") == *"1 file(s): 1 stored"* ]]; check "corpus: --rescan scans a stored app again" 0 $?
check "corpus: --rescan replaces, not adds" "4" "$("$vigie" corpus query --db "$db" -f csv --sql 'SELECT COUNT(*) AS n FROM apps' | tail -1 | tr -d '\r')"
# vigie corpus rematch: the apps read have features, the failed one none.
"$vigie" corpus rematch --db "$db" --progress never 2>"$tmp/err"; check "corpus rematch: exits 0" 0 $?
[[ $(tail -1 "$tmp/err") == *"3 app(s) rematched"*"0 changed, 0 stale, 0 unreadable"* ]]; check "corpus rematch: the scan's knowledge changes nothing" 0 $?
"$vigie" corpus rematch --db "$db" --progress never --no-default-kb 2>"$tmp/err"
[[ $(tail -1 "$tmp/err") == *"3 app(s) rematched"*"3 changed"* ]]; check "corpus rematch: no SDK knowledge changes all" 0 $?
check "corpus rematch: without knowledge, no SDK rows" "0" "$("$vigie" corpus query --db "$db" -f csv --sql 'SELECT COUNT(*) AS n FROM sdks' | tail -1 | tr -d '\r')"
"$vigie" corpus scan --db "$tmp/nofeat.sqlite" "$tmp/apps/prayerapp.apk" 2>/dev/null
check "corpus: without --features, no features" "0" "$("$vigie" corpus query --db "$tmp/nofeat.sqlite" -f csv --sql 'SELECT COUNT(*) AS n FROM features' | tail -1 | tr -d '\r')"
"$vigie" corpus rematch --db "$tmp/nofeat.sqlite" --progress never 2>"$tmp/err"
grep -q "1 app(s) were stored without features" "$tmp/err"; check "corpus rematch: says which apps it could not match" 0 $?
"$vigie" corpus scan --db "$tmp/nofeat.sqlite" --features "$tmp/apps/prayerapp.apk" 2>"$tmp/err"
[[ $(tail -1 "$tmp/err") == *"1 file(s): 1 stored"* ]]; check "corpus: --features reads an app stored without them" 0 $?
check "corpus: --features adds them" "1" "$("$vigie" corpus query --db "$tmp/nofeat.sqlite" -f csv --sql 'SELECT COUNT(*) AS n FROM features' | tail -1 | tr -d '\r')"
"$vigie" corpus rematch --db "$tmp/bad.sqlite" >/dev/null 2>&1; check "corpus rematch: a file that is no database exits 7" 7 $?
"$vigie" corpus rematch --db "$db" --deep >/dev/null 2>&1; check "corpus rematch: --deep refused (exit 2)" 2 $?
rm -rf "$tmp"

exit $fail
