#!/usr/bin/env python3
"""Checks the knowledge in data/ against itself and against Exodus' database.

  check_kb.py facts DATA_DIR
      Each SDK names a described vendor and cites its code facts; at least 90%
      of the entries list endpoint domains; SDK and vendor flags agree (an SDK
      in category data_broker has a vendor flagged data_broker, and a vendor
      so flagged has such an SDK); every vendor flag cites a third-party
      source, never one of the vendor's own sites.
  check_kb.py exodus DATA_DIR EXODUS_JSON
      Every tracker id of Exodus' database is covered by an entry. For each
      entry mapped to Exodus ids, every code package matches one of those
      trackers' code_signature (Python re.search over a class of the
      package, as Exodus matches), unless the entry says why not
      (code.exodus_note: a newer namespace Exodus does not know yet); and
      every domain matches one of their network_signatures, or is a parent
      domain of a host they name, unless the entry says why not
      (network.exodus_note).
      Exits 77 (skipped) when the database is absent.
  check_kb.py --self-test
      Shows each check refuses the mistake it is for.

Prints one line per problem; exit 1 when there is one.
"""
import json
import os
import re
import sys
from urllib.parse import urlparse


def host_of(url):
    return (urlparse(url).hostname or '').lower().removeprefix('www.')


def registrable(host):
    """The last two labels, or three under a two-letter second level (co.uk)."""
    labels = host.split('.')
    n = 3 if len(labels) >= 3 and len(labels[-2]) <= 3 and len(labels[-1]) == 2 else 2
    return '.'.join(labels[-n:])


def facts_problems(kb, vendors):
    out = []
    by_id = {v['id']: v for v in vendors['vendors']}
    sdks_of = {}
    for s in kb['sdks']:
        sdks_of.setdefault(s['vendor'], []).append(s)
        if s['vendor'] not in by_id:
            out.append(f"sdk {s['id']}: vendor {s['vendor']} is not described")
        if not s['code'].get('packages') and not s['code'].get('regex') and not s.get('notes'):
            out.append(f"sdk {s['id']}: no code packages, and no note saying why")
        if not s['sources'].get('code'):
            out.append(f"sdk {s['id']}: no source for its code facts")
        for kind, strings in s.get('strings', {}).items():
            for x in strings:
                if len(x) < 6:
                    out.append(f"sdk {s['id']}: strings.{kind} '{x}' is too short to be only this SDK's")
        for kind, fact in (('network', s['network'].get('domains') or s['network'].get('shared_domains')),
                           ('manifest', any(s['manifest'].values())), ('exodus_ids', s.get('exodus_ids')),
                           ('strings', any(s.get('strings', {}).values()))):
            if fact and not s['sources'].get(kind):
                out.append(f"sdk {s['id']}: {kind} facts without sources.{kind}")
    with_domains = sum(1 for s in kb['sdks'] if s['network'].get('domains') or s['network'].get('shared_domains'))
    if with_domains < 0.9 * len(kb['sdks']):
        out.append(f"only {with_domains} of {len(kb['sdks'])} entries list endpoint domains (at least 90% must)")
    for v in vendors['vendors']:
        own = {registrable(host_of(s['website'])) for s in sdks_of.get(v['id'], []) if s.get('website')}
        own |= {registrable(d) for s in sdks_of.get(v['id'], []) for d in s['network'].get('domains', [])}
        brokers = [s['id'] for s in sdks_of.get(v['id'], []) if 'data_broker' in s['categories']]
        if 'data_broker' in v.get('flags', []) and not brokers:
            out.append(f"vendor {v['id']}: flagged data_broker, but none of its SDKs is in category data_broker")
        if brokers and 'data_broker' not in v.get('flags', []):
            out.append(f"vendor {v['id']}: SDK {brokers[0]} is in category data_broker, but the vendor is not flagged")
        if v.get('flags'):
            third = [u for u in v.get('sources', {}).get('flags', []) if registrable(host_of(u)) not in own]
            if not third:
                out.append(f"vendor {v['id']}: flags {v['flags']} cite no third-party source")
    return out


def class_of(package):
    return package.replace('.', '/') + '/'


def signature_hosts(signature):
    """The literal hosts an Exodus network signature names ('api\\.x\\.com' -> 'api.x.com')."""
    for alt in signature.split('|'):
        host = re.sub(r'^(\^|\.\*)*\\?\.?', '', alt).replace('\\', '')
        if re.fullmatch(r'[A-Za-z0-9.-]+', host):
            yield host.lower()


def domain_agrees(domain, signatures):
    return any(re.search(n, domain) for n in signatures) or any(
        h == domain or h.endswith('.' + domain) for n in signatures for h in signature_hosts(n))


