#!/usr/bin/env python3
"""Side-by-side timing of one-app scans: Vigie against the peers, same inputs.

For each app it runs, in one process run:
  vigie        build/release/vigie scan --format json APP
  floor        unzip -p APP 'classes*.dex' > /dev/null   (inflate floor)
  aapt+dexdump aapt dump badging APP; dexdump on every classes*.dex
  androguard   androguard's APK + DEX parse (Debian's /usr/bin/python3, where the androguard package lives)
and prints the median wall time of --repeat runs and the ratios. Peak RSS of
vigie comes from /usr/bin/time.
  bench/scan_bench.py [--repeat N] [--vigie PATH] APP...
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile

ANDROGUARD = r'''
import sys
from androguard.core.bytecodes.apk import APK
from androguard.core.bytecodes.dvm import DalvikVMFormat
a = APK(sys.argv[1])
n = 0
for dex in a.get_all_dex():
    n += len(DalvikVMFormat(dex).get_classes())
print(a.get_package(), len(a.get_permissions()), n)
'''


def timed(cmd, **kw):
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, **kw)
    return time.perf_counter() - t


def aapt_dexdump(app, tmp):
    subprocess.run(['aapt', 'dump', 'badging', app], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with zipfile.ZipFile(app) as z:
        for n in z.namelist():
            if n.startswith('classes') and n.endswith('.dex'):
                p = z.extract(n, tmp)
                subprocess.run(['dexdump', p], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def median(f, repeat):
    return statistics.median(f() for _ in range(repeat))


def peak_rss_kb(cmd):
    p = subprocess.run(['/usr/bin/time', '-f', '%M'] + cmd, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True)
    return int(p.stderr.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--repeat', type=int, default=5)
    ap.add_argument('--androguard-repeat', type=int, default=1)
    ap.add_argument('--vigie', default='build/release/vigie')
    ap.add_argument('apps', nargs='+')
    a = ap.parse_args()
    print('| app | size | vigie ms | floor ms | vigie/floor | aapt+dexdump ms | ratio | androguard ms | ratio | vigie peak RSS |')
    print('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
    for app in a.apps:
        vig = median(lambda: timed([a.vigie, 'scan', '--format', 'json', app]), a.repeat)
        floor = median(lambda: timed(['sh', '-c', "unzip -p \"$0\" 'classes*.dex' > /dev/null", app]), a.repeat)
        with tempfile.TemporaryDirectory() as tmp:
            ad = median(lambda: (lambda t: (aapt_dexdump(app, tmp), time.perf_counter() - t)[1])(time.perf_counter()), a.repeat)
        ag = median(lambda: timed(['/usr/bin/python3', '-c', ANDROGUARD, app]), a.androguard_repeat)
        rss = peak_rss_kb([a.vigie, 'scan', '--format', 'json', app])
        print('| %s | %.1f MB | %.1f | %.1f | %.2f× | %.0f | %.0f× | %.0f | %.0f× | %.1f MB |' % (
            os.path.basename(app), os.path.getsize(app) / 1e6, vig * 1e3, floor * 1e3, vig / floor,
            ad * 1e3, ad / vig, ag * 1e3, ag / vig, rss / 1024))
        sys.stdout.flush()


if __name__ == '__main__':
    main()
