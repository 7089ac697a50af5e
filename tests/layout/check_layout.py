#!/usr/bin/env python3
"""Checks that no source file includes across a forbidden edge of the layout
(docs/architecture.md).

Each directory of src/ is one library (a module), with its public headers in
include/vigie/<module>/. CMake records every module's declared dependencies
in build/<preset>/layout.txt ("module:dep,dep"). A file of a module may
include headers of its own module and of the modules it declares, nothing
else; and report/ (as any later store/) may depend on base/ and model/ only,
whatever it declares.

  check_layout.py LAYOUT_TXT SOURCE_DIR      check the tree
  check_layout.py --self-test                show that a bad include fails
"""
import os
import re
import subprocess
import sys
import tempfile

INCLUDE = re.compile(r'^\s*#\s*include\s+"vigie/([a-z_]+(?:/[a-z_]+)?)/[^"/]+"', re.M)
# Sinks and stores read the model and nothing else of the pipeline.
MODEL_ONLY = {'report', 'store'}
MODEL_ONLY_ALLOWED = {'base', 'model'}


def read_layout(path):
    deps = {}
    for line in open(path):
        line = line.strip()
        if not line:
            continue
        module, _, rest = line.partition(':')
        deps[module] = {d for d in rest.split(',') if d}
    return deps


def module_of(rel, modules):
    """The module a file belongs to: the longest module whose directory
    (src/<m>/, include/vigie/<m>/, or a program's own directory) holds it."""
    best = None
    for m in modules:
        for root in ('src/' + m + '/', 'include/vigie/' + m + '/', m + '/'):
            if rel.startswith(root) and (best is None or len(m) > len(best)):
                best = m
    return best


def check(layout_path, source_dir):
    deps = read_layout(layout_path)
    problems = []
    for m, ds in deps.items():
        if m.split('/')[0] in MODEL_ONLY and not ds <= MODEL_ONLY_ALLOWED:
            problems.append('%s declares %s, but may depend on base and model only' %
                            (m, ', '.join(sorted(ds - MODEL_ONLY_ALLOWED))))
    header_modules = set()
    for top in ('src', 'include/vigie', 'apps', 'tools'):
        for d, _, names in os.walk(os.path.join(source_dir, top)):
            for name in names:
                if not name.endswith(('.h', '.cc')):
                    continue
                path = os.path.join(d, name)
                rel = os.path.relpath(path, source_dir)
                m = module_of(rel, deps)
                if m is None:
                    problems.append('%s belongs to no module of the layout' % rel)
                    continue
                if rel.startswith('include/vigie/'):
                    header_modules.add(m)
                for used in INCLUDE.findall(open(path, encoding='utf-8', errors='replace').read()):
                    if used != m and used not in deps[m]:
                        problems.append('%s (module %s) includes vigie/%s/, which %s does not depend on' %
                                        (rel, m, used, m))
    return problems


def self_test():
    """A tree with one include across a forbidden edge must fail, and the
    same tree without it must pass."""
    with tempfile.TemporaryDirectory() as root:
        for d in ('src/model', 'src/report', 'include/vigie/model', 'include/vigie/report',
                  'include/vigie/pipeline', 'src/pipeline'):
            os.makedirs(os.path.join(root, d))
        open(os.path.join(root, 'include/vigie/model/scan_result.h'), 'w').write('#pragma once\n')
        open(os.path.join(root, 'include/vigie/pipeline/scanner.h'), 'w').write(
            '#include "vigie/model/scan_result.h"\n')
        sink = os.path.join(root, 'src/report/json.cc')
        open(sink, 'w').write('#include "vigie/model/scan_result.h"\n')
        layout = os.path.join(root, 'layout.txt')
        open(layout, 'w').write('model:\npipeline:model\nreport:model\n')
        if check(layout, root):
            return 'a clean tree was refused: %s' % check(layout, root)
        open(sink, 'a').write('#include "vigie/pipeline/scanner.h"\n')
        if not any('includes vigie/pipeline/' in p for p in check(layout, root)):
            return 'an include across a forbidden edge was let through'
        open(layout, 'w').write('model:\npipeline:model\nreport:model,pipeline\n')
        if not any('may depend on base and model only' in p for p in check(layout, root)):
            return 'a sink declaring the pipeline was let through'
    return None


def main():
    if sys.argv[1:] == ['--self-test']:
        failure = self_test()
        if failure:
            sys.exit('self-test: ' + failure)
        print('self-test: the check refuses a forbidden include and a sink that depends on the pipeline')
        return
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    problems = check(sys.argv[1], sys.argv[2])
    for p in problems:
        print(p)
    if problems:
        sys.exit('%d include(s) across forbidden edges' % len(problems))
    print('layout: %d modules, every include along a declared edge' % len(read_layout(sys.argv[1])))


if __name__ == '__main__':
    main()
