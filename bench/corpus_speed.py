#!/usr/bin/env python3
"""Corpus scan speed: how `vigie corpus scan` scales from one core to two,
what storing costs over scanning alone, and both beside the Exodus method
on the same apps, in one run.

The apps: every .apk .aab .xapk .apks .jar .aar .dex file under
../shared/corpus plus demo/vigie-demo.apk (malformed ones included), each
copied --copies times into folders of its own with a few bytes appended
after the ZIP, so that every copy is an app of its own SHA-256 (a store
skips apps it has): a corpus of a few hundred apps.

Commands, each timed end to end (time.perf_counter around the process),
with a new empty database for every run:
  j1        VIGIE corpus scan -j 1 --db NEW.sqlite DIR
  j2        VIGIE corpus scan -j 2 --db NEW.sqlite DIR  (results: the default)
  features  VIGIE corpus scan -j 2 --features --db NEW.sqlite DIR
            (results and the features a rematch needs)
  scan      VIGIE scan -j 2 --format jsonl FILE... > /dev/null
            (scanning alone: the same apps, the reports thrown away)
  postgres  with --postgres URL: VIGIE corpus scan -j 2 --db URL DIR, the
            tables emptied before each run
The commands run in --rounds rounds, the order rotated by one place from
one round to the next, so a slow stretch of the host touches all alike.
Reported: the median time of each, apps/s, j1/j2 (target >= 1.7),
j2/scan - 1, what storing results adds (target <= 15%), and features/scan - 1,
what storing them with the features adds.

Beside them, the Exodus method (../shared/tools/exodus_method.py
--exodus-only DB APP, one process per app) over the distinct apps once,
two at a time, as Exodus' own workers run: apps/s, and Vigie's -j 2
apps/s over it.

  bench/corpus_speed.py --vigie build/release/vigie [--copies 8] [--rounds 7]
                        [--postgres postgresql:...] [--csv FILE]
"""
import argparse
import concurrent.futures
import csv
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXTENSIONS = {".apk", ".aab", ".xapk", ".apks", ".jar", ".aar", ".dex"}


def default_apps(corpus):
    apps = [p for p in sorted(Path(corpus).rglob("*")) if p.is_file() and p.suffix.lower() in EXTENSIONS]
    demo = HERE.parent / "demo" / "vigie-demo.apk"
    return apps + ([demo] if demo.exists() else [])


def timed(argv, stdout=subprocess.DEVNULL):
    start = time.perf_counter()
    proc = subprocess.run(argv, stdout=stdout, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1, 3):
        sys.exit(f"{' '.join(argv[:4])}...: exit {proc.returncode}: {proc.stderr.strip()[-400:]}")
    return elapsed, proc.stderr


