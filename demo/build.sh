#!/usr/bin/env bash
# Rebuilds demo/vigie-demo.apk from the sources beside this script with
# smali, aapt (+ framework-res) and zipalign. The committed APK is the output
# of this recipe; it is unsigned, so rebuilding it is byte-stable apart from
# ZIP timestamps.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
java -cp '/usr/share/java/*' org.jf.smali.Main a -o "$work/classes.dex" "$here"/smali/*.smali
aapt package -f -M "$here/AndroidManifest.xml" -S "$here/res" \
  -I /usr/share/android-framework-res/framework-res.apk -F "$work/demo.apk" >/dev/null
(cd "$work" && zip -q -X demo.apk classes.dex)
zipalign -f 4 "$work/demo.apk" "$here/vigie-demo.apk"
echo "built $here/vigie-demo.apk"
