/**
 * Issue 18, item 6.2: one parser for every address (scenario hosts, DNS servers, URLs and the policy
 * engine). The scenario's own pattern accepted `:::` and `1::2::3` and refused `::ffff:10.1.2.3` and
 * `64:ff9b::192.0.2.1`; `1.2.3` (which BusyBox nc resolves to 1.2.0.3) and `999.1.1.1` passed as
 * host names; a URL with port 0 passed.
 */
import { describe, expect, it } from 'vitest';
import { parseIp } from '../../src/model/ip-address.js';
import { hostProblem, isDnsName, isIP, urlProblem } from '../../src/scenario/strict-values.js';
import { parseScenario } from '../../src/scenario/load.js';

const ADDRESSES: [string, 4 | 6 | undefined][] = [
  ['10.1.2.3', 4],
  ['0.0.0.0', 4],
  ['255.255.255.255', 4],
  ['256.1.1.1', undefined],
  ['999.1.1.1', undefined],
  ['1.2.3', undefined],
  ['01.2.3.4', undefined],
  ['1.2.3.4.5', undefined],
  ['::', 6],
  ['::1', 6],
  ['fd00::10', 6],
  ['2001:db8:0:0:0:0:0:1', 6],
  ['::ffff:10.1.2.3', 6],
  ['64:ff9b::192.0.2.1', 6],
  [':::', undefined],
  ['1::2::3', undefined],
  ['1:2:3:4:5:6:7:8:9', undefined],
  ['1:2:3:4:5:6:7', undefined],
  ['12345::', undefined],
  ['::ffff:999.1.2.3', undefined],
  ['fe80::1%eth0', undefined],
];

describe('parseIp: the one address parser', () => {
  for (const [text, family] of ADDRESSES) {
    it(`${text} → ${family === undefined ? 'no address' : `IPv${family}`}`, () => {
      expect(parseIp(text)?.family).toBe(family);
      // The scenario's checks agree with the engine on every literal.
      expect(isIP(text)).toBe(family !== undefined);
    });
  }
});

describe('hosts and URLs', () => {
  const HOSTS: [string, boolean][] = [
    ['example.com', true],
    ['kubernetes.default.svc.cluster.local.', true],
    ['web-1', true],
    ['1.2.3', false],
    ['999.1.1.1', false],
    ['10.1.2.3', true],
    ['1e100.net', true],
    ['123', false],
  ];
  for (const [host, ok] of HOSTS) {
    it(`host ${host}: ${ok ? 'accepted' : 'refused'}`, () => {
      expect(hostProblem(host) === undefined).toBe(ok);
      if (!ok && /^[\d.]+$/.test(host)) expect(isDnsName(host)).toBe(false);
    });
  }

  const URLS: [string, string | undefined][] = [
    ['http://example.com/', undefined],
    ['http://[::ffff:10.1.2.3]:8080/', undefined],
    ['http://example.com:0/', '"http://example.com:0/": port 0 is no port a server listens on; write a port from 1 to 65535'],
    ['http://1.2.3/', '"1.2.3" is not an IPv4 address (four numbers from 0 to 255, e.g. 10.1.2.3) and a name of digits only is no DNS name'],
  ];
  for (const [url, problem] of URLS) {
    it(`url ${url}: ${problem === undefined ? 'accepted' : 'refused'}`, () => expect(urlProblem(url)).toBe(problem));
  }
});

describe('in a scenario', () => {
  const scenario = (targets: string): string => `apiVersion: kubeknock.dev/v1alpha1
kind: Scenario
metadata: {name: t}
spec:
  actors:
    a: {namespace: ns1}
  targets:
${targets}
  checks:
    - {from: a, to: [t1], expect: allow}
`;

  it('a DNS server written as an IPv4-mapped IPv6 address is accepted', () => {
    const result = parseScenario('s.yaml', scenario('    t1: {dns: example.com., server: "::ffff:10.96.0.10"}'));
    expect(result.ok ? [] : result.issues).toEqual([]);
  });

  it('a host "1.2.3" and a DNS server ":::" are refused, at the line of the check that uses them', () => {
    const result = parseScenario('s.yaml', `${scenario('    t1: {host: 1.2.3, port: 80}\n    t2: {dns: example.com., server: ":::"}')}    - {from: a, to: [t2], expect: allow}\n`);
    expect(result.ok).toBe(false);
    const messages = result.ok ? [] : result.issues.map((issue) => `${issue.file}:${issue.line} ${issue.message}`);
    expect(messages.some((m) => m.startsWith('s.yaml:11 ') && m.includes('"1.2.3" is not an IPv4 address'))).toBe(true);
    expect(messages.some((m) => m.startsWith('s.yaml:12 ') && m.includes('":::" must be the IP address of a DNS server'))).toBe(true);
  });
});

describe('a listen entry with a field it does not know', () => {
  it('names the field, its path and line (it said only "must be a port number or {port, protocol?, name?}")', () => {
    const text = `apiVersion: kubeknock.dev/v1alpha1
kind: Scenario
metadata: {name: t}
spec:
  actors:
    a: {namespace: ns1}
    b:
      namespace: ns1
      listen:
        - {port: 80, protocl: UDP}
  checks:
    - {from: a, to: b:80, expect: allow}
`;
    const result = parseScenario('s.yaml', text);
    expect(result.ok ? [] : result.issues.map((issue) => `${issue.file}:${issue.line} ${issue.path}: ${issue.message}`)).toEqual([
      's.yaml:10 spec.actors.b.listen[0].protocl: unknown field "protocl"; allowed here: port, protocol, name',
    ]);
  });
});
