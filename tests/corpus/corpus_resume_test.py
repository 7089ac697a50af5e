#!/usr/bin/env python3
"""A corpus scan killed with SIGKILL at any moment loses only the apps in
flight: every app stored is stored whole, the database stays sound, and the
next run resumes, storing each app exactly once. The end result equals an
uninterrupted scan's, table by table.

The corpus is the shared corpus's APKs (real apps and hostile ones), each
copied into several folders with a few bytes appended after the ZIP (as
repackagers and malware do), so every copy is an app of its own SHA-256.

  corpus_resume_test.py --vigie BUILD/vigie --corpus ../shared/corpus
Exit 77 (skip) when the corpus is absent.
"""
import argparse
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COPIES = 24
KILL_AFTER = [40, 180, 420]  # Apps stored when each run is killed.

# Every table of the schema whose rows belong to an app.
CHILD_TABLES = ["permissions", "components", "sdks", "sdk_evidence", "data_access", "recipients",
                "recipient_countries", "recipient_data", "findings", "endpoints", "secrets", "diagnostics"]
# Columns that differ between two scans of the same app by design.
RUN_COLUMNS = {"id", "app_id", "scanned_at", "scan_seconds", "rematched_at"}


def columns(db, table):
    return [r[1] for r in db.execute(f"PRAGMA table_info({table})") if r[1] not in RUN_COLUMNS]


def app_records(path):
    """Everything stored, per app SHA-256: its apps row and its child rows."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    cols = columns(db, "apps")
    records = {}
    for row in db.execute(f"SELECT {', '.join(cols)} FROM apps"):
        records[row[cols.index("sha256")]] = {"apps": [row]}
    for table in CHILD_TABLES:
        cols = columns(db, table)
        sql = f"SELECT a.sha256, {', '.join('t.' + c for c in cols)} FROM {table} t JOIN apps a ON a.id = t.app_id"
        for row in db.execute(sql):
            records[row[0]].setdefault(table, []).append(row[1:])
    for rec in records.values():
        for rows in rec.values():
            rows.sort(key=repr)
    db.close()
    return records


def check_sound(path):
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok", "integrity_check failed"
    assert db.execute("PRAGMA foreign_key_check").fetchall() == [], "rows without their app"
    n, distinct = db.execute("SELECT COUNT(*), COUNT(DISTINCT sha256) FROM apps").fetchone()
    assert n == distinct, f"{n - distinct} app(s) stored twice"
    db.close()
    return n


def stored(path):
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1)
        n = db.execute("SELECT COUNT(*) FROM apps").fetchone()[0]
        db.close()
        return n
    except sqlite3.Error:
        return 0  # Not created yet.


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vigie", required=True)
    ap.add_argument("--corpus", required=True)
    args = ap.parse_args()
    apks = sorted(Path(args.corpus, "apk").glob("*.apk"))
    if not apks:
        print(f"SKIP: no corpus at {args.corpus}")
        return 77

    with tempfile.TemporaryDirectory(prefix="vigie-resume-") as tmp:
        tmp = Path(tmp)
        for k in range(COPIES):
            d = tmp / "apps" / f"copy{k:02d}"
            d.mkdir(parents=True)
            for apk in apks:
                (d / apk.name).write_bytes(apk.read_bytes() + f"\nvigie-copy-{k}".encode())
        total = COPIES * len(apks)
        scan = [args.vigie, "corpus", "scan", "-j", "2", "--progress", "never"]

        clean = tmp / "clean.sqlite"
        subprocess.run(scan + ["--db", str(clean), str(tmp / "apps")], check=False, capture_output=True)
        expected = app_records(clean)
        assert len(expected) == total, f"the uninterrupted scan stored {len(expected)} of {total} apps"

        db = tmp / "resumed.sqlite"
        for target in KILL_AFTER:
            before = stored(db)
            proc = subprocess.Popen(scan + ["--db", str(db), str(tmp / "apps")],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            while stored(db) < target and proc.poll() is None:
                time.sleep(0.002)
            assert proc.poll() is None, f"the scan ended before {target} apps were stored: nothing to kill"
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            n = check_sound(db)
            assert before < n < total, f"killed run stored {n} apps (before it: {before}, total {total})"
            got = app_records(db)
            # Each app stored is whole: its rows are those the clean scan stored.
            for sha, rec in got.items():
                assert rec == expected[sha], f"app {sha} stored in part after SIGKILL"
            print(f"ok   killed after {n} of {total} apps: the database is sound, every stored app whole")

        done = subprocess.run(scan + ["--db", str(db), str(tmp / "apps")], capture_output=True, text=True)
        assert done.returncode in (0, 1, 3), done.stderr
        summary = done.stderr.strip().splitlines()[-1]
        n = check_sound(db)
        assert n == total, f"after resuming, {n} of {total} apps are stored"
        assert app_records(db) == expected, "the resumed database differs from the uninterrupted one"
        print(f"ok   resumed: {summary}")
        print(f"ok   {total} apps stored once each, equal to an uninterrupted scan, table by table")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except AssertionError as e:
        print(f"FAIL {e}")
        sys.exit(1)
