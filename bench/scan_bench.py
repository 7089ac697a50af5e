#!/usr/bin/env python3
"""Side-by-side timing of one-app scans: Vigie against its peers, on the same
inputs, in one run. Every command is timed by hyperfine (warm-up runs, then
the median of --runs runs); ratios are peer time / Vigie time.

  core          build/release/vigie scan --format json --no-default-kb APP
                (the core reader: what the peers below also do)
  vigie         build/release/vigie scan --format json APP  (the default:
                core + SDK detection with the built-in KB)
  floor         unzip -p APP 'classes*.dex' > /dev/null     (inflate floor)
  aapt+dexdump  bench/peers/aapt_dexdump.sh APP
  androguard    bench/peers/androguard_scan.py APP          (Debian androguard)
  exodus        ../shared/tools/exodus_method.py --exodus-only DB APP  (Exodus'
                method: dexdump + Python regexes), against
  vigie+exodus  vigie scan --format json --signatures exodus:DB APP  (Exodus DB
                and the built-in KB both loaded)

The Exodus ratio is measured in --exodus-rounds rounds per app. Each round
times one exodus run between two short vigie+exodus batches (median of
--pair-runs each), and takes exodus over the mean of the two: the ratio of
timings taken within a second of each other. The median round is reported.
On a shared or virtual machine whose speed drifts by tens of percent over
seconds, comparing timings taken seconds apart would otherwise credit or
blame Vigie for the drift.

The rounds go round-robin over the apps (round 1 of every app, then round 2
of every app, ...), so that one app's rounds are spread over the whole run
rather than packed into a few seconds: a slow stretch of the host then
touches one or two rounds of several apps, which the median absorbs, instead
of every round of one app.

Peak RSS of vigie comes from /usr/bin/time. Prints a Markdown table, and the
geometric mean of each ratio over the apps.
  bench/scan_bench.py [--runs N] [--androguard-runs N] [--vigie PATH] APP...
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def median_ms(command, runs, shell, warmup=2):
    with tempfile.NamedTemporaryFile(suffix='.json') as out:
        args = ['hyperfine', '--style', 'none', '--warmup', str(warmup), '--runs', str(runs),
                '--export-json', out.name]
        if not shell:
            args.append('-N')
        subprocess.run(args + [command], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return json.load(open(out.name))['results'][0]['median'] * 1e3


def peak_rss_mb(cmd):
    p = subprocess.run(['/usr/bin/time', '-f', '%M'] + cmd, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True)
    return int(p.stderr.strip().splitlines()[-1]) / 1024


def geomean(values):
    return math.exp(sum(math.log(v) for v in values) / len(values))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--runs', type=int, default=20)
    ap.add_argument('--androguard-runs', type=int, default=3)
    ap.add_argument('--vigie', default='build/release/vigie')
    ap.add_argument('--exodus-tool', default='../shared/tools/exodus_method.py')
    ap.add_argument('--exodus-db', default='../shared/corpus/signatures/exodus_trackers.json')
    ap.add_argument('--exodus-rounds', type=int, default=15)
    ap.add_argument('--pair-runs', type=int, default=5, help='vigie+exodus runs on each side of an exodus run')
    ap.add_argument('--rounds-out', help='also write every Exodus round (JSON) to this file')
    ap.add_argument('apps', nargs='+')
    a = ap.parse_args()

    peers = {}
    for app in a.apps:
        print('timing the peers on %s' % os.path.basename(app), file=sys.stderr, flush=True)
        q = "'%s'" % app
        peers[app] = dict(
            core=median_ms('%s scan --format json --no-default-kb %s' % (a.vigie, q), a.runs, shell=False),
            kb=median_ms('%s scan --format json %s' % (a.vigie, q), a.runs, shell=False),
            floor=median_ms("unzip -p %s 'classes*.dex' > /dev/null" % q, a.runs, shell=True),
            aapt_dexdump=median_ms('%s/peers/aapt_dexdump.sh %s' % (HERE, q), max(3, a.runs // 4), shell=False),
            androguard=median_ms('%s/peers/androguard_scan.py %s' % (HERE, q), a.androguard_runs, shell=False),
            rss=peak_rss_mb([a.vigie, 'scan', '--format', 'json', app]))

    def vigie_exodus(app):
        return "%s scan --format json --signatures exodus:%s '%s'" % (a.vigie, a.exodus_db, app)

    def exodus(app):
        return "python3 %s --exodus-only %s '%s'" % (a.exodus_tool, a.exodus_db, app)

    for app in a.apps:
        median_ms(exodus(app), 1, shell=False, warmup=0)  # Warms the page cache for Python and dexdump.
    rounds = {app: [] for app in a.apps}
    for r in range(a.exodus_rounds):
        print('Exodus round %d of %d' % (r + 1, a.exodus_rounds), file=sys.stderr, flush=True)
        for app in a.apps:
            before = median_ms(vigie_exodus(app), a.pair_runs, shell=False)
            e = median_ms(exodus(app), 1, shell=False, warmup=0)
            after = median_ms(vigie_exodus(app), a.pair_runs, shell=False)
            v = (before + after) / 2
            rounds[app].append((e / v, v, e))
    if a.rounds_out:
        with open(a.rounds_out, 'w') as out:
            json.dump({os.path.basename(app): [dict(ratio=x, vigie_ms=v, exodus_ms=e) for x, v, e in rs]
                       for app, rs in rounds.items()}, out, indent=1)

    print('| app | size | core ms | floor ms | core/floor | aapt+dexdump ms | ratio | androguard ms | ratio '
          '| vigie (KB) ms | vigie+exodus ms | exodus ms | ratio | peak RSS |')
    print('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
    floors, dexdumps, guards, exoduses = [], [], [], []
    for app in a.apps:
        p = peers[app]
        ratio, vex, ex = sorted(rounds[app])[len(rounds[app]) // 2]
        vig = p['core']
        floors.append(vig / p['floor'])
        dexdumps.append(p['aapt_dexdump'] / vig)
        guards.append(p['androguard'] / vig)
        exoduses.append(ratio)
        print('| %s | %.1f MB | %.1f | %.1f | %.2f× | %.0f | %.0f× | %.0f | %.0f× | %.1f | %.1f | %.0f | %.0f× | %.1f MB |' % (
            os.path.basename(app), os.path.getsize(app) / 1e6, vig, p['floor'], vig / p['floor'],
            p['aapt_dexdump'], p['aapt_dexdump'] / vig, p['androguard'], p['androguard'] / vig, p['kb'], vex, ex,
            ratio, p['rss']))
    print('| **geometric mean** | | | | **%.2f×** | | **%.0f×** | | **%.0f×** | | | | **%.0f×** | |' % (
        geomean(floors), geomean(dexdumps), geomean(guards), geomean(exoduses)))


if __name__ == '__main__':
    main()
