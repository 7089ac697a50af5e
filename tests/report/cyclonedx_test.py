#!/usr/bin/env python3
"""`vigie scan --format cyclonedx` against the CycloneDX 1.5 JSON schema (and
the SPDX and JSF schemas it refers to) and against the scan's own JSON
reports: one BOM per input, the app as its subject, a library component per
SDK supplied by its vendor, what Vigie knows of it as properties.

Run with Debian's python3 and python3-jsonschema; the schemas are those
scripts/bootstrap fetches from the npm registry into VIGIE_SCHEMA_DIR.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
import zipfile

import jsonschema

SCHEMAS = ["bom-1.5.SNAPSHOT.schema.json", "spdx.SNAPSHOT.schema.json", "jsf-0.82.SNAPSHOT.schema.json"]


def check(cond, why):
    if not cond:
        print(f"FAIL: {why}")
        sys.exit(1)


def validator(schema_dir):
    loaded = {}
    for name in SCHEMAS:
        path = os.path.join(schema_dir, name)
        check(os.path.exists(path), f"{path} is missing: run scripts/bootstrap, which fetches it from npm")
        with open(path, encoding="utf-8") as f:
            loaded[name] = json.load(f)
    bom = loaded[SCHEMAS[0]]
    jsonschema.Draft7Validator.check_schema(bom)
    # The BOM schema refers to the others by file name, relative to its $id.
    base = bom["$id"].rsplit("/", 1)[0]
    store = {f"{base}/{name}": schema for name, schema in loaded.items()}
    resolver = jsonschema.RefResolver.from_schema(bom, store=store)
    return jsonschema.Draft7Validator(bom, resolver=resolver)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vigie", required=True)
    ap.add_argument("--fixtures", required=True)
    ap.add_argument("--schemas", required=True)
    args = ap.parse_args()
    v = validator(args.schemas)

    tmp = tempfile.mkdtemp()
    try:
        hostile = os.path.join(tmp, "app \"<b>&amp;\" é.apk")
        shutil.copy(os.path.join(args.fixtures, "pushapp.apk"), hostile)
        # sdkapp.apk with library records: one names AppsFlyer's classes'
        # package, one AndroidX, one holds characters a purl encodes.
        recorded = os.path.join(tmp, "recorded.apk")
        shutil.copy(os.path.join(args.fixtures, "sdkapp.apk"), recorded)
        with zipfile.ZipFile(recorded, "a") as z:
            z.writestr("META-INF/com.appsflyer_af-android-sdk.version", "6.12.1\n")
            z.writestr("META-INF/androidx.core_core.version", "1.9.0\n")
            z.writestr("META-INF/maven/org.example/odd/pom.properties",
                       "groupId=org.example\nartifactId=we@ird%name\nversion=1.0+build?x#y\n")
        names = ["sdkapp.apk", "secretsapp.apk", "prayerapp.apk", "basic.apk", "library.aar", "notzip.apk"]
        inputs = [os.path.join(args.fixtures, n) for n in names] + [hostile, recorded]
        serials = set()
        for path in inputs:
            run = subprocess.run([args.vigie, "scan", "-f", "cyclonedx", path], capture_output=True)
            bom = json.loads(run.stdout)
            errors = list(v.iter_errors(bom))
            for e in errors[:5]:
                print(f"schema: {path}: {'/'.join(map(str, e.path))}: {e.message}")
            check(not errors, f"{path}: {len(errors)} schema violation(s)")
            report = json.loads(subprocess.run([args.vigie, "scan", "-f", "json", path], capture_output=True).stdout)

            check(bom["bomFormat"] == "CycloneDX" and bom["specVersion"] == "1.5", f"{path}: a CycloneDX 1.5 BOM")
            check(re.fullmatch(r"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
                               bom["serialNumber"]), f"{path}: a version-5 UUID serial number")
            again = json.loads(subprocess.run([args.vigie, "scan", "-f", "cyclonedx", path],
                                              capture_output=True).stdout)
            check(again == bom, f"{path}: the same BOM twice")
            serials.add(bom["serialNumber"])

            app = bom["metadata"]["component"]
            check(app["type"] == "application" and app["bom-ref"] == "app", f"{path}: the app is the subject")
            identity = report.get("app") or {}
            check(app["name"] == (identity.get("package") or os.path.basename(path)), f"{path}: the app's name")
            props = {p["name"]: p["value"] for p in app["properties"]}
            check(props["vigie:file"] == path and props["vigie:status"] == report["status"], f"{path}: file, status")
            check(app["hashes"] == [{"alg": "SHA-256", "content": report["file"]["sha256"]}], f"{path}: its digest")

            all_components = bom["components"]
            components = [c for c in all_components if c["bom-ref"].startswith("sdk:")]
            check([c["name"] for c in components] == [s["name"] for s in report["sdks"]],
                  f"{path}: a component per SDK, in order")
            check(bom["dependencies"] == [{"ref": "app", "dependsOn": [c["bom-ref"] for c in all_components]}],
                  f"{path}: the app depends on its SDKs and libraries")
            libs = {f"{l['group']}:{l['artifact']}": l for l in report["code"]["libraries"]}
            for c in all_components:
                if "purl" not in c:
                    continue
                group, artifact_version = c["purl"].removeprefix("pkg:maven/").split("/")
                artifact, version = artifact_version.split("@")
                key = urllib.parse.unquote(group) + ":" + urllib.parse.unquote(artifact)
                check(key in libs and urllib.parse.unquote(version) == libs[key]["version"] == c["version"],
                      f"{path}: {c['purl']} is a recorded library's")
            listed = {c["bom-ref"].removeprefix("lib:") for c in all_components if c["bom-ref"].startswith("lib:")}
            linked = {c["group"] + ":" + urllib.parse.unquote(c["purl"].split("/")[2].split("@")[0])
                      for c in components if "purl" in c}
            check(listed | linked == set(libs) and not listed & linked, f"{path}: each library once")
            for c, sdk in zip(components, report["sdks"]):
                check(c["type"] == "library" and c["bom-ref"] == "sdk:" + sdk["id"], f"{path}: {sdk['id']}")
                vendor = sdk.get("vendor") or {}
                if vendor:
                    check(c["supplier"]["name"] == vendor["name"], f"{path}: {sdk['id']} supplied by its vendor")
                cprops = {}
                for p in c["properties"]:
                    cprops.setdefault(p["name"], []).append(p["value"])
                check(cprops["vigie:confidence"] == [sdk["confidence"]], f"{path}: {sdk['id']} confidence")
                usable = [a["kind"] for a in sdk.get("data_access", []) if a.get("usable")]
                check(cprops.get("vigie:data_kind", []) == usable, f"{path}: {sdk['id']} data kinds")
                check(cprops.get("vigie:vendor_flag", []) == vendor.get("flags", []), f"{path}: {sdk['id']} flags")
                recipient = [r for r in report["recipients"] if r["vendor"]["id"] == vendor.get("id")]
                if recipient:
                    check(cprops.get("vigie:vendor_country", []) == recipient[0]["countries"],
                          f"{path}: {sdk['id']} its vendor's countries")
            if path.endswith("sdkapp.apk"):
                xmode = [c for c in components if c["bom-ref"] == "sdk:vigie:xmode"]
                check(xmode and {"name": "vigie:vendor_flag", "value": "data_broker"} in xmode[0]["properties"],
                      "X-Mode is flagged a data broker")
            if path == recorded:
                af = [c for c in components if c["bom-ref"] == "sdk:vigie:appsflyer"]
                check(af and af[0].get("purl") == "pkg:maven/com.appsflyer/af-android-sdk@6.12.1",
                      "AppsFlyer's component takes the coordinates its classes' package records")
                odd = [c for c in all_components if c["bom-ref"] == "lib:org.example:we@ird%name"]
                check(odd and odd[0]["purl"] == "pkg:maven/org.example/we%40ird%25name@1.0%2Bbuild%3Fx%23y",
                      f"a purl's parts are percent-encoded: {odd}")
                check(any(c["bom-ref"] == "lib:androidx.core:core" for c in all_components), "AndroidX is listed")
        check(len(serials) == len(inputs), "each app its own serial number")
    finally:
        shutil.rmtree(tmp)
    print(f"ok: {len(inputs)} BOMs valid against CycloneDX 1.5")


if __name__ == "__main__":
    main()
