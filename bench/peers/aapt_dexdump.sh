#!/usr/bin/env bash
# Peer: what the Android SDK tools need for the same facts: aapt dump badging
# for identity and permissions, dexdump for the code of every classes*.dex.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
aapt dump badging "$1" >/dev/null 2>&1
unzip -q -o "$1" 'classes*.dex' -d "$tmp" 2>/dev/null
for d in "$tmp"/classes*.dex; do [ -e "$d" ] && dexdump "$d" >/dev/null 2>&1; done
exit 0