def psql(url, sql):
    subprocess.run(["psql", "-q", url.removeprefix("postgresql:"), "-c", sql], check=True,
                   stdout=subprocess.DEVNULL)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--vigie", required=True)
    ap.add_argument("--corpus", default=str(HERE.parent.parent / "shared" / "corpus"))
    ap.add_argument("--exodus-tool", default=str(HERE.parent.parent / "shared" / "tools" / "exodus_method.py"))
    ap.add_argument("--copies", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--postgres", help="also store into this PostgreSQL database (its tables are emptied)")
    ap.add_argument("--no-exodus", action="store_true")
    ap.add_argument("--csv", help="write the raw timings here")
    args = ap.parse_args()

    originals = default_apps(args.corpus)
    if not originals:
        sys.exit(f"no apps under {args.corpus}")
    work = Path(tempfile.mkdtemp(prefix="vigie-corpus-speed-"))
    try:
        files = []
        for k in range(args.copies):
            d = work / "apps" / f"copy{k:02d}"
            d.mkdir(parents=True)
            for i, app in enumerate(originals):
                f = d / f"{i:03d}-{app.name}"
                f.write_bytes(app.read_bytes() + f"\nvigie-copy-{k}".encode())
                files.append(str(f))
        n = len(files)
        print(f"{n} apps: {len(originals)} distinct files x {args.copies} copies", flush=True)

        def corpus_scan(jobs, db, *flags):
            return [args.vigie, "corpus", "scan", "-j", str(jobs), "--progress", "never", *flags, "--db", db,
                    str(work / "apps")]

        def run(name, r):
            if name == "scan":
                with open(os.devnull, "wb") as null:
                    return timed([args.vigie, "scan", "-j", "2", "--format", "jsonl", *files], stdout=null)[0]
            if name == "postgres":
                psql(args.postgres, "DROP TABLE IF EXISTS apps, permissions, components, sdks, sdk_evidence, "
                     "data_access, recipients, recipient_countries, recipient_data, findings, endpoints, "
                     "secrets, diagnostics, features, schema_migrations CASCADE")
                elapsed, err = timed(corpus_scan(2, args.postgres))
            else:
                db = work / f"{name}-{r}.sqlite"
                flags = ["--features"] if name == "features" else []
                elapsed, err = timed(corpus_scan(1 if name == "j1" else 2, str(db), *flags))
                for suffix in ("", "-wal", "-shm"):
                    Path(str(db) + suffix).unlink(missing_ok=True)
            if f"{n} file(s): {n} stored" not in err:
                sys.exit(f"{name}: not every app was stored: {err.strip().splitlines()[-1]}")
            return elapsed

        names = ["j1", "j2", "features", "scan"] + (["postgres"] if args.postgres else [])
        for name in names:  # Warm-up: the files in the page cache, the binary loaded.
            run(name, -1)
        times = {name: [] for name in names}
        rows = []
        for r in range(args.rounds):
            order = names[r % len(names):] + names[:r % len(names)]
            for name in order:
                t = run(name, r)
                times[name].append(t)
                rows.append({"round": r, "command": name, "seconds": f"{t:.4f}", "apps": n})
            print(f"round {r + 1}/{args.rounds}: " + ", ".join(f"{k} {times[k][-1]:.2f}s" for k in names), flush=True)

        med = {k: statistics.median(v) for k, v in times.items()}
        print()
        print("| command | median time | apps/s |")
        print("|---|---|---|")
        labels = {"j1": "`vigie corpus scan -j 1` (SQLite)", "j2": "`vigie corpus scan -j 2` (SQLite)",
                  "features": "`vigie corpus scan -j 2 --features` (SQLite)",
                  "scan": "`vigie scan -j 2 --format jsonl` (no store)",
                  "postgres": "`vigie corpus scan -j 2` (PostgreSQL)"}
        for k in names:
            print(f"| {labels[k]} | {med[k]:.3f} s | {n / med[k]:.0f} |")
        speedup = med["j1"] / med["j2"]
        overhead = med["j2"] / med["scan"] - 1
        print()
        print(f"-j 2 over -j 1: {speedup:.2f}x (target >= 1.7x): {'PASS' if speedup >= 1.7 else 'FAIL'}")
        print(f"storing results over scanning alone: {overhead * 100:+.1f}% (target <= 15%): "
              f"{'PASS' if overhead <= 0.15 else 'FAIL'}")
        print(f"storing results and features over scanning alone: {(med['features'] / med['scan'] - 1) * 100:+.1f}%")
        if args.postgres:
            print(f"PostgreSQL over scanning alone: {(med['postgres'] / med['scan'] - 1) * 100:+.1f}%")

        if not args.no_exodus and Path(args.exodus_tool).exists():
            db = Path(args.corpus) / "signatures" / "exodus_trackers.json"
            argv = lambda app: [sys.executable, args.exodus_tool, "--exodus-only", str(db), str(app)]
            subprocess.run(argv(originals[0]), capture_output=True)  # Warm-up.
            start = time.perf_counter()
            with concurrent.futures.ThreadPoolExecutor(2) as pool:
                list(pool.map(lambda a: subprocess.run(argv(a), capture_output=True), originals))
            exodus = len(originals) / (time.perf_counter() - start)
            vigie = n / med["j2"]
            print(f"Exodus method, 2 at a time: {exodus:.2f} apps/s over the {len(originals)} distinct apps; "
                  f"vigie corpus scan -j 2: {vigie:.0f} apps/s ({vigie / exodus:.0f}x)")
            rows.append({"round": "", "command": "exodus_method_x2", "seconds": f"{len(originals) / exodus:.4f}",
                         "apps": len(originals)})
        if args.csv:
            with open(args.csv, "w", newline="") as f:
                w = csv.DictWriter(f, fieldnames=["round", "command", "seconds", "apps"])
                w.writeheader()
                w.writerows(rows)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
