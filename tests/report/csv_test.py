#!/usr/bin/env python3
"""`vigie scan --format csv` against the scan's own JSON reports: a header,
then one row per app and SDK (one row for an app without any), read back by
Python's csv module. Inputs include a failed one, an app without SDKs, and
copies of an SDK app under hostile file names: a comma, quotes and a line
break, and one a spreadsheet would run as a formula, which must come out
behind an apostrophe."""
import argparse
import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile

COLUMNS = ["path", "sha256", "status", "package", "version_name", "version_code", "sdk_id", "sdk_name",
           "confidence", "categories", "vendor_id", "vendor_name", "vendor_country", "vendor_countries",
           "vendor_flags", "data_kinds", "findings"]


def check(cond, why):
    if not cond:
        print(f"FAIL: {why}")
        sys.exit(1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vigie", required=True)
    ap.add_argument("--fixtures", required=True)
    args = ap.parse_args()
    tmp = tempfile.mkdtemp()
    try:
        sdkapp = os.path.join(args.fixtures, "sdkapp.apk")
        odd = "odd, \"quoted\"\nname.apk"
        formula = "=SUM(1,2)+cmd.apk"
        for name in (odd, formula):
            shutil.copy(sdkapp, os.path.join(tmp, name))
        inputs = [sdkapp, os.path.join(args.fixtures, "basic.apk"), os.path.join(args.fixtures, "notzip.apk"),
                  os.path.join(args.fixtures, "pushapp.apk"), odd, formula]
        inputs = [p if p in (odd, formula) else os.path.abspath(p) for p in inputs]
        run = subprocess.run([os.path.abspath(args.vigie), "scan", "-f", "csv", "-j", "2", *inputs],
                             capture_output=True, cwd=tmp)
        text = run.stdout.decode("utf-8")
        check("\r\n" in text, "records end in CRLF (RFC 4180)")
        rows = list(csv.reader(io.StringIO(text, newline="")))
        check(rows[0] == COLUMNS, f"the header: {rows[0]}")
        body = rows[1:]
        for row in body:
            check(len(row) == len(COLUMNS), f"a full row: {row}")

        at = 0
        for path in inputs:
            report = json.loads(subprocess.run([os.path.abspath(args.vigie), "scan", "-f", "json", path],
                                               capture_output=True, cwd=tmp).stdout)
            sdks = report["sdks"]
            mine = body[at:at + max(1, len(sdks))]
            at += max(1, len(sdks))
            shown = "'" + path if path == formula else path
            for row in mine:
                check(row[0] == shown, f"the path cell {row[0]!r} for {path!r}")
                check(row[1] == report["file"]["sha256"] and row[2] == report["status"], f"{path}: digest, status")
            if not sdks:
                check(len(mine) == 1 and all(c == "" for c in mine[0][6:]), f"{path}: one row, no SDK")
                continue
            for sdk, row in zip(sdks, mine):
                got = dict(zip(COLUMNS, row))
                check(got["sdk_id"] == sdk["id"] and got["sdk_name"] == sdk["name"], f"{path}: {sdk['id']}")
                check(got["confidence"] == sdk["confidence"], f"{path}: {sdk['id']} confidence")
                vendor = sdk.get("vendor") or {}
                check(got["vendor_id"] == vendor.get("id", ""), f"{path}: {sdk['id']} vendor")
                check(got["vendor_name"] == vendor.get("name", ""), f"{path}: {sdk['id']} vendor name")
                check(got["vendor_country"] == (vendor.get("hq_country") or ""), f"{path}: {sdk['id']} vendor HQ")
                check(got["vendor_flags"] == ";".join(vendor.get("flags", [])), f"{path}: {sdk['id']} flags")
                usable = [a["kind"] for a in sdk.get("data_access", []) if a.get("usable")]
                check(got["data_kinds"] == ";".join(usable), f"{path}: {sdk['id']} data kinds {got['data_kinds']!r}")
                about = [f["id"] for f in report["findings"] if f["subject"] in (sdk["id"], vendor.get("id"))]
                check(got["findings"] == ";".join(about), f"{path}: {sdk['id']} findings {got['findings']!r}")
        check(at == len(body), f"{len(body)} rows, {at} expected")
        broker = [r for r in body if r[6] == "vigie:xmode"]
        check(broker and "location" in broker[0][15].split(";") and "data_broker" in broker[0][14].split(";"),
              "X-Mode's row: location reached, a data broker")
    finally:
        shutil.rmtree(tmp)
    print(f"ok: {len(body)} rows over {len(inputs)} inputs")


if __name__ == "__main__":
    main()
