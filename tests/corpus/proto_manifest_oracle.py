#!/usr/bin/env python3
"""Oracle for App Bundle manifests, independent of Vigie's protobuf reader.

Decodes base/manifest/AndroidManifest.xml with `protoc --decode_raw` (no
schema) and walks aapt2's XmlNode field numbers (element=1; element.name=3,
.attribute=4, .child=5; attribute.name=2, .value=3) to print JSON:
{"package", "version_code", "permissions"}.
  proto_manifest_oracle.py BUNDLE.aab
"""
import json
import re
import subprocess
import sys

raw = subprocess.run(
    "unzip -p '%s' base/manifest/AndroidManifest.xml | protoc --decode_raw" % sys.argv[1],
    shell=True, check=True, capture_output=True, text=True).stdout

# Parse protoc's text output into nested lists of (field, value-or-children).
stack = [[]]
for line in raw.splitlines():
    line = line.strip()
    m = re.match(r'^(\d+) \{$', line)
    if m:
        child = []
        stack[-1].append((int(m.group(1)), child))
        stack.append(child)
    elif line == '}':
        stack.pop()
    else:
        m = re.match(r'^(\d+): (.*)$', line)
        if m:
            value = m.group(2)
            if value.startswith('"'):
                value = json.loads(value)
            stack[-1].append((int(m.group(1)), value))


def fields(msg, number):
    return [v for n, v in msg if n == number]


def element(node):
    found = fields(node, 1)
    return found[0] if found and isinstance(found[0], list) else None


def attrs(el):
    return {fields(a, 2)[0]: (fields(a, 3) or [None])[0] for a in fields(el, 4)}


root = element(stack[0])
manifest = attrs(root)
permissions = []
for child in fields(root, 5):
    el = element(child)
    if el and fields(el, 3)[0] in ('uses-permission', 'uses-permission-sdk-23', 'uses-permission-sdk-m'):
        name = attrs(el).get('name')
        if name and name not in permissions:
            permissions.append(name)
print(json.dumps({'package': manifest.get('package'), 'version_code': manifest.get('versionCode'),
                  'permissions': permissions}))
