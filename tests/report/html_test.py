#!/usr/bin/env python3
"""`vigie scan --format html` in real Chromium (Debian's `chromium`,
headless): the page is self-contained (no script, no external resource),
opens with the verdict, draws the data flow as SVG with brokers and
countries of concern in red, lists every finding as an expandable element,
and shows hostile strings (an app label and a file name made of markup) as
text, never as markup. A screenshot goes to the artifact directory.
"""
import argparse
import html.parser
import json
import os
import shutil
import subprocess
import sys
import tempfile

HOSTILE_LABEL = "<script>alert(1)</script><img src=x onerror=alert(2)>"
HOSTILE_NAME = "\"><img src=x onerror=alert(3)>.apk"


def check(cond, why):
    if not cond:
        print(f"FAIL: {why}")
        sys.exit(1)
    print(f"ok   {why}")


class Elements(html.parser.HTMLParser):
    """Every start tag with its attributes, and the text of <style>."""

    def __init__(self):
        super().__init__()
        self.tags, self.style, self._in_style, self.text = [], "", False, []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.style += data
        self.text.append(data)


def chromium(*flags, page, profile):
    cmd = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
           f"--user-data-dir={profile}", *flags, "file://" + page]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vigie", required=True)
    ap.add_argument("--fixtures", required=True)
    ap.add_argument("--artifacts", required=True)
    args = ap.parse_args()
    tmp = tempfile.mkdtemp()
    try:
        # An app whose label is markup, built by aapt like the fixtures.
        manifest = os.path.join(tmp, "AndroidManifest.xml")
        label = HOSTILE_LABEL.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        with open(manifest, "w") as f:
            f.write('<?xml version="1.0" encoding="utf-8"?>\n<manifest xmlns:android='
                    '"http://schemas.android.com/apk/res/android" package="org.vigie.hostile">\n'
                    f'<application android:label="{label}"/></manifest>\n')
        hostile = os.path.join(tmp, HOSTILE_NAME)
        subprocess.run(["aapt", "package", "-f", "-M", manifest, "-I",
                        "/usr/share/android-framework-res/framework-res.apk", "-F", hostile],
                       check=True, capture_output=True)
        policy = os.path.join(tmp, "policy.json")
        with open(policy, "w") as f:
            json.dump({"deny": {"vendor_countries": ["RU"], "data_kinds": ["location"]}}, f)
        sdkapp = os.path.join(args.fixtures, "sdkapp.apk")
        page = os.path.join(tmp, "report.html")
        run = subprocess.run([args.vigie, "scan", "-f", "html", "-o", page, "--policy", policy,
                              "--policy-countries", "RU", sdkapp, hostile], capture_output=True)
        check(run.returncode == 5, f"the policy's verdict is the exit code (5), got {run.returncode}")
        with open(page, encoding="utf-8") as f:
            source = f.read()

        # Self-contained: nothing to fetch, nothing to run.
        parsed = Elements()
        parsed.feed(source)
        tags = [t for t, _ in parsed.tags]
        for banned in ("script", "link", "img", "iframe", "object", "embed", "base", "form"):
            check(banned not in tags, f"no <{banned}> element")
        attrs = {name for _, a in parsed.tags for name in a}
        check(not {"src", "href", "srcset", "action"} & attrs, f"no attribute that loads anything: {sorted(attrs)}")
        check(not any(name.startswith("on") for name in attrs), "no event handler attribute")
        check("url(" not in parsed.style and "@import" not in parsed.style, "the style loads nothing")
        csp = [a for t, a in parsed.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
        check(csp and "default-src 'none'" in csp[0]["content"], "a CSP forbids loading anything")
        check(HOSTILE_LABEL in "".join(parsed.text), "the hostile label is text")

        # What Chromium makes of it.
        profile = os.path.join(tmp, "profile")
        dom = chromium("--dump-dom", page=page, profile=profile).stdout
        rendered = Elements()
        rendered.feed(dom)
        rtags = [t for t, _ in rendered.tags]
        check("script" not in rtags and "img" not in rtags, "Chromium's DOM holds no script or image")
        sections = [a.get("id") for t, a in rendered.tags if t == "h2"]
        check(sections[:3] == ["verdict", "flow", "findings"], f"the verdict comes first: {sections[:6]}")
        check("policy" in sections and "sdks" in sections and "diagnostics" in sections, "then the evidence")
        text = "".join(rendered.text)
        check(HOSTILE_LABEL in text and HOSTILE_NAME in text, "Chromium shows the hostile strings as text")

        report = json.loads(subprocess.run([args.vigie, "scan", "-f", "json", "--policy-countries", "RU", sdkapp],
                                           capture_output=True).stdout)
        check(rtags.count("svg") == 2, "a data-flow picture per app")
        for s in report["sdks"]:
            check(s["name"][:30] in text, f"the picture names the SDK {s['name']}")
        for r in report["recipients"]:
            check(r["vendor"]["name"][:30] in text, f"and the vendor {r['vendor']['name']}")
        labels = sum(1 for d in rendered.text if d == "location, device_id")
        check(labels >= 3, f"the data X-Mode reads labels each edge it flows along, app to country ({labels})")
        red = [a.get("fill") for t, a in rendered.tags if t == "rect" and a.get("fill") == "#fde7e7"]
        check(len(red) >= 2, "the data broker and the country of concern are drawn red")
        other = json.loads(subprocess.run([args.vigie, "scan", "-f", "json", hostile], capture_output=True).stdout)
        findings = [a for t, a in rendered.tags if t == "details" and a.get("class") == "finding"]
        check(len(findings) == len(report["findings"]) + len(other["findings"]),
              f"every finding of both apps is expandable ({len(findings)})")
        check("location goes to a third party" in text, "the policy violation is listed")

        os.makedirs(args.artifacts, exist_ok=True)
        shot = os.path.join(args.artifacts, "report.png")
        chromium(f"--screenshot={shot}", "--window-size=1200,1600", page=page, profile=profile)
        with open(shot, "rb") as f:
            png = f.read()
        check(png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20000, f"a screenshot in {shot}")
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
