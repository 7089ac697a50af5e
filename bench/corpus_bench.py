#!/usr/bin/env python3
"""Corpus throughput and single-app speed, Vigie against its previous build and
against the Exodus method, on the same inputs in one run.

The apps: every .apk .aab .xapk .apks .jar .aar .dex file under
../shared/corpus (recursive, extension case-insensitive) plus
demo/vigie-demo.apk, or the files given as arguments. Malformed apps stay in:
every command is timed whatever its exit code, and the exit codes are
recorded.

  throughput     VIGIE scan -j 2 --format jsonl [--signatures exodus:DB] APP...
                 one process over all the apps, stdout to /dev/null, timed by
                 hyperfine -N. Each binary (--vigie, and --baseline if given) is
                 run with and without the Exodus DB. The runs go in --runs
                 batches: one hyperfine call per batch, one run of every
                 command, the order rotated by one place from one batch to the
                 next, so that a slow stretch of the host touches all commands
                 alike and each command takes each place in turn.
                 The first batch starts with 3 warm-up runs of every command.
                 apps/s = number of apps / median of all runs of a command.
                 vigie/baseline = median over batches of baseline time / vigie
                 time (timings taken within a second of each other).
  exodus_throughput
                 python3 EXODUS_TOOL --exodus-only DB APP, one process per app,
                 each app once, after one untimed warm-up call; first one at a
                 time, then 2 at a time (a pool of 2 workers, to compare with
                 -j 2). apps/s = number of apps / wall time of the whole pass.
  single         per app of --single: hyperfine medians of
                 VIGIE scan --format json --signatures exodus:DB APP  (-N; the
                 baseline too, in the same hyperfine call, when given),
                 unzip -p APP 'classes*.dex' > /dev/null  (the inflate floor,
                 through a shell), and the peers that read the same parts:
                 bench/peers/aapt_dexdump.sh (aapt dump badging + Debian
                 dexdump on each DEX) and bench/peers/androguard_scan.py
                 (androguard parsing the APK and every DEX), --exodus-runs runs
                 each. Ratios are vigie/floor and peer/vigie, each with its
                 geometric mean over the apps.
                 The Exodus method's ratio is taken in --exodus-rounds rounds,
                 round-robin over the apps: a round times one Exodus run
                 between two batches of --pair-runs vigie scans, and divides
                 it by the mean of the two batches' medians, so that both
                 sides of a ratio are timed within a second of each other on a
                 host whose speed drifts; the median round is reported.
  kb_cost        with --baseline, per app of --single: VIGIE scan --format json
                 APP (the built-in KB alone) against the baseline's, in
                 --runs batches of 5 runs of each, the order alternating; the
                 ratio vigie/baseline is the median over batches of the ratio
                 of their medians. It tells what a larger knowledge base costs
                 a one-app scan, which loads it first.
  rss            peak RSS (/usr/bin/time -f %M) of the throughput command,
                 median of 3 runs (1 with --quick), per binary and options;
                 with --large APK..., also of `VIGIE scan --format json APK`
                 on each (bench/make_large_apk.py builds such APKs), with its
                 wall time.

Targets, printed as PASS/FAIL: exodus/vigie >= 25x on every single app,
vigie/floor <= 1.0x on every single app, and, with --baseline, vigie's
throughput >= 0.90 x the baseline's and its KB-only single-app time <= 1.10 x
the baseline's on every app.

Prints a Markdown summary on stdout (progress on stderr) and writes one CSV row
per measurement to --csv (default bench/results/corpus-YYYYMMDD-HHMM.csv);
the vigie/baseline ratio is a throughput row with binary vigie/baseline.
Paths in the defaults are relative to the repository root; run it from there:
  bench/corpus_bench.py [--vigie PATH] [--baseline PATH] [--quick] [APP...]
"""
import argparse
import concurrent.futures
import csv
import datetime
import json
import math
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
APP_EXTENSIONS = ('.apk', '.aab', '.xapk', '.apks', '.jar', '.aar', '.dex')
DEFAULT_SINGLE = ['instapaper.apk', 'blooddonation.apk', 'lionu_demo.apk', 'appsflyer_sample.apk',
                  'abcore_prod_debug.apk', 'superads_demo.apk', 'msocial_freefb_72.apk', 'bugly_hotfix_demo.apk']
