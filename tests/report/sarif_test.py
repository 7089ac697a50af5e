#!/usr/bin/env python3
"""`vigie scan --format sarif` against the SARIF 2.1.0 JSON schema and
against the scan's own JSON reports.

Inputs: fixtures with findings of several scopes and severities, one read
in part (a CRC mismatch), and a copy of sdkapp.apk under a hostile path
(spaces, '%', '#', quotes, markup, non-ASCII), which must come out as a
percent-encoded URI that decodes back to the path and must keep the
fingerprints of the original: they follow the app, not its file.

Run with Debian's python3 and python3-jsonschema; the schema is the one
scripts/bootstrap fetches from the npm registry into VIGIE_SCHEMA_DIR.
"""
import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.parse

import jsonschema


def fail(why):
    print(f"FAIL: {why}")
    sys.exit(1)


def check(cond, why):
    if not cond:
        fail(why)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vigie", required=True)
    ap.add_argument("--fixtures", required=True)
    ap.add_argument("--schemas", required=True)
    ap.add_argument("--rules", required=True, help="data/rules.json")
    args = ap.parse_args()

    schema_path = os.path.join(args.schemas, "sarif-2.1.0.json")
    if not os.path.exists(schema_path):
        fail(f"{schema_path} is missing: run scripts/bootstrap, which fetches it from the npm registry")
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    with open(args.rules, encoding="utf-8") as f:
        rules = json.load(f)["rules"]

    tmp = tempfile.mkdtemp()
    try:
        hostile_dir = os.path.join(tmp, "rel ease #1 %41 'q' <b>é")
        os.makedirs(hostile_dir)
        hostile = os.path.join(hostile_dir, "app \"v2\".apk")
        shutil.copy(os.path.join(args.fixtures, "sdkapp.apk"), hostile)
        names = ["sdkapp.apk", "secretsapp.apk", "prayerapp.apk", "pushapp.apk", "badcrc.apk", "library.jar"]
        inputs = [os.path.join(args.fixtures, n) for n in names] + [hostile]

        run = subprocess.run([args.vigie, "scan", "-f", "sarif", "-j", "2", *inputs], capture_output=True)
        check(run.returncode in (0, 3), f"vigie scan -f sarif exited {run.returncode}: {run.stderr.decode()}")
        log = json.loads(run.stdout)
        jsonschema.Draft4Validator.check_schema(schema)
        errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(log), key=lambda e: list(e.path))
        for e in errors[:5]:
            print(f"schema: {'/'.join(map(str, e.path))}: {e.message}")
        check(not errors, f"{len(errors)} schema violation(s)")

        check(log["version"] == "2.1.0" and len(log["runs"]) == 1, "one SARIF 2.1.0 run")
        sarif_run = log["runs"][0]
        driver = sarif_run["tool"]["driver"]
        check(driver["name"] == "Vigie", "the tool is Vigie")
        listed = {r["id"]: r for r in driver["rules"]}
        for rule in rules:
            check(rule["id"] in listed, f"rule {rule['id']} is listed")
            check(listed[rule["id"]]["shortDescription"]["text"] == rule["summary"], f"{rule['id']}: its summary")
        for code in ("zip.crc_mismatch", "dex.bad_header", "manifest.missing"):
            check(code in listed and listed[code]["shortDescription"]["text"], f"diagnostic code {code} is a rule")

        artifacts = sarif_run["artifacts"]
        check(len(artifacts) == len(inputs), "an artifact per input")
        for path, artifact in zip(inputs, artifacts):
            with open(path, "rb") as f:
                data = f.read()
            check(artifact["hashes"]["sha-256"] == hashlib.sha256(data).hexdigest(), f"{path}: its SHA-256")
            check(artifact["length"] == len(data), f"{path}: its length")
            uri = artifact["location"]["uri"]
            check(urllib.parse.unquote(uri.removeprefix("file://")) == path, f"{uri} decodes to {path}")
        hostile_uri = artifacts[-1]["location"]["uri"]
        for raw in (" ", "#", "%41", '"', "<", "é"):
            check(raw not in hostile_uri.removeprefix("file://"), f"{raw!r} is percent-encoded in {hostile_uri}")

        results = sarif_run["results"]
        for r in results:
            if "ruleIndex" in r:
                check(driver["rules"][r["ruleIndex"]]["id"] == r["ruleId"], f"{r['ruleId']}: its ruleIndex")
        by_input = [[r for r in results if r["locations"][0]["physicalLocation"]["artifactLocation"]["index"] == i]
                    for i in range(len(inputs))]

        # Every finding and every diagnostic of the JSON reports is a result.
        levels = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
        for i, path in enumerate(inputs):
            report = json.loads(subprocess.run([args.vigie, "scan", "-f", "json", path],
                                               capture_output=True).stdout)
            want = sorted((f["id"], levels[f["severity"]]) for f in report["findings"])
            want += sorted((d["code"], d["severity"] if d["severity"] != "info" else "note")
                           for d in report["diagnostics"])
            got = [(r["ruleId"], r["level"]) for r in by_input[i]]
            check(sorted(got) == sorted(want), f"{path}: results {sorted(got)} against the report's {sorted(want)}")

        broker = [r for r in by_input[0] if r["ruleId"] == "location-to-data-broker"]
        check(len(broker) == 1, "sdkapp.apk: the location-to-data-broker finding")
        b = broker[0]
        check(b["level"] == "error" and b["properties"]["severity"] == "critical", "a critical finding is an error")
        check("Evidence:" in b["message"]["text"] and "X-Mode" in b["message"]["text"], "the message has evidence")
        logical = {(l["fullyQualifiedName"], l["kind"]) for l in b["locations"][0]["logicalLocations"]}
        check(("io.mysdk.locs.LocationSdk", "type") in logical, f"the SDK's class is a logical location: {logical}")
        check(any(k == "function" and n.startswith("io.mysdk.locs.LocationSdk.") for n, k in logical),
              f"a call site's method is a logical location: {logical}")
        check(("io.mysdk.locs.LocationSdk.contacts()", "function") not in logical,
              "only the call sites of the APIs the finding names (location, not contacts)")
        crc = [r for r in by_input[4] if r["ruleId"] == "zip.crc_mismatch"]
        check(crc and crc[0]["level"] == "warning", "badcrc.apk: its CRC mismatch is a warning")

        # Fingerprints follow the app: the same package under another path
        # and file name gives the same ones, and no two results of one input
        # share one.
        def prints(rs):
            return sorted(json.dumps(r["partialFingerprints"], sort_keys=True) for r in rs)
        check(prints(by_input[0]) == prints(by_input[-1]), "sdkapp.apk's fingerprints survive a move")
        for i, rs in enumerate(by_input[:-1]):
            check(len(set(prints(rs))) == len(rs), f"{inputs[i]}: distinct fingerprints")
        check(set(prints(by_input[0])).isdisjoint(prints(by_input[1])), "two apps do not share fingerprints")
        # With a policy: violations are results of the policy/ rules, a
        # suppressed one carries SARIF's own suppression with its reason.
        policy = os.path.join(tmp, "policy.json")
        with open(policy, "w") as f:
            json.dump({"deny": {"vendor_countries": ["RU"], "data_kinds": ["location"]}}, f)
        waiver = os.path.join(tmp, "suppressions.json")
        with open(waiver, "w") as f:
            json.dump({"suppressions": [{"app": "org.vigie.sdkfixture", "sdk": "vigie:pushwoosh",
                                         "reason": "vetted by legal", "expires": "2999-01-01"}]}, f)
        run = subprocess.run([args.vigie, "scan", "-f", "sarif", "--policy", policy, "--suppressions", waiver,
                              inputs[0]], capture_output=True)
        check(run.returncode == 5, f"a violated policy exits 5, not {run.returncode}")
        gated = json.loads(run.stdout)
        errors = list(jsonschema.Draft4Validator(schema).iter_errors(gated))
        check(not errors, f"with a policy: {len(errors)} schema violation(s)")
        gated_run = gated["runs"][0]
        policy_results = {r["ruleId"]: r for r in gated_run["results"] if r["ruleId"].startswith("policy/")}
        check(set(policy_results) == {"policy/data_kind", "policy/vendor_country"}, f"{set(policy_results)}")
        for rule_id, r in policy_results.items():
            check(gated_run["tool"]["driver"]["rules"][r["ruleIndex"]]["id"] == rule_id, f"{rule_id}: its index")
            check(r["level"] == "error" and "Evidence:" in r["message"]["text"], f"{rule_id}: an error with evidence")
        check("suppressions" not in policy_results["policy/data_kind"], "the standing violation is not suppressed")
        check(policy_results["policy/vendor_country"]["suppressions"][0]["justification"].startswith("vetted by legal"),
              "the suppressed violation carries its reason")
    finally:
        shutil.rmtree(tmp)
    print(f"ok: {len(results)} results over {len(inputs)} inputs, valid SARIF 2.1.0, with a policy too")


if __name__ == "__main__":
    main()