def exodus_problems(kb, trackers):
    out = []
    covered = set()
    for s in kb['sdks']:
        ids = s.get('exodus_ids', [])
        covered.update(ids)
        ts = [trackers[str(i)] for i in ids if str(i) in trackers]
        for i in ids:
            if str(i) not in trackers:
                out.append(f"sdk {s['id']}: Exodus has no tracker {i}")
        codes = [t['code_signature'] for t in ts if len(t['code_signature']) > 3]
        if codes and not s['code'].get('exodus_note'):
            for p in s['code'].get('packages', []):
                if not any(re.search(c, class_of(p)) for c in codes):
                    out.append(f"sdk {s['id']}: package {p} is outside the code_signature of Exodus {ids}")
        nets = [t['network_signature'] for t in ts if t['network_signature']]
        if nets and not s['network'].get('exodus_note'):
            for d in s['network'].get('domains', []) + s['network'].get('shared_domains', []):
                if not domain_agrees(d, nets):
                    out.append(f"sdk {s['id']}: domain {d} is outside the network_signature of Exodus {ids}, "
                               "and network.exodus_note does not say why")
    for i in sorted(set(trackers) - {str(c) for c in covered}, key=int):
        out.append(f"Exodus tracker {i} ({trackers[i]['name']}) is covered by no entry")
    return out


def self_test():
    def sdk(**kw):
        s = {'id': 'a', 'vendor': 'v', 'categories': ['analytics'], 'website': 'https://a.example',
             'exodus_ids': [], 'code': {'packages': ['com.a']}, 'network': {'domains': ['a.example']},
             'manifest': {}, 'sources': {'code': ['https://x.org'], 'network': ['https://x.org']}}
        s.update(kw)
        return s
    vendor = {'id': 'v', 'flags': [], 'sources': {'identity': ['https://x.org']}}
    ok = facts_problems({'sdks': [sdk()]}, {'vendors': [vendor]})
    assert ok == [], ok
    broker = facts_problems({'sdks': [sdk(categories=['location', 'data_broker'])]}, {'vendors': [vendor]})
    assert any('not flagged' in p for p in broker), broker
    own_site = dict(vendor, flags=['data_broker'], sources={'flags': ['https://www.a.example/about']})
    p = facts_problems({'sdks': [sdk(categories=['data_broker'])]}, {'vendors': [own_site]})
    assert any('no third-party' in x for x in p), p
    p = facts_problems({'sdks': [sdk(network={})]}, {'vendors': [vendor]})
    assert any('90%' in x for x in p), p
    p = facts_problems({'sdks': [sdk(strings={'preferences': ['a-sdk-prefs']})]}, {'vendors': [vendor]})
    assert any('strings facts without sources.strings' in x for x in p), p
    trackers = {'1': {'name': 'A', 'code_signature': 'com.a.sdk.', 'network_signature': 'a\\.example'},
                '2': {'name': 'B', 'code_signature': 'com.b.', 'network_signature': ''}}
    p = exodus_problems({'sdks': [sdk(exodus_ids=[1], code={'packages': ['com.a']})]}, trackers)
    assert any('com.a is outside' in x for x in p), p
    assert any('tracker 2' in x for x in p), p
    p = exodus_problems({'sdks': [sdk(exodus_ids=[1, 2], code={'packages': ['com.a.sdk', 'com.b']},
                                      network={'domains': ['b.example']})]}, trackers)
    assert p == ['sdk a: domain b.example is outside the network_signature of Exodus [1, 2], '
                 'and network.exodus_note does not say why'], p
    trackers['3'] = {'name': 'C', 'code_signature': 'com.c.', 'network_signature': 'api\\.c\\.example|.*\\.d\\.example'}
    p = exodus_problems({'sdks': [sdk(exodus_ids=[1, 2, 3], code={'packages': ['com.c', 'com.new']},
                                      network={'domains': ['c.example', 'd.example', 'api.c.example']})]}, trackers)
    assert p == ['sdk a: package com.new is outside the code_signature of Exodus [1, 2, 3]'], p
    p = exodus_problems({'sdks': [sdk(exodus_ids=[1, 2, 3], network={'domains': ['x.c.example']},
                                      code={'packages': ['com.new'], 'exodus_note': 'v2 moved'})]}, trackers)
    assert p == ['sdk a: domain x.c.example is outside the network_signature of Exodus [1, 2, 3], '
                 'and network.exodus_note does not say why'], p
    print('self-test ok')


def main(argv):
    if argv[1:] == ['--self-test']:
        self_test()
        return 0
    mode, data = argv[1], argv[2]
    kb = json.load(open(os.path.join(data, 'sdk_kb.json')))
    if mode == 'facts':
        problems = facts_problems(kb, json.load(open(os.path.join(data, 'vendors.json'))))
    else:
        if not os.path.exists(argv[3]):
            print(f'skipped: no Exodus database at {argv[3]} (the corpus is not beside the repository)')
            return 77
        problems = exodus_problems(kb, json.load(open(argv[3]))['trackers'])
    for p in problems:
        print(p)
    print(f'{len(problems)} problem(s) in {len(kb["sdks"])} entries')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
