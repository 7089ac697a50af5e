#!/usr/bin/env python3
"""Renamed-code accuracy: finds SDKs that ProGuard or smali renaming hid.

For each SDK binary of ../shared/corpus/sdk/android, ProGuard (Debian's
proguard-cli) makes four obfuscated JARs:
  rename      classes, members and packages renamed (-dontshrink)
  flatten     the same, every class moved to one package (-repackageclasses '')
  aggressive  flatten + -overloadaggressively -allowaccessmodification
  shrink      flatten + shrinking that keeps only the SDK's entry class
and the DEX route renames an SDK inside a real app: baksmali, every class
of the SDK renamed to a short name in one package, smali.
Each output is scanned with `vigie scan`; an SDK counts as found when the
report names it. The tracker-free apps of the corpus and the lookalike
fixtures must give no SDK by renamed code.

ProGuard runs without its optimizer: the optimizer needs the Android
platform's classes, which Debian does not package (docs/renamed-code.md).

  bench/renamed_accuracy.py --vigie build/release/vigie --corpus ../shared/corpus \
      [--extra BINARIES.tsv] [--out bench/results/renamed-DATE.md] [--check]
--extra adds SDK binaries from outside the corpus, one per line
"sdk_id<TAB>path[<TAB>...]" (the provenance columns data/profiles cites),
in the rename, flatten and aggressive modes (shrink needs the entry class an
app calls, which ENTRY lists for the corpus binaries only).
--check exits 1 unless every mode finds >= 90% of the SDKs with no false
SDK; 77 (skip) when the corpus or a tool is missing.
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import zipfile

# The class an app calls into, which the shrink mode keeps.
ENTRY = {
    'GoogleAdMobAdsSdk-4.3.1.jar': 'com.google.ads.AdView',
    'OneSignalSDK.jar': 'com.onesignal.OneSignal',
    'Pushwoosh_2017.aar': 'com.pushwoosh.Pushwoosh',
    'adcolony.jar': 'com.adcolony.sdk.AdColony',
    'bugly_crash_release.jar': 'com.tencent.bugly.crashreport.CrashReport',
    'jpush-sdk-release1.6.0.jar': 'cn.jpush.android.api.JPushInterface',
    'pushwoosh-location_v5.12.1.jar': 'com.pushwoosh.location.PushwooshLocation',
    'pushwoosh_v5.1.1.jar': 'com.pushwoosh.Pushwoosh',
    'pushwoosh_v6.7.58.aar': 'com.pushwoosh.Pushwoosh',
    'taplytics-2.10.8.aar': 'com.taplytics.sdk.Taplytics',
    'yandex-mobmetrica-lib-android-1.2-wlibs.jar': 'com.yandex.metrica.Counter',
}
EXPECTED = {  # KB id of each binary's SDK
    'GoogleAdMobAdsSdk-4.3.1.jar': 'admob', 'OneSignalSDK.jar': 'onesignal', 'Pushwoosh_2017.aar': 'pushwoosh',
    'adcolony.jar': 'adcolony', 'bugly_crash_release.jar': 'bugly', 'jpush-sdk-release1.6.0.jar': 'jpush',
    'pushwoosh-location_v5.12.1.jar': 'pushwoosh', 'pushwoosh_v5.1.1.jar': 'pushwoosh',
    'pushwoosh_v6.7.58.aar': 'pushwoosh', 'taplytics-2.10.8.aar': 'taplytics',
    'yandex-mobmetrica-lib-android-1.2-wlibs.jar': 'appmetrica',
}
MODES = {
    'rename': ['-dontshrink'],
    'flatten': ['-dontshrink', "-repackageclasses ''"],
    'aggressive': ['-dontshrink', "-repackageclasses ''", '-overloadaggressively', '-allowaccessmodification'],
    'shrink': ["-repackageclasses ''"],
}
# Apps whose SDK is renamed by the DEX route: (apk, KB id, its package).
DEX_ROUTE = [('apk/bugly_hotfix_demo.apk', 'bugly', 'com/tencent/bugly')]


def scan(vigie, path):
    out = subprocess.run([vigie, 'scan', '--format', 'json', path], capture_output=True, text=True)
    if not out.stdout.strip():
        return []
    return json.loads(out.stdout).get('sdks', [])


def classes_jar(binary, work):
    if not binary.endswith('.aar'):
        return binary
    target = os.path.join(work, os.path.basename(binary) + '.classes.jar')
    with zipfile.ZipFile(binary) as z, open(target, 'wb') as f:
        f.write(z.read('classes.jar'))
    return target


def proguard(binary, mode, work):
    name = os.path.basename(binary)
    out = os.path.join(work, f'{name}.{mode}.jar')
    keep = ('-keep,allowobfuscation class %s { public *; }' % ENTRY[name]) if mode == 'shrink' else \
        '-keep,allowobfuscation public class * { public *; }'
    binary = os.path.abspath(binary)  # ProGuard reads paths from its configuration's folder.
    conf = [f'-injars {classes_jar(binary, work)}', f'-outjars {out}', '-dontoptimize', '-dontpreverify',
            '-dontwarn **', '-dontnote **', '-ignorewarnings', keep] + MODES[mode]
    pro = out + '.pro'
    open(pro, 'w').write('\n'.join(conf) + '\n')
    r = subprocess.run(['proguard', '@' + pro], capture_output=True, text=True)
    if r.returncode != 0 or not os.path.exists(out):
        raise RuntimeError(f'proguard failed on {name} ({mode}): {r.stdout[-400:]}{r.stderr[-400:]}')
    return out


def rename_in_dex(apk, package, work):
    """baksmali the app, rename every class under `package` to o/<short>, smali."""
    src = os.path.join(work, 'smali-' + os.path.basename(apk))
    subprocess.run(['baksmali', 'd', '-o', src, apk], check=True, capture_output=True)
    names = []
    for root, _, files in os.walk(os.path.join(src, package)):
        for f in files:
            if f.endswith('.smali'):
                names.append(os.path.relpath(os.path.join(root, f), src)[:-6])
    letters = 'abcdefghijklmnopqrstuvwxyz'
    def short(i):
        s = ''
        i += 1
        while i:
            i, r = divmod(i - 1, 26)
            s = letters[r] + s
        return s
    # Outer classes first so inner classes follow their outer class's new name.
    outer = sorted({n.split('$')[0] for n in names})
    mapping = {o: 'o/' + short(i) for i, o in enumerate(outer)}
    pattern = re.compile(r'L(' + '|'.join(re.escape(o) for o in sorted(outer, key=len, reverse=True)) + r')([;$])')
    for root, _, files in os.walk(src):
        for f in files:
            p = os.path.join(root, f)
            text = open(p, encoding='utf-8').read()
            new = pattern.sub(lambda m: 'L' + mapping[m.group(1)] + m.group(2), text)
            if new != text:
                open(p, 'w', encoding='utf-8').write(new)
    out = os.path.join(work, os.path.basename(apk) + '.renamed.dex')
    subprocess.run(['java', '-cp', '/usr/share/java/*', 'org.jf.smali.Main', 'a', '-o', out, src],
                   check=True, capture_output=True)
    return out, len(outer)


def renamed_sdks(sdks):
    return [s for s in sdks if s['evidence'].get('renamed_classes', {}).get('count')]


def result(mode, label, sdk, sdks):
    """One row: whether scanning the hidden `sdk` found it, and what else."""
    hit = [s for s in sdks if s['id'] == 'vigie:' + sdk]
    extra = [s['id'] for s in renamed_sdks(sdks) if s['id'] != 'vigie:' + sdk]
    st = hit[0].get('structure') if hit else None
    return {'mode': mode, 'binary': label, 'found': bool(hit), 'extra': extra,
            'similarity': st['similarity'] if st else None,
            'classes': f"{st['classes']}/{st['profile_classes']}" if st else '',
            'basis': hit[0]['basis'] if hit else ''}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--vigie', required=True)
    ap.add_argument('--corpus', required=True)
    ap.add_argument('--extra', help='TSV of SDK binaries outside the corpus: sdk_id, path, ...')
    ap.add_argument('--out')
    ap.add_argument('--check', action='store_true')
    a = ap.parse_args()
    sdk_dir = os.path.join(a.corpus, 'sdk', 'android')
    if not os.path.isdir(sdk_dir):
        print(f'skip: no corpus at {a.corpus}')
        return 77
    for tool in ('proguard', 'baksmali', 'java'):
        if not shutil.which(tool):
            print(f'skip: {tool} is not installed (scripts/bootstrap installs it)')
            return 77
    rows, failures = [], []
    work = tempfile.mkdtemp(prefix='vigie-renamed-')
    try:
        for name in sorted(ENTRY):
            binary = os.path.join(sdk_dir, name)
            for mode in MODES:
                rows.append(result(mode, name, EXPECTED[name], scan(a.vigie, proguard(binary, mode, work))))
        for line in open(a.extra).read().splitlines() if a.extra else []:
            sdk, binary = line.split('\t')[:2]
            for mode in ('rename', 'flatten', 'aggressive'):
                rows.append(result(mode, os.path.basename(binary), sdk, scan(a.vigie, proguard(binary, mode, work))))
        for apk, sdk, package in DEX_ROUTE:
            dex, n = rename_in_dex(os.path.join(a.corpus, apk), package, work)
            rows.append(result('dex-rename', f'{os.path.basename(apk)} ({n} {sdk} classes)', sdk, scan(a.vigie, dex)))
        # Clean inputs: apps Exodus finds no tracker in, the lookalike fixtures.
        summary = os.path.join(a.corpus, 'expected', 'SUMMARY.tsv')
        clean = []
        for line in open(summary).read().splitlines()[1:]:
            f = line.split('\t')
            if f[0].startswith(('apk/', 'aab/', 'jar/')) and not f[6] and not f[0].startswith('apk/edge_'):
                clean.append(os.path.join(a.corpus, f[0]))
        fixtures = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tests', 'fixtures')
        for d in ('lookalike_adid', 'lookalike_shared', 'lookalike_generic'):
            p = os.path.join(fixtures, d, 'classes.dex')
            if os.path.exists(p):
                clean.append(p)
        false_sdks = []
        for p in clean:
            for s in renamed_sdks(scan(a.vigie, p)):
                false_sdks.append(f"{os.path.basename(p)}: {s['id']} ({s['basis']})")
    finally:
        shutil.rmtree(work, ignore_errors=True)

    lines = ['| mode | SDKs found | recall | false SDKs | similarity (min / median) |', '| --- | --- | --- | --- | --- |']
    for mode in list(MODES) + ['dex-rename']:
        rs = [r for r in rows if r['mode'] == mode]
        found = sum(r['found'] for r in rs)
        sims = [r['similarity'] for r in rs if r['similarity'] is not None]
        extra = sum(len(r['extra']) for r in rs)
        recall = found / len(rs) if rs else 0
        sim = f'{min(sims):.2f} / {statistics.median(sims):.2f}' if sims else '-'
        lines.append(f'| {mode} | {found}/{len(rs)} | {recall:.0%} | {extra} | {sim} |')
        if recall < 0.9:
            failures.append(f'{mode}: recall {recall:.0%} < 90%')
        if extra:
            failures.append(f'{mode}: {extra} SDK(s) besides the hidden one')
    lines += ['', f'Clean inputs ({len(clean)} tracker-free corpus apps and lookalike fixtures): '
              f'{len(false_sdks)} false SDK(s) by renamed code.', '',
              '| mode | binary | found | matched classes | similarity | basis |', '| --- | --- | --- | --- | --- | --- |']
    for r in rows:
        sim = f"{r['similarity']:.2f}" if r['similarity'] is not None else '-'
        lines.append(f"| {r['mode']} | {r['binary']} | {'yes' if r['found'] else 'NO'} | {r['classes']} | {sim} | "
                     f"{r['basis']}{'; also ' + ', '.join(r['extra']) if r['extra'] else ''} |")
    for f in false_sdks:
        lines.append(f'- false SDK: {f}')
        failures.append('false SDK: ' + f)
    text = '\n'.join(lines) + '\n'
    print(text)
    if a.out:
        open(a.out, 'w').write(text)
    if a.check and failures:
        print('FAILED:\n  ' + '\n  '.join(failures))
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
