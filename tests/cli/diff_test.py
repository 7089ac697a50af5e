#!/usr/bin/env python3
"""`vigie diff` on the diffapp fixtures (tests/fixtures/diffapp/README.md):
v2 adds a location SDK (X-Mode) to v1, v3 adds a vendor in Russia
(Pushwoosh). Checks what each diff reports, in JSON and text, and that with
--policy the exit code follows only what the new version adds."""
import argparse
import json
import os
import subprocess
import sys
import tempfile


def check(cond, why):
    if not cond:
        print(f"FAIL: {why}")
        sys.exit(1)
    print(f"ok   {why}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vigie", required=True)
    ap.add_argument("--fixtures", required=True)
    args = ap.parse_args()
    v1, v2, v3 = (os.path.join(args.fixtures, f"diffapp_v{i}.apk") for i in (1, 2, 3))

    def diff(old, new, *flags):
        run = subprocess.run([args.vigie, "diff", "-f", "json", *flags, old, new], capture_output=True)
        return run.returncode, json.loads(run.stdout) if run.stdout else None

    code, d = diff(v1, v2)
    check(code == 0, "without a policy, a diff of readable apps exits 0")
    check(d["old"]["version_name"] == "1.0" and d["new"]["version_name"] == "1.1" and d["same_package"],
          "the two versions of one app")
    check([s["id"] for s in d["sdks_added"]] == ["vigie:xmode"] and d["sdks_removed"] == [], "v2 adds X-Mode")
    location = [g for g in d["data_gained"] if g["kind"] == "location"]
    check(location and location[0]["sdk"] == "vigie:xmode"
          and "android.permission.ACCESS_FINE_LOCATION" in location[0]["permissions"]
          and location[0]["call_site"].startswith("io.mysdk.locs.LocationSdk."),
          "the location is gained, with its call site and permission")
    check([r["vendor"]["id"] for r in d["recipients_added"]] == ["xmode"], "X-Mode is a new recipient")
    check(d["recipients_added"][0]["flags"] == ["data_broker"], "flagged a data broker")
    check(sorted(d["permissions_added"]) == ["android.permission.ACCESS_BACKGROUND_LOCATION",
                                             "android.permission.ACCESS_FINE_LOCATION"], "location permissions added")
    check([f["id"] for f in d["findings_added"]] == ["location-to-data-broker"], "the broker finding is new")
    check(d["policy"] is None, "no policy, no verdict")

    code, d = diff(v1, v3)
    check([s["id"] for s in d["sdks_added"]] == ["vigie:pushwoosh"], "v3 adds Pushwoosh")
    check("RU" in d["countries_added"], "a new country: RU")
    check(any("pushwoosh.com" in e["host"] for e in d["endpoints_added"]), "Pushwoosh's endpoint is new")
    check(d["permissions_added"] == ["com.google.android.c2dm.permission.RECEIVE"], "the push permission is added")

    code, d = diff(v2, v1)
    check([s["id"] for s in d["sdks_removed"]] == ["vigie:xmode"] and d["sdks_added"] == [],
          "the other way, X-Mode is removed")
    check(d["data_gained"] == [] and d["findings_added"] == [], "and nothing is gained")

    code, d = diff(v1, v1)
    same = [d[k] for k in ("sdks_added", "sdks_removed", "data_gained", "recipients_added", "countries_added",
                           "permissions_added", "permissions_removed", "endpoints_added", "findings_added")]
    check(code == 0 and all(x == [] for x in same), "a version against itself: no change")
    text = subprocess.run([args.vigie, "diff", v1, v2], capture_output=True, text=True).stdout
    check("SDKs added (1)" in text and "+ X-Mode / Outlogic location SDK" in text and "+ location by" in text,
          "the text report lists the SDK and the data gained")
    text = subprocess.run([args.vigie, "diff", v1, v1], capture_output=True, text=True).stdout
    check("No change" in text, "the text report says when nothing changed")

    with tempfile.TemporaryDirectory() as tmp:
        russia = os.path.join(tmp, "russia.json")
        with open(russia, "w") as f:
            json.dump({"deny": {"vendor_countries": ["RU"]}}, f)
        location_policy = os.path.join(tmp, "location.json")
        with open(location_policy, "w") as f:
            json.dump({"deny": {"data_kinds": ["location"]}}, f)
        waiver = os.path.join(tmp, "waiver.json")
        with open(waiver, "w") as f:
            json.dump({"suppressions": [{"app": "org.vigie.diffapp", "sdk": "vigie:pushwoosh",
                                         "reason": "vetted", "expires": "2999-01-01"}]}, f)
        code, d = diff(v1, v3, "--policy", russia)
        check(code == 5 and d["policy"]["violated"], "adding a vendor in a denied country fails the gate (5)")
        check([(v["rule"], v["subject"]) for v in d["policy"]["violations_added"]]
              == [("vendor_country", "vigie:pushwoosh")], "the added violation, named")
        code, d = diff(v3, v3, "--policy", russia)
        check(code == 0 and d["policy"]["violations_added"] == [],
              "a violation the old version had already is not the release's: exit 0")
        scan = subprocess.run([args.vigie, "scan", "--policy", russia, v3], capture_output=True)
        check(scan.returncode == 5, "while a scan of that version alone fails the gate")
        code, d = diff(v1, v2, "--policy", location_policy)
        check(code == 5, "adding a location SDK fails a gate that denies location to third parties")
        code, d = diff(v2, v1, "--policy", location_policy)
        check(code == 0, "removing it passes")
        # The HTML form: self-contained, and what Chromium renders of it.
        page = os.path.join(tmp, "diff.html")
        run = subprocess.run([args.vigie, "diff", "-f", "html", "-o", page, "--policy", russia, v1, v3],
                             capture_output=True)
        check(run.returncode == 5, "the HTML diff keeps the gate's exit code")
        with open(page, encoding="utf-8") as f:
            source = f.read()
        check("<script" not in source and " src=" not in source and " href=" not in source,
              "the HTML diff loads and runs nothing")
        dom = subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                              f"--user-data-dir={os.path.join(tmp, 'profile')}", "--dump-dom", "file://" + page],
                             capture_output=True, text=True, timeout=120).stdout
        for section in ("sdks-added", "recipients-added", "countries-added", "endpoints-added", "policy"):
            check(f'id="{section}"' in dom, f"Chromium renders the HTML diff's section {section}")
        check("Pushwoosh Inc." in dom and "violated by what this version adds" in dom,
              "the HTML diff names the new vendor and the gate's verdict")
        code, d = diff(v1, v3, "--policy", russia, "--suppressions", waiver)
        check(code == 0 and d["policy"]["violations_added"][0]["suppressed_by"].startswith("vetted"),
              "a suppressed addition passes, marked with its reason")

    bad = subprocess.run([args.vigie, "diff", v1], capture_output=True)
    check(bad.returncode == 2, "one file is a usage error")
    code, d = diff(os.path.join(args.fixtures, "basic.apk"), v1)
    check(not d["same_package"], "two different apps are told apart")


if __name__ == "__main__":
    main()
