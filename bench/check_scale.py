#!/usr/bin/env python3
"""Issue 18's scale targets for `vigie check`, end to end, beside MVT's
figures (../shared/MVT.md §6):
  - 1M domain indicators (Amnesty's layout: an indicator and a relationship
    each) loaded;
  - 1M URLs (one per SMS of an iOS filesystem dump) checked against them;
  - a 2 GB filesystem dump (files of real zeros) walked in bounded memory.
Writes its inputs under --work (about 3 GB), runs the CLI under
/usr/bin/time, and prints a Markdown table.

  bench/check_scale.py --vigie build/release/vigie [--work /tmp/vigie_scale]
"""
import argparse
import os
import re
import sqlite3
import subprocess
import time

ap = argparse.ArgumentParser()
ap.add_argument("--vigie", default="build/release/vigie")
ap.add_argument("--work", default="/tmp/vigie_scale")
ap.add_argument("--domains", type=int, default=1_000_000)
ap.add_argument("--urls", type=int, default=1_000_000)
ap.add_argument("--dump-gb", type=float, default=2.0)
args = ap.parse_args()
os.makedirs(args.work, exist_ok=True)

MALWARE = "malware--2e9d534b-2e11-4758-bdc5-9c3e1c100d4d"


def write_stix(path, n):
    with open(path, "w") as out:
        out.write('{"type": "bundle", "id": "bundle--1", "objects": [{"type": "malware", "spec_version": "2.1", '
                  f'"id": "{MALWARE}", "created": "2024-01-26T21:28:21.013109Z", "modified": "2024-01-26T21:28:21.013109Z", '
                  '"name": "Synthetic", "is_family": false}')
        for i in range(n):
            iid = "indicator--%08x-1452-437e-a19e-32590edf60c3" % i
            out.write(f', {{"type": "indicator", "spec_version": "2.1", "id": "{iid}", "created": "2024-01-26T21:28:21.013288Z", '
                      f'"modified": "2024-01-26T21:28:21.013288Z", "indicator_types": ["malicious-activity"], '
                      f'"pattern": "[domain-name:value=\'host{i}.example{i % 997}.com\']", "pattern_type": "stix", '
                      f'"pattern_version": "2.1", "valid_from": "2024-01-26T21:28:21.013288Z"}}')
            out.write(f', {{"type": "relationship", "spec_version": "2.1", "id": "relationship--{i}", '
                      f'"created": "2024-01-26T21:28:21.018127Z", "modified": "2024-01-26T21:28:21.018127Z", '
                      f'"relationship_type": "indicates", "source_ref": "{iid}", "target_ref": "{MALWARE}"}}')
        out.write("]}")


def write_dump(root, urls, gigabytes):
    sms = os.path.join(root, "private/var/mobile/Library/SMS/sms.db")
    os.makedirs(os.path.dirname(sms), exist_ok=True)
    if os.path.exists(sms):
        os.remove(sms)
    con = sqlite3.connect(sms)
    con.executescript("CREATE TABLE handle (ROWID INTEGER PRIMARY KEY, id TEXT);"
                      "CREATE TABLE message (ROWID INTEGER PRIMARY KEY, guid TEXT, text TEXT, handle_id INTEGER,"
                      " service TEXT, account TEXT, date INTEGER, date_read INTEGER, is_from_me INTEGER);"
                      "INSERT INTO handle VALUES (1, '+33100000000');")
    # One URL per message; 1 in 16 on an indicted host.
    con.executemany("INSERT INTO message VALUES (?, ?, ?, 1, 'SMS', 'a', ?, 0, 0)",
                    ((i, f"G{i}", f"see https://cdn.host{i if i % 16 == 0 else i * 7919 + 10_000_000}"
                      f".example{i % 997}.com/p?q={i}", 650000000 + i) for i in range(urls)))
    con.commit()
    con.close()
    # Files of zeros, 1 MB each, in folders of 100.
    files = int(gigabytes * 1024)
    block = b"\0" * (1 << 20)
    for i in range(files):
        d = os.path.join(root, "private/var/mobile/Media/DCIM", f"{i // 100:03d}APPLE")
        os.makedirs(d, exist_ok=True)
        p = os.path.join(d, f"IMG_{i:05d}.HEIC")
        if not os.path.exists(p):
            with open(p, "wb") as f:
                f.write(block)


def run(cmd):
    t = time.time()
    p = subprocess.run(["/usr/bin/time", "-v"] + cmd, capture_output=True, text=True)
    wall = time.time() - t
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1))
    return wall, rss / 1024, p.returncode


stix = os.path.join(args.work, "domains.stix2")
dump = os.path.join(args.work, "ios_fs")
if not os.path.exists(stix):
    write_stix(stix, args.domains)
write_dump(dump, args.urls, args.dump_gb)
size = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(dump) for f in fs)

empty = os.path.join(args.work, "empty_fs")
os.makedirs(os.path.join(empty, "private/var/mobile"), exist_ok=True)
open(os.path.join(empty, "private/var/mobile/.keep"), "w").close()
load = run([args.vigie, "check", "--iocs", stix, "-f", "json", empty])
full = run([args.vigie, "check", "--iocs", stix, "-f", "json", dump])
walk = run([args.vigie, "check", "-f", "json", dump])
print(f"| What | Wall | Peak RSS | MVT (MVT.md §6) |")
print(f"|---|---|---|---|")
print(f"| load {args.domains:,} domain indicators ({os.path.getsize(stix) / 1e6:.0f} MB), empty dump | {load[0]:.2f} s | {load[1]:.0f} MB | ~5 h (quadratic load) |")
print(f"| the dump ({size / 1e9:.2f} GB, {args.urls:,} SMS URLs), no indicators | {walk[0]:.2f} s | {walk[1]:.0f} MB | |")
print(f"| the dump against the {args.domains:,} indicators | {full[0]:.2f} s | {full[1]:.0f} MB | 2.85 ms per URL: ~48 min for the URLs |")
print(f"| URL checks alone (difference) | {full[0] - walk[0] - load[0]:.2f} s | | |")
