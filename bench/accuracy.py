#!/usr/bin/env python3
"""How Vigie's built-in knowledge base compares with Exodus' verdicts.

For every real app and SDK binary of the corpus (../shared/corpus: apk, aab,
jar and sdk/android, without the edge_* parsing cases), it scans the file
with the built-in KB alone and prints, per file, Exodus' trackers next to the
SDKs Vigie reports, then:

  - the recall of Exodus' verdicts, per tracker: of the files where Exodus
    finds tracker T, in how many an SDK Vigie reports carries T's id;
  - every SDK Vigie reports beyond Exodus, with the evidence that makes it
    Vigie's own (its classes and owned hosts);
  - ownership: no class or owned host is evidence for two SDKs of one file;
  - the tracker-free files (Exodus finds nothing): Vigie must report no SDK.

Targets (issue 16): recall >= 98% per tracker, clean ownership, no SDK on
tracker-free files. With --check the exit code says whether they hold.

  bench/accuracy.py [--vigie build/release/vigie] [--corpus ../shared/corpus] [--check]

Exits 77 when the corpus is absent (ctest reports the test as skipped).
"""
import argparse
import json
import os
import subprocess
import sys
from collections import defaultdict

FOLDERS = {'apk': '', 'aab': 'aab__', 'jar': 'jar__', 'sdk/android': 'sdk_android__'}


def cases(corpus):
    for folder, prefix in FOLDERS.items():
        root = os.path.join(corpus, folder)
        for name in sorted(os.listdir(root)):
            if name.startswith('edge_'):
                continue
            expected = os.path.join(corpus, 'expected', prefix + os.path.splitext(name)[0] + '.json')
            if os.path.exists(expected):
                yield os.path.join(root, name), json.load(open(expected))


def exodus_verdict(expected):
    ids = expected.get('exodus_tracker_ids', expected.get('tracker_ids', []))
    names = expected.get('exodus_trackers', expected.get('trackers_by_class_names', []))
    return dict(zip(ids, names))


def scan(vigie, path):
    out = subprocess.run([vigie, 'scan', '--format', 'json', path], capture_output=True, text=True)
    if out.returncode not in (0, 1):
        raise SystemExit(f'{path}: vigie exited {out.returncode}: {out.stderr.strip()}')
    return json.loads(out.stdout)['sdks']


def evidence_of(sdk):
    ev = sdk['evidence']
    parts = []
    for kind, label in (('classes', 'classes'), ('strings', 'hosts'), ('manifest', 'manifest')):
        if ev[kind]['count']:
            parts.append(f"{label} ({ev[kind]['count']}): " + ', '.join(ev[kind]['examples'][:3]))
    return '; '.join(parts)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--vigie', default='build/release/vigie')
    ap.add_argument('--corpus', default=os.environ.get('VIGIE_CORPUS_DIR', '../shared/corpus'))
    ap.add_argument('--check', action='store_true', help='exit 1 when a target does not hold')
    args = ap.parse_args()
    if not os.path.isdir(os.path.join(args.corpus, 'expected')):
        print(f'skipped: no corpus at {args.corpus} (set VIGIE_CORPUS_DIR)')
        return 77

    per_tracker = defaultdict(lambda: [0, 0])  # id -> [found, expected]
    tracker_names = {}
    extras, clashes, noisy_clean = [], [], []
    files = 0
    print('# Exodus verdicts next to the built-in KB\'s\n')
    print('| file | Exodus | Vigie (built-in KB) | recall |')
    print('|---|---|---|---|')
    for path, expected in cases(args.corpus):
        files += 1
        want = exodus_verdict(expected)
        tracker_names.update(want)
        sdks = scan(args.vigie, path)
        got_ids = {i for s in sdks for i in s['exodus_ids']}
        for i in want:
            per_tracker[i][1] += 1
            per_tracker[i][0] += i in got_ids
        found = sum(1 for i in want if i in got_ids)
        recall = f'{found}/{len(want)}' if want else '-'
        name = os.path.relpath(path, args.corpus)
        shown = ', '.join(f"{s['name']} ({s['confidence']})" for s in sdks) or '(none)'
        print(f"| {name} | {', '.join(want.values()) or '(none)'} | {shown} | {recall} |")
        owner = {}
        for s in sdks:
            if not set(s['exodus_ids']) & set(want):
                extras.append((name, s))
            for kind in ('classes', 'strings'):
                for item in s['evidence'][kind]['examples']:
                    if (kind, item) in owner and owner[(kind, item)] != s['id']:
                        clashes.append(f"{name}: {item} is evidence for {owner[(kind, item)]} and {s['id']}")
                    owner[(kind, item)] = s['id']
        if not want and sdks:
            noisy_clean.append((name, sdks))

    print('\n# Recall of Exodus\' verdicts, per tracker\n')
    print('| Exodus tracker | files | found | recall |')
    print('|---|---|---|---|')
    low = []
    for i, (f, n) in sorted(per_tracker.items(), key=lambda kv: tracker_names[kv[0]].lower()):
        print(f'| {tracker_names[i]} ({i}) | {n} | {f} | {100.0 * f / n:.0f}% |')
        if f < 0.98 * n:
            low.append(tracker_names[i])
    print('\n# SDKs beyond Exodus\' verdicts, with their own evidence\n')
    for name, s in extras:
        print(f"- {name}: **{s['name']}** ({s['confidence']}, {s['basis']}) — {evidence_of(s)}")
    if not extras:
        print('(none)')

    print(f'\n# Targets, over {files} files\n')
    results = [
        ('recall of Exodus\' verdicts >= 98% for every tracker', not low, ', '.join(low)),
        ('no class or owned host is evidence for two SDKs', not clashes, '; '.join(clashes)),
        ('no SDK on the tracker-free files', not noisy_clean,
         '; '.join(f"{n}: {', '.join(s['name'] for s in ss)}" for n, ss in noisy_clean)),
    ]
    for what, ok, why in results:
        print(f"- {'PASS' if ok else 'FAIL'}: {what}" + ('' if ok else f' ({why})'))
    return 0 if not args.check or all(ok for _, ok, _ in results) else 1


if __name__ == '__main__':
    sys.exit(main())
