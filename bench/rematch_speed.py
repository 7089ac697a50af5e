#!/usr/bin/env python3
"""Rematch speed: `vigie corpus rematch` over 100,000 stored apps, beside
rescanning them.

The stored apps are synthetic, made of real ones: every package of the
shared corpus that a corpus scan reads (.apk .aab .xapk .apks .jar .aar .dex,
malformed ones included) is scanned once into an SQLite database with the
built-in knowledge; then its rows (apps, features and verdict tables) are
copied, under new ids and SHA-256s, until --apps apps are stored. Each copy
keeps the features of the app it copies, so the features are sized, and
shaped, like those of real apps.

Timed end to end (time.perf_counter around the process), each on a fresh
copy of that database:
  same     VIGIE corpus rematch -j 2 (the scan's knowledge: nothing to write)
  exodus   VIGIE corpus rematch -j 2 --signatures exodus:TRACKERS
           (every app's verdicts change and are rewritten)
  rescan   VIGIE corpus scan -j 2 --rescan over the distinct packages once,
           scaled to --apps: what the rematch saves
The timings run in --rounds rounds; the median is reported, with apps/s,
and the target: 100,000 apps in under 60 s.

  bench/rematch_speed.py --vigie build/release/vigie [--apps 100000] [--rounds 3] [--csv FILE]
"""
import argparse
import csv
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EXTENSIONS = {".apk", ".aab", ".xapk", ".apks", ".jar", ".aar", ".dex"}
VERDICT_TABLES = ["sdks", "sdk_evidence", "data_access", "recipients", "recipient_countries", "recipient_data",
                  "findings", "endpoints", "secrets"]


def timed(argv):
    start = time.perf_counter()
    proc = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1, 3):
        sys.exit(f"{' '.join(argv[:4])}...: exit {proc.returncode}: {proc.stderr.strip()[-400:]}")
    return elapsed, proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else ""


def columns(db, table):
    return [r[1] for r in db.execute(f"PRAGMA table_info({table})")]


def grow(path, apps):
    """Copies the stored apps, with their features and verdicts, until `apps` are stored."""
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode = WAL")
    ids = [r[0] for r in db.execute("SELECT a.id FROM apps a JOIN features f ON f.app_id = a.id ORDER BY a.id")]
    if not ids:
        sys.exit("no app with features was stored")
    stride = max(ids) + 1
    app_cols = [c for c in columns(db, "apps") if c != "id"]
    copies = (apps + len(ids) - 1) // len(ids)
    for k in range(1, copies):
        taken = ids if k < copies - 1 else ids[: apps - len(ids) * (copies - 1)]
        where = f"id IN ({','.join(map(str, taken))})"
        shifted = ", ".join(f"{c} || '-{k}'" if c == "sha256" else c for c in app_cols)
        db.execute(f"INSERT INTO apps (id, {', '.join(app_cols)}) SELECT id + {k * stride}, {shifted} "
                   f"FROM apps WHERE {where}")
        db.execute(f"INSERT INTO features (app_id, format, data) SELECT app_id + {k * stride}, format, data "
                   f"FROM features WHERE app_id IN ({','.join(map(str, taken))})")
        for table in VERDICT_TABLES:
            cols = [c for c in columns(db, table) if c != "app_id"]
            db.execute(f"INSERT INTO {table} (app_id, {', '.join(cols)}) SELECT app_id + {k * stride}, "
                       f"{', '.join(cols)} FROM {table} WHERE app_id IN ({','.join(map(str, taken))})")
        if k % 200 == 0:
            db.commit()
    db.commit()
    n, size = db.execute("SELECT COUNT(*), SUM(LENGTH(data)) FROM features").fetchone()
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return n, size


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--vigie", required=True)
    ap.add_argument("--corpus", default=str(Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"))
    ap.add_argument("--apps", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--csv")
    args = ap.parse_args()
    corpus = Path(args.corpus)
    packages = [p for p in sorted(corpus.rglob("*")) if p.is_file() and p.suffix.lower() in EXTENSIONS]
    if not packages:
        sys.exit(f"no packages under {corpus}")
    exodus = corpus / "signatures" / "exodus_trackers.json"

    with tempfile.TemporaryDirectory(dir="/var/tmp") as tmp:
        tmp = Path(tmp)
        listing = tmp / "packages.txt"
        listing.write_text("".join(f"{p}\n" for p in packages))
        template = tmp / "template.sqlite"
        subprocess.run([args.vigie, "corpus", "scan", "-j", "2", "--features", "--progress", "never",
                        "--db", str(template),
                        "--files-from", str(listing)], check=False, capture_output=True)
        started = time.perf_counter()
        n, size = grow(template, args.apps)
        print(f"{n} stored apps, features {size / n / 1024:.1f} KB each on average "
              f"({size / 2**30:.2f} GB), made in {time.perf_counter() - started:.0f} s", flush=True)

        times = {"same": [], "exodus": [], "rescan": []}
        for r in range(args.rounds):
            for what in ("same", "exodus"):
                db = tmp / "run.sqlite"
                shutil.copy(template, db)
                argv = [args.vigie, "corpus", "rematch", "-j", "2", "--progress", "never", "--db", str(db)]
                if what == "exodus":
                    argv += ["--signatures", f"exodus:{exodus}"]
                seconds, summary = timed(argv)
                times[what].append(seconds)
                print(f"round {r + 1} {what}: {seconds:.1f} s  [{summary}]", flush=True)
                db.unlink()
            fresh = tmp / "rescan.sqlite"
            seconds, summary = timed([args.vigie, "corpus", "scan", "-j", "2", "--features", "--progress", "never",
                                      "--db",
                                      str(fresh), "--files-from", str(listing)])
            fresh.unlink()
            times["rescan"].append(seconds * n / len(packages))
            print(f"round {r + 1} rescan: {seconds:.2f} s for {len(packages)} packages, "
                  f"{seconds * n / len(packages):.0f} s scaled to {n}", flush=True)

    median = {k: statistics.median(v) for k, v in times.items()}
    print(f"\n{'what':8} {'seconds':>9} {'apps/s':>9}")
    for k, v in median.items():
        print(f"{k:8} {v:9.1f} {n / v:9.0f}")
    print(f"\n100,000 apps rematched in under 60 s: same {median['same'] * 100_000 / n:.1f} s, "
          f"exodus {median['exodus'] * 100_000 / n:.1f} s; rematch over rescan: "
          f"{median['rescan'] / median['exodus']:.0f}x faster")
    if args.csv:
        with open(args.csv, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["what", "apps", "round", "seconds"])
            for k, v in times.items():
                for i, s in enumerate(v):
                    w.writerow([k, n, i + 1, f"{s:.3f}"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
