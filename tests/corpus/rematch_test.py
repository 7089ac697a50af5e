#!/usr/bin/env python3
"""`vigie corpus rematch` answers as a fresh `vigie corpus scan --rescan`
does, without opening a package.

The shared corpus (APKs, AABs, JARs, SDK JARs and AARs) is scanned once with
the built-in knowledge. The packages are then moved away, and the database
is rematched under other knowledge: the same, the KB with Exodus'
signatures, Exodus' signatures alone, the KB with a knowledge file of our
own, an entity list, and back to the KB. After each, every app's verdict
tables and knowledge columns equal those of a fresh scan under that
knowledge, table by table; the tables a rematch never touches are unchanged.

  rematch_test.py --vigie BUILD/vigie --corpus ../shared/corpus
Exit 77 (skip) when the corpus is absent.
"""
import argparse
import json
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

VERDICT_TABLES = ["sdks", "sdk_evidence", "data_access", "recipients", "recipient_countries", "recipient_data",
                  "findings", "endpoints", "secrets"]
PACKAGE_TABLES = ["permissions", "components", "diagnostics", "features"]
KNOWLEDGE_COLUMNS = ["kb_version", "signatures", "verdicts_digest"]
FOLDERS = ["apk", "aab", "jar", "sdk/android"]


def rows_by_app(path, tables, columns_of_apps):
    """Per app SHA-256: the rows of `tables` (without ids) and the given apps columns."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    out = {}
    for row in db.execute(f"SELECT sha256, {', '.join(columns_of_apps)} FROM apps"):
        out[row[0]] = {"apps": [row[1:]]}
    for table in tables:
        cols = [r[1] for r in db.execute(f"PRAGMA table_info({table})") if r[1] not in ("id", "app_id")]
        sql = f"SELECT a.sha256, {', '.join('t.' + c for c in cols)} FROM {table} t JOIN apps a ON a.id = t.app_id"
        for row in db.execute(sql):
            out[row[0]].setdefault(table, []).append(row[1:])
    for rec in out.values():
        for rows in rec.values():
            rows.sort(key=repr)
    db.close()
    return out


def run(vigie, *args, expect=(0, 1)):
    p = subprocess.run([vigie, "corpus", *args, "--progress", "never"], capture_output=True, text=True)
    if p.returncode not in expect:
        sys.exit(f"FAIL: vigie corpus {' '.join(args)} exited {p.returncode}:\n{p.stderr}")
    return p.stderr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vigie", required=True)
    ap.add_argument("--corpus", required=True)
    args = ap.parse_args()
    corpus = Path(args.corpus)
    if not (corpus / "apk").is_dir():
        print(f"SKIP: corpus not found at {corpus}")
        return 77
    exodus = str(corpus / "signatures" / "exodus_trackers.json")
    entities = corpus / "entities" / "xray_companies_trackercontrol.json"

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        apps = tmp / "apps"
        for folder in FOLDERS:
            if (corpus / folder).is_dir():
                shutil.copytree(corpus / folder, apps / folder.replace("/", "_"))
        kb_file = tmp / "extra_kb.json"
        kb_file.write_text(json.dumps({"schema_version": 2, "sdks": [{
            "id": "test-support", "name": "Support library", "vendor": "google", "categories": ["development"],
            "code": {"packages": ["android.support.v4"]}, "network": {"domains": ["github.com"]}}]}))
        knowledge = [
            ("the same knowledge", []),
            ("the KB and Exodus' signatures", ["--signatures", f"exodus:{exodus}"]),
            ("Exodus' signatures alone", ["--no-default-kb", "--signatures", f"exodus:{exodus}"]),
            ("the KB and a knowledge file", ["--signatures", f"vigie:{kb_file}"]),
            ("the KB again", []),
        ]
        if entities.is_file():
            knowledge.insert(4, ("the KB and an entity list", ["--entities", f"xray:{entities}"]))

        db = tmp / "corpus.sqlite"
        run(args.vigie, "scan", "--features", "--db", str(db), str(apps))
        package_rows = rows_by_app(db, PACKAGE_TABLES, ["path", "status", "package"])
        n = len(package_rows)
        assert n >= 50, f"only {n} apps stored"
        # The packages are gone: a rematch must not need them.
        hidden = tmp / "hidden"
        apps.rename(hidden)
        checked = 0
        for what, flags in knowledge:
            summary = run(args.vigie, "rematch", "--db", str(db), *flags)
            if f"{n} app(s) rematched" not in summary or " 0 stale, 0 unreadable" not in summary:
                sys.exit(f"FAIL: rematch under {what}: {summary}")
            if what == "the same knowledge" and " 0 changed" not in summary:
                sys.exit(f"FAIL: a rematch under the scan's knowledge rewrote verdicts: {summary}")
            hidden.rename(apps)
            fresh = tmp / f"fresh-{checked}.sqlite"
            run(args.vigie, "scan", "--db", str(fresh), *flags, str(apps))
            apps.rename(hidden)
            got = rows_by_app(db, VERDICT_TABLES, KNOWLEDGE_COLUMNS)
            want = rows_by_app(fresh, VERDICT_TABLES, KNOWLEDGE_COLUMNS)
            if got != want:
                bad = [sha for sha in want if got.get(sha) != want[sha]]
                sha = bad[0]
                diff = {t: (got[sha].get(t), want[sha].get(t)) for t in want[sha] if got[sha].get(t) != want[sha].get(t)}
                sys.exit(f"FAIL: under {what}, {len(bad)} app(s) differ from a fresh scan; first {sha}: {diff}")
            verdicts = sum(len(r.get("sdks", [])) for r in got.values())
            print(f"ok: {what}: {n} apps equal a fresh scan ({verdicts} SDK rows)")
            checked += 1
        if rows_by_app(db, PACKAGE_TABLES, ["path", "status", "package"]) != package_rows:
            sys.exit("FAIL: a rematch changed rows it should never touch")
        print(f"ok: {checked} kinds of knowledge, the package tables untouched")
    return 0


if __name__ == "__main__":
    sys.exit(main())
