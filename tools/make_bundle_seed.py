#!/usr/bin/env python3
"""Writes fuzz/corpus/axml/bundle_manifest.pb: a small aapt2 XmlNode (the App
Bundle manifest format) with Vigie's own content, encoded field by field.
  tools/make_bundle_seed.py [OUT]
"""
import sys

ANDROID = b'http://schemas.android.com/apk/res/android'


def varint(n):
    out = b''
    while True:
        b, n = n & 0x7f, n >> 7
        if not n:
            return out + bytes([b])
        out += bytes([b | 0x80])


def ld(num, payload):  # length-delimited field
    return varint(num << 3 | 2) + varint(len(payload)) + payload


def vi(num, v):  # varint field
    return varint(num << 3) + varint(v)


def attr(name, value, ns=b'', rid=0, item=b''):
    m = (ld(1, ns) if ns else b'') + ld(2, name) + ld(3, value)
    if rid:
        m += vi(5, rid)
    if item:
        m += ld(6, item)
    return m


perm = ld(1, ld(3, b'uses-permission') + ld(4, attr(b'name', b'android.permission.CAMERA', ANDROID, 0x01010003)))
app = ld(1, ld(3, b'application') + ld(4, attr(b'debuggable', b'true', ANDROID, 0x0101000f, ld(7, vi(8, 1)))))
root = ld(1, ld(3, b'manifest') + ld(4, attr(b'package', b'org.vigie.seed')) +
          ld(4, attr(b'versionCode', b'5', ANDROID, 0x0101021b, ld(7, vi(6, 5)))) + ld(5, perm) + ld(5, app))
open(sys.argv[1] if len(sys.argv) > 1 else 'fuzz/corpus/axml/bundle_manifest.pb', 'wb').write(root)
