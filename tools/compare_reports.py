#!/usr/bin/env python3
"""Shows whether two Vigie builds give the same answers: runs both over every
file of a folder (../shared/corpus by default, walked recursively), under each
set of options a user is likely to give, and compares the JSON reports.

  tools/compare_reports.py OLD_VIGIE NEW_VIGIE [--corpus DIR] [--exodus-db FILE]

Reports are compared whole, but for the fields listed in IGNORED, which must
be fields a new schema version of docs/json-schema.md documents as changed
(none today). Prints one line per input and option set that differs, with
the first differing paths, and exits 1 when any does.
"""
import argparse
import json
import os
import subprocess
import sys

# Fields documented as changed between the builds being compared, as paths
# into one report ('*' stands for every list item). Empty when the JSON must
# be identical.
IGNORED = []


def option_sets(exodus_db, entities):
    sets = [('default', []), ('no-kb', ['--no-default-kb']), ('deep', ['--deep'])]
    if exodus_db:
        sets.append(('exodus', ['--signatures', 'exodus:' + exodus_db]))
    if entities:
        sets.append(('entities+policy', ['--entities', 'xray:' + entities, '--policy-countries', 'RU,CN,US']))
    return sets


def drop(node, path):
    if not path:
        return
    head, rest = path[0], path[1:]
    if head == '*':
        if isinstance(node, list):
            for item in node:
                drop(item, rest)
        return
    if isinstance(node, dict) and head in node:
        if rest:
            drop(node[head], rest)
        else:
            del node[head]


def differences(a, b, where='', out=None, limit=5):
    out = [] if out is None else out
    if len(out) >= limit:
        return out
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                out.append('%s.%s: only in %s' % (where, k, 'old' if k in a else 'new'))
            else:
                differences(a[k], b[k], '%s.%s' % (where, k), out, limit)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.append('%s: %d items, then %d' % (where, len(a), len(b)))
        for i, (x, y) in enumerate(zip(a, b)):
            differences(x, y, '%s[%d]' % (where, i), out, limit)
    elif a != b:
        out.append('%s: %r, then %r' % (where, a, b))
    return out


def reports(vigie, files, options):
    """One report per file, in order; the CLI prints one JSON line per input."""
    p = subprocess.run([vigie, 'scan', '--format', 'jsonl', '-j', '2'] + options + ['--'] + files,
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    lines = p.stdout.splitlines()
    if len(lines) != len(files):
        sys.exit('%s %s: %d reports for %d inputs (exit %d)' % (vigie, ' '.join(options), len(lines), len(files),
                                                                p.returncode))
    out = []
    for line in lines:
        r = json.loads(line)
        for path in IGNORED:
            drop(r, path)
        out.append(r)
    return out, p.returncode


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('old')
    ap.add_argument('new')
    ap.add_argument('--corpus', default='../shared/corpus')
    ap.add_argument('--exodus-db', default='../shared/corpus/signatures/exodus_trackers.json')
    ap.add_argument('--entities', default='../shared/corpus/entities/xray_companies_trackercontrol.json')
    a = ap.parse_args()
    files = sorted(os.path.join(d, f) for d, _, names in os.walk(a.corpus) for f in names)
    if not files:
        sys.exit('no files under ' + a.corpus)
    exodus_db = a.exodus_db if os.path.exists(a.exodus_db) else None
    entities = a.entities if os.path.exists(a.entities) else None
    differ = 0
    for name, options in option_sets(exodus_db, entities):
        old, old_rc = reports(a.old, files, options)
        new, new_rc = reports(a.new, files, options)
        if old_rc != new_rc:
            print('%s: exit code %d, then %d' % (name, old_rc, new_rc))
            differ += 1
        for path, x, y in zip(files, old, new):
            d = differences(x, y)
            if d:
                differ += 1
                print('%s %s: %s' % (name, path, '; '.join(d)))
        print('%s: %d files compared' % (name, len(files)), file=sys.stderr)
    if differ:
        print('%d reports differ' % differ)
        sys.exit(1)
    print('same answers on %d files under %d option sets' % (len(files), len(option_sets(exodus_db, entities))))


if __name__ == '__main__':
    main()
