#!/usr/bin/env python3
"""What structure matching (renamed code, docs/renamed-code.md) costs a
single-app scan: Vigie against a build without it, on the same inputs.

For each app, --batches batches; a batch runs `VIGIE scan --format json APP`
and the baseline's --runs times each, alternating, and takes the ratio of
their medians, so that both sides of a ratio are timed within a second of each
other on a host whose speed drifts. The app's ratio is the median over its
batches. The apps: the real apps, JARs and bundles of ../shared/corpus (apk/,
jar/, aab/; the crafted edge_* files left out), or the files given.

The load: the same pairing on the smallest input (an empty APK), whose time is
start-up and knowledge loading; the difference is what the profile index
adds to every run. bench/micro_bench.cc's BM_LoadKnowledge times the load in
process.

Targets, printed as PASS/FAIL: every app's ratio <= 2.0, and the load's
difference < 20 ms.

Prints a Markdown table on stdout and writes one CSV row per app to --csv
(default bench/results/renamed-speed-YYYYMMDD.csv). Run from the repository
root:
  bench/renamed_speed.py --baseline OLD_VIGIE [--vigie build/release/vigie] [APP...]
"""
import argparse
import csv
import datetime
import glob
import math
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, '..', 'shared', 'corpus')


def timed(binary, app):
    start = time.perf_counter()
    subprocess.run([binary, 'scan', '--format', 'json', app], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def paired(vigie, baseline, app, batches, runs):
    """(median vigie s, median baseline s, median of the batches' ratios)."""
    ours, theirs, ratios = [], [], []
    for _ in range(batches):
        a, b = [], []
        for _ in range(runs):
            a.append(timed(vigie, app))
            b.append(timed(baseline, app))
        ours += a
        theirs += b
        ratios.append(statistics.median(a) / statistics.median(b))
    return statistics.median(ours), statistics.median(theirs), statistics.median(ratios)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--vigie', default=os.path.join(ROOT, 'build', 'release', 'vigie'))
    ap.add_argument('--baseline', required=True, help='a build without structure matching')
    ap.add_argument('--batches', type=int, default=7)
    ap.add_argument('--runs', type=int, default=3, help='runs of each binary per batch')
    ap.add_argument('--csv')
    ap.add_argument('apps', nargs='*')
    args = ap.parse_args()
    apps = args.apps or [p for d in ('apk', 'jar', 'aab') for p in sorted(glob.glob(os.path.join(CORPUS, d, '*')))
                         if not os.path.basename(p).startswith('edge_')]
    if not apps:
        sys.exit('no apps: ../shared/corpus is absent and none were given')
    rows = []
    for app in apps:
        ours, theirs, ratio = paired(args.vigie, args.baseline, app, args.batches, args.runs)
        rows.append((os.path.basename(app), ours * 1e3, theirs * 1e3, ratio))
        print(f'{rows[-1][0]}: {ratio:.2f}', file=sys.stderr)
    empty = os.path.join(CORPUS, 'apk', 'edge_empty_unsigned.apk')
    load = paired(args.vigie, args.baseline, empty, args.batches, args.runs) if os.path.exists(empty) else None

    path = args.csv or os.path.join(ROOT, 'bench', 'results',
                                    'renamed-speed-' + datetime.date.today().strftime('%Y%m%d') + '.csv')
    with open(path, 'w', newline='') as f:
        w = csv.writer(f)
        w.writerow(['app', 'vigie_ms', 'baseline_ms', 'ratio'])
        for name, ours, theirs, ratio in rows:
            w.writerow([name, f'{ours:.1f}', f'{theirs:.1f}', f'{ratio:.2f}'])
        if load:
            w.writerow(['load (empty apk)', f'{load[0] * 1e3:.1f}', f'{load[1] * 1e3:.1f}', f'{load[2]:.2f}'])

    print('| input | vigie ms | baseline ms | ratio |\n|---|---:|---:|---:|')
    for name, ours, theirs, ratio in rows:
        print(f'| {name} | {ours:.1f} | {theirs:.1f} | {ratio:.2f} |')
    geomean = math.exp(statistics.mean(math.log(r[3]) for r in rows))
    worst = max(rows, key=lambda r: r[3])
    print(f'| **geometric mean** | | | **{geomean:.2f}** |\n')
    print(f'{"PASS" if worst[3] <= 2.0 else "FAIL"}: every ratio <= 2.0 (largest {worst[3]:.2f}, {worst[0]})')
    if load:
        delta = (load[0] - load[1]) * 1e3
        print(f'{"PASS" if delta < 20 else "FAIL"}: the load adds {delta:.1f} ms (< 20 ms)')
    print(f'raw rows: {os.path.relpath(path, ROOT)}')


if __name__ == '__main__':
    main()
