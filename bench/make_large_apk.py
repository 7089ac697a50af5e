#!/usr/bin/env python3
"""Builds synthetic large APKs for the memory benchmark, with real tools.

  large-dex.apk  : demo manifest + a classes.dex of about DEX_MB MB, made by
                   smali from generated sources whose strings are random, so
                   the DEX stays large when deflated (it takes the streaming
                   inflate path) + a stored random asset up to TOTAL_MB.
Usage: bench/make_large_apk.py OUT_DIR [DEX_MB] [TOTAL_MB]
"""
import base64
import os
import subprocess
import sys
import tempfile

out = sys.argv[1]
dex_mb = int(sys.argv[2]) if len(sys.argv) > 2 else 40
total_mb = int(sys.argv[3]) if len(sys.argv) > 3 else 300
here = os.path.dirname(os.path.abspath(__file__))
demo = os.path.join(here, '..', 'demo')
os.makedirs(out, exist_ok=True)

with tempfile.TemporaryDirectory() as tmp:
    src = os.path.join(tmp, 'smali')
    os.makedirs(src)
    strings_per_class, string_bytes = 100, 1024
    classes = dex_mb * 1024 * 1024 // (strings_per_class * string_bytes)
    for c in range(classes):
        lines = ['.class public Lorg/vigie/bench/C%d;' % c, '.super Ljava/lang/Object;',
                 '.method public static f()V', '    .registers 1']
        for _ in range(strings_per_class):
            s = base64.b64encode(os.urandom(string_bytes * 3 // 4)).decode()
            lines.append('    const-string v0, "%s"' % s)
        lines += ['    return-void', '.end method']
        with open(os.path.join(src, 'C%d.smali' % c), 'w') as f:
            f.write('\n'.join(lines) + '\n')
    subprocess.run(['java', '-Xmx4g', '-cp', '/usr/share/java/*', 'org.jf.smali.Main', 'a', '-o',
                    os.path.join(tmp, 'classes.dex'), src], check=True)
    apk = os.path.join(out, 'large-dex.apk')
    if os.path.exists(apk):
        os.remove(apk)
    subprocess.run(['aapt', 'package', '-f', '-M', os.path.join(demo, 'AndroidManifest.xml'), '-S',
                    os.path.join(demo, 'res'), '-I', '/usr/share/android-framework-res/framework-res.apk',
                    '-F', apk], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(['zip', '-q', apk, 'classes.dex'], cwd=tmp, check=True)
    dex_size = os.path.getsize(os.path.join(tmp, 'classes.dex'))
    asset = total_mb * 1000 * 1000 - os.path.getsize(apk)
    if asset > 0:
        os.makedirs(os.path.join(tmp, 'assets'))
        with open(os.path.join(tmp, 'assets', 'blob.bin'), 'wb') as f:
            for _ in range(asset // (1 << 20) + 1):
                f.write(os.urandom(1 << 20))
        subprocess.run(['zip', '-q', '-0', apk, 'assets/blob.bin'], cwd=tmp, check=True)
    print('%s: %d bytes, classes.dex %d bytes inflated' % (apk, os.path.getsize(apk), dex_size))