BATCH_RUNS = 1  # Runs per command in one throughput batch.
CSV_COLUMNS = ['date', 'host_cpus', 'measurement', 'binary', 'options', 'app', 'runs', 'median_ms', 'apps_per_s',
               'extra', 'commit']


def rel(*parts):
    """A path under the repository root, spelt relative to the working directory."""
    return os.path.relpath(os.path.join(ROOT, *parts))


def default_apps():
    corpus = rel('..', 'shared', 'corpus')
    apps = []
    for top, dirs, files in os.walk(corpus):
        dirs.sort()
        apps += [os.path.join(top, f) for f in sorted(files) if f.lower().endswith(APP_EXTENSIONS)]
    return apps + [rel('demo', 'vigie-demo.apk')]


def hyperfine(commands, runs, warmup, shell=False):
    """Runs hyperfine once over every command; returns its JSON results, in order."""
    with tempfile.NamedTemporaryFile(suffix='.json') as out:
        args = ['hyperfine', '--style', 'none', '-i', '--warmup', str(warmup), '--runs', str(runs),
                '--export-json', out.name]
        if not shell:
            args.append('-N')
        subprocess.run(args + commands, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return json.load(open(out.name))['results']


def rotated(items, k):
    items = list(items)
    k %= len(items)
    return items[k:] + items[:k]


def exit_codes(codes):
    return '/'.join(str(c) for c in sorted(set(codes)))


def peak_rss_kb(argv):
    p = subprocess.run(['/usr/bin/time', '-f', '%M'] + argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       text=True)
    return int(p.stderr.strip().splitlines()[-1]), p.returncode


def timed_run(argv):
    start = time.perf_counter()
    rc = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    return time.perf_counter() - start, rc


def geomean(values):
    return math.exp(sum(math.log(v) for v in values) / len(values))


def git_commit():
    p = subprocess.run(['git', '-C', ROOT, 'rev-parse', '--short', 'HEAD'], capture_output=True, text=True)
    return p.stdout.strip() if p.returncode == 0 else 'unknown'


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def main():
    ap = argparse.ArgumentParser(description='Corpus throughput and single-app speed (see the module docstring).')
    ap.add_argument('--vigie', default=rel('build', 'release', 'vigie'), help='the build under test')
    ap.add_argument('--baseline', help='the previous build, to compare throughput with')
    ap.add_argument('--exodus-tool', default=rel('..', 'shared', 'tools', 'exodus_method.py'))
    ap.add_argument('--exodus-db', default=rel('..', 'shared', 'corpus', 'signatures', 'exodus_trackers.json'))
    ap.add_argument('--runs', type=int, help='runs per Vigie or floor command (default 10; 4 with --quick)')
    ap.add_argument('--exodus-runs', type=int,
                    help='runs of the Exodus method per single app (default 3; 1 with --quick)')
    ap.add_argument('--exodus-rounds', type=int, help='rounds of the Exodus ratio per app (default 5; 1 with --quick)')
    ap.add_argument('--pair-runs', type=int, default=5, help='vigie scans on each side of an Exodus run')
    ap.add_argument('--single', nargs='+', metavar='APP', help='apps for the single-app scans')
    ap.add_argument('--csv', help='raw rows (default bench/results/corpus-YYYYMMDD-HHMM.csv)')
    ap.add_argument('--skip-exodus-throughput', action='store_true', help='skip the Exodus method over all the apps')
    ap.add_argument('--large', nargs='+', metavar='APK', default=[], help='large APKs for the memory measurement')
    ap.add_argument('--quick', action='store_true', help='few runs, for smoke testing')
    ap.add_argument('apps', nargs='*', help='the apps (default: the corpus and the demo app)')
    a = ap.parse_args()

    runs = a.runs or (4 if a.quick else 10)
    exodus_runs = a.exodus_runs or (1 if a.quick else 3)
    exodus_rounds = a.exodus_rounds or (1 if a.quick else 5)
    warmup = 1 if a.quick else 3
    rss_runs = 1 if a.quick else 3
    apps = a.apps or default_apps()
    single = a.single or [rel('..', 'shared', 'corpus', 'apk', name) for name in DEFAULT_SINGLE]
    binaries = [('vigie', a.vigie)] + ([('baseline', a.baseline)] if a.baseline else [])
    for path in [b for _, b in binaries] + [a.exodus_tool, a.exodus_db] + apps + single:
        if not os.path.isfile(path):
            sys.exit('corpus_bench: no such file: %s' % path)

    now = datetime.datetime.now()
    load_at_start = os.getloadavg()[0]  # Other work on the host shows up as noise in every timing.
    csv_path = a.csv or rel('bench', 'results', 'corpus-%s.csv' % now.strftime('%Y%m%d-%H%M'))
    os.makedirs(os.path.dirname(os.path.abspath(csv_path)), exist_ok=True)
    csv_file = open(csv_path, 'w', newline='')
    writer = csv.DictWriter(csv_file, CSV_COLUMNS)
    writer.writeheader()
    common = dict(date=now.isoformat(timespec='seconds'), host_cpus=os.cpu_count(), commit=git_commit())

    def row(**fields):
        writer.writerow({**common, **fields})
        csv_file.flush()

    # (label, options, options as written in the CSV)
    option_sets = [('KB + Exodus DB', ['-j', '2', '--format', 'jsonl', '--signatures', 'exodus:' + a.exodus_db],
                    '-j 2 --format jsonl --signatures exodus:DB'),
                   ('KB only', ['-j', '2', '--format', 'jsonl'], '-j 2 --format jsonl')]

    # 1. Throughput: every (binary, options) pair is one hyperfine command; batches alternate their order.
    corpus_cmds = [(role, path, label, [path, 'scan'] + opts + apps, shown)
                   for label, opts, shown in option_sets for role, path in binaries]
    times = [[] for _ in corpus_cmds]
    codes = [[] for _ in corpus_cmds]
    batch_medians = []
    batches = math.ceil(runs / BATCH_RUNS)
    for b in range(batches):
        log('throughput batch %d of %d' % (b + 1, batches))
        order = rotated(range(len(corpus_cmds)), b)
        results = hyperfine([shlex.join(corpus_cmds[i][3]) for i in order], min(BATCH_RUNS, runs - b * BATCH_RUNS),
                            warmup if b == 0 else 0)
        medians = {}
        for i, r in zip(order, results):
            times[i] += r['times']
            codes[i] += r['exit_codes']
            medians[i] = r['median']
        batch_medians.append(medians)
    throughput = {}
    for i, (role, path, label, _, shown) in enumerate(corpus_cmds):
        med = statistics.median(times[i])
        throughput[role, label] = dict(ms=med * 1e3, aps=len(apps) / med, rc=exit_codes(codes[i]))
        row(measurement='throughput', binary=role, options=shown, app='(%d apps)' % len(apps), runs=len(times[i]),
            median_ms='%.2f' % (med * 1e3), apps_per_s='%.2f' % (len(apps) / med),
            extra='path=%s;exit=%s;batches=%d;load1=%.2f' % (path, exit_codes(codes[i]), batches, load_at_start))
    versus = {}  # options label -> median, 1st and 3rd quartiles over batches of baseline time / vigie time
    if a.baseline:
        for label, _, shown in option_sets:
            iv = next(i for i, c in enumerate(corpus_cmds) if c[0] == 'vigie' and c[2] == label)
            ib = next(i for i, c in enumerate(corpus_cmds) if c[0] == 'baseline' and c[2] == label)
            ratios = [m[ib] / m[iv] for m in batch_medians]
            quartiles = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else ratios * 3
            versus[label] = (statistics.median(ratios), quartiles[0], quartiles[2])
            row(measurement='throughput', binary='vigie/baseline', options=shown, app='(%d apps)' % len(apps),
                runs=len(ratios), extra='ratio=%.3f;q1=%.3f;q3=%.3f' % versus[label])

    # 4. Peak RSS of the same commands, binaries alternating.
    rss = [[] for _ in corpus_cmds]
    for k in range(rss_runs):
        log('peak RSS run %d of %d' % (k + 1, rss_runs))
        for i in rotated(range(len(corpus_cmds)), k):
            rss[i].append(peak_rss_kb(corpus_cmds[i][3]))
    for (role, path, label, _, shown), values in zip(corpus_cmds, rss):
        kb = statistics.median(v for v, _ in values)
        row(measurement='rss', binary=role, options=shown, app='(%d apps)' % len(apps), runs=len(values),
            extra='peak_rss_kb=%d;path=%s;exit=%s' % (kb, path, exit_codes(rc for _, rc in values)))
        throughput[role, label]['rss_mb'] = kb / 1024

    # 2. The Exodus method over all the apps: one process per app, 1 then 2 at a time.
    def exodus_argv(app):
        return ['python3', a.exodus_tool, '--exodus-only', a.exodus_db, app]

    exodus_tp = {}
    if not a.skip_exodus_throughput:
        timed_run(exodus_argv(apps[0]))  # Warms the page cache for Python and dexdump.
        for workers in (1, 2):
            log('Exodus method over %d apps, %d at a time' % (len(apps), workers))
            start = time.perf_counter()
            with concurrent.futures.ThreadPoolExecutor(workers) as pool:
                per_app = list(pool.map(lambda app: timed_run(exodus_argv(app)), apps))
            wall = time.perf_counter() - start
            label = 'sequential' if workers == 1 else '%d workers' % workers
            failed = sum(1 for _, rc in per_app if rc != 0)
            exodus_tp[label] = dict(ms=wall * 1e3, aps=len(apps) / wall, failed=failed)
            for app, (seconds, rc) in zip(apps, per_app):
                row(measurement='exodus_throughput', binary='exodus', options='--exodus-only DB; ' + label, app=app,
                    runs=1, median_ms='%.2f' % (seconds * 1e3), extra='exit=%d' % rc)
            row(measurement='exodus_throughput', binary='exodus', options='--exodus-only DB; ' + label,
                app='(%d apps)' % len(apps), runs=1, median_ms='%.2f' % (wall * 1e3),
                apps_per_s='%.2f' % (len(apps) / wall), extra='failed_apps=%d' % failed)

    # 3. Single apps.
    singles = []
    for app in single:
        log('single app %s' % os.path.basename(app))
        q = shlex.quote(app)
        scan = [shlex.join([path, 'scan', '--format', 'json', '--signatures', 'exodus:' + a.exodus_db, app])
                for _, path in binaries]
        vig = hyperfine(scan, runs, warmup)
        floor = hyperfine(["unzip -p %s 'classes*.dex' > /dev/null" % q], runs, warmup, shell=True)[0]
        peers = {name: hyperfine([shlex.join([os.path.join(HERE, 'peers', script), app])], exodus_runs,
                                 0 if a.quick else 1)[0]
                 for name, script in (('aapt+dexdump', 'aapt_dexdump.sh'), ('androguard', 'androguard_scan.py'))}
        for name, r in peers.items():
            row(measurement='single', binary=name, options='bench/peers', app=app, runs=len(r['times']),
                median_ms='%.2f' % (r['median'] * 1e3), extra='exit=%s' % exit_codes(r['exit_codes']))
        for (role, path), r in zip(binaries, vig):
            row(measurement='single', binary=role, options='--format json --signatures exodus:DB', app=app,
                runs=len(r['times']), median_ms='%.2f' % (r['median'] * 1e3),
                extra='path=%s;exit=%s' % (path, exit_codes(r['exit_codes'])))
        row(measurement='single', binary='unzip', options="-p APP 'classes*.dex' > /dev/null", app=app,
            runs=len(floor['times']), median_ms='%.2f' % (floor['median'] * 1e3),
            extra='exit=%s' % exit_codes(floor['exit_codes']))
        singles.append(dict(app=app, vigie=vig[0]['median'] * 1e3,
                            baseline=vig[1]['median'] * 1e3 if a.baseline else None,
                            floor=floor['median'] * 1e3,
                            dexdump=peers['aapt+dexdump']['median'] * 1e3,
                            androguard=peers['androguard']['median'] * 1e3))

    # 3b. The Exodus ratio, in rounds round-robin over the apps.
    for app in single:
        timed_run(exodus_argv(app))  # Warms the page cache for Python and dexdump.
    rounds = {s['app']: [] for s in singles}
    for r in range(exodus_rounds):
        log('Exodus round %d of %d' % (r + 1, exodus_rounds))
        for s in singles:
            scan = shlex.join([a.vigie, 'scan', '--format', 'json', '--signatures', 'exodus:' + a.exodus_db, s['app']])
            before = hyperfine([scan], a.pair_runs, 1)[0]['median']
            e = hyperfine([shlex.join(exodus_argv(s['app']))], 1, 0)[0]
            after = hyperfine([scan], a.pair_runs, 1)[0]['median']
            v = (before + after) / 2
            rounds[s['app']].append((e['median'] / v, v, e['median']))
            row(measurement='exodus_round', binary='exodus/vigie', options='--exodus-only DB', app=s['app'], runs=1,
                median_ms='%.2f' % (e['median'] * 1e3),
                extra='round=%d;ratio=%.2f;vigie_ms=%.2f;exit=%s' % (r + 1, e['median'] / v, v * 1e3,
                                                                   exit_codes(e['exit_codes'])))
    for s in singles:
        ratio, _, exodus_s = sorted(rounds[s['app']])[len(rounds[s['app']]) // 2]
        s['exodus'] = exodus_s * 1e3
        s['exodus_ratio'] = ratio
    # 3c. What the built-in KB costs a one-app scan, against the baseline's.
    kb_cost = []
    if a.baseline:
        for app in single:
            log('KB cost on %s' % os.path.basename(app))
            cmds = [shlex.join([path, 'scan', '--format', 'json', app]) for _, path in binaries]
            ratios, medians = [], [[], []]
            for b in range(runs):
                order = rotated(range(2), b)
                res = hyperfine([cmds[i] for i in order], 5, 2 if b == 0 else 1)
                m = {i: r['median'] for i, r in zip(order, res)}
                ratios.append(m[0] / m[1])
                medians[0].append(m[0])
                medians[1].append(m[1])
            x = statistics.median(ratios)
            q = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else ratios * 3
            kb_cost.append((app, statistics.median(medians[0]) * 1e3, statistics.median(medians[1]) * 1e3, x, q[0], q[2]))
            row(measurement='kb_cost', binary='vigie/baseline', options='--format json', app=app, runs=len(ratios),
                extra='ratio=%.3f;q1=%.3f;q3=%.3f;vigie_ms=%.2f;baseline_ms=%.2f' % (x, q[0], q[2], kb_cost[-1][1],
                                                                                   kb_cost[-1][2]))
    large = []
    for apk in a.large:
        log('memory on %s' % os.path.basename(apk))
        for role, path in binaries:
            start = time.perf_counter()
            kb, rc = peak_rss_kb([path, 'scan', '--format', 'json', apk])
            seconds = time.perf_counter() - start
            row(measurement='rss', binary=role, options='--format json', app=apk, runs=1,
                median_ms='%.2f' % (seconds * 1e3), extra='peak_rss_kb=%d;size=%d;exit=%d' % (kb, os.path.getsize(apk), rc))
            large.append((apk, role, kb, seconds))
    csv_file.close()

    # The summary.
    print('### Corpus throughput: %d apps, %d CPUs, load average %.2f at the start, commit %s' % (
        len(apps), os.cpu_count(), load_at_start, common['commit']))
    print()
    print('| binary | options | median ms | apps/s | peak RSS | exit |')
    print('|---|---|---:|---:|---:|---|')
    for role, _, label, _, _ in corpus_cmds:
        t = throughput[role, label]
        print('| %s | `-j 2`, %s | %.1f | %.1f | %.1f MB | %s |' % (
            role, label, t['ms'], t['aps'], t['rss_mb'], t['rc']))
    for label, t in exodus_tp.items():
        print('| Exodus method | %s | %.0f | %.2f | | %d apps failed |' % (label, t['ms'], t['aps'], t['failed']))
    print()
    label = option_sets[0][0]  # The Exodus method reads the Exodus DB: compare with Vigie loading it too.
    for name, t in exodus_tp.items():
        print('Vigie `-j 2` (%s) over the Exodus method (%s): %.0f× the apps/s.  ' % (
            label, name, throughput['vigie', label]['aps'] / t['aps']))
    for label, (x, q1, q3) in versus.items():
        print('%s: throughput vigie/baseline %.3f, quartiles over %d batches %.3f-%.3f (target ≥ 0.90): %s  ' % (
            label, x, batches, q1, q3, 'PASS' if x >= 0.90 else 'FAIL'))
    if exodus_tp or versus:
        print()
    print('### Single apps (median of %d runs; peers: %d; Exodus: median of %d rounds)' % (
        runs, exodus_runs, exodus_rounds))
    print()
    head = '| app | size | vigie ms |' + (' baseline ms |' if a.baseline else '')
    print(head + ' floor ms | vigie/floor | exodus ms | exodus/vigie | aapt+dexdump/vigie | androguard/vigie |')
    print('|---|---:|---:|' + ('---:|' if a.baseline else '') + '---:|---:|---:|---:|---:|---:|')
    for s in singles:
        print('| %s | %.1f MB | %.1f |%s %.1f | %.2f× | %.0f | %.0f× | %.0f× | %.0f× |' % (
            os.path.basename(s['app']), os.path.getsize(s['app']) / 1e6, s['vigie'],
            ' %.1f |' % s['baseline'] if a.baseline else '', s['floor'], s['vigie'] / s['floor'], s['exodus'],
            s['exodus_ratio'], s['dexdump'] / s['vigie'], s['androguard'] / s['vigie']))
    if singles:
        g = lambda key: geomean([s[key] for s in singles])
        ratio = lambda key: geomean([s[key] / s['vigie'] for s in singles])
        print('| **geometric mean** | | %.1f |%s %.1f | **%.2f×** | %.0f | **%.0f×** | **%.0f×** | **%.0f×** |' % (
            g('vigie'), ' %.1f |' % g('baseline') if a.baseline else '', g('floor'),
            geomean([s['vigie'] / s['floor'] for s in singles]), g('exodus'), g('exodus_ratio'), ratio('dexdump'),
            ratio('androguard')))
        print()
        slow = [os.path.basename(s['app']) for s in singles if s['exodus_ratio'] < 25]
        heavy = [os.path.basename(s['app']) for s in singles if s['vigie'] / s['floor'] > 1.0]
        print('exodus/vigie ≥ 25× on every app: %s  ' % ('PASS' if not slow else 'FAIL (%s)' % ', '.join(slow)))
        print('vigie/floor ≤ 1.0× on every app: %s  ' % ('PASS' if not heavy else 'FAIL (%s)' % ', '.join(heavy)))
    if kb_cost:
        print()
        print('### The built-in KB on single apps: `scan --format json APP`, against the baseline (%d batches)' % runs)
        print()
        print('| app | vigie ms | baseline ms | vigie/baseline | quartiles |')
        print('|---|---:|---:|---:|---|')
        for app, v, b, x, q1, q3 in kb_cost:
            print('| %s | %.1f | %.1f | %.3f | %.3f–%.3f |' % (os.path.basename(app), v, b, x, q1, q3))
        print('| **geometric mean** | %.1f | %.1f | **%.3f** | |' % (
            geomean([k[1] for k in kb_cost]), geomean([k[2] for k in kb_cost]), geomean([k[3] for k in kb_cost])))
        print()
        over = [os.path.basename(k[0]) for k in kb_cost if k[3] > 1.10]
        print('KB-only single-app time ≤ 1.10× the baseline\'s on every app: %s  ' % (
            'PASS' if not over else 'FAIL (%s)' % ', '.join(over)))
    if large:
        print()
        print('### Memory on large APKs')
        print()
        print('| input | size | binary | peak RSS | wall time |')
        print('|---|---:|---|---:|---:|')
        for apk, role, kb, seconds in large:
            print('| %s | %.1f MB | %s | %.1f MB | %.2f s |' % (
                os.path.basename(apk), os.path.getsize(apk) / 1e6, role, kb / 1024, seconds))
    print()
    print('Raw rows: %s' % csv_path)


if __name__ == '__main__':
    main()
