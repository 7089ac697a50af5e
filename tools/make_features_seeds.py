#!/usr/bin/env python3
"""Writes fuzz/corpus/features/: the stored features of five fixtures, as a
corpus scan keeps them, and beside each its inflated body behind an odd
byte (fuzz_features wraps such inputs itself, so that mutations reach the
body's reader). Run it again when features::kFormat changes:

    python3 tools/make_features_seeds.py build/release/vigie build/release/fixtures
"""
import os
import sqlite3
import subprocess
import sys
import tempfile
import zlib

FIXTURES = {  # seed name: (fixture, extra corpus scan flags)
    'sdkapp': ('sdkapp.apk', []),
    'deepapp': ('deepapp.apk', ['--deep']),
    'secretsapp': ('secretsapp.apk', []),
    'renamedapp': ('renamedapp.apk', []),
    'library': ('library.aar', []),
}


def varint(b, i):
    value = shift = 0
    while True:
        c = b[i]
        i += 1
        value |= (c & 0x7f) << shift
        shift += 7
        if c < 0x80:
            return value, i


def main():
    vigie, fixtures = sys.argv[1], sys.argv[2]
    out = sys.argv[3] if len(sys.argv) > 3 else 'fuzz/corpus/features'
    for name, (fixture, flags) in FIXTURES.items():
        with tempfile.TemporaryDirectory() as tmp:
            db = os.path.join(tmp, 'seed.sqlite')
            subprocess.run([vigie, 'corpus', 'scan', '--progress', 'never', '--db', db, *flags,
                            os.path.join(fixtures, fixture)], check=True, stdout=subprocess.DEVNULL)
            stored = sqlite3.connect(db).execute('SELECT data FROM features').fetchone()[0]
        assert stored[:4] == b'VFTR', name
        _, i = varint(stored, 4)  # format
        _, i = varint(stored, i)  # inflated size
        body = zlib.decompress(stored[i:], -15)
        with open(os.path.join(out, name), 'wb') as f:
            f.write(stored)
        with open(os.path.join(out, name + '_body'), 'wb') as f:
            f.write(b'\x01' + body)
        print(f'{name}: {len(stored)} bytes stored, {len(body)} inflated')


if __name__ == '__main__':
    main()
