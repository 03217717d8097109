/**
 * `family` as the loader reads it: ids and labels of `both`, the default, and every contradiction
 * refused with its line and path.
 */
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/load.js';

/** The first check is on line 12. */
const scenario = (checks: string, defaults = ''): string => `apiVersion: kubeknock.dev/v1alpha1
kind: Scenario
metadata: {name: fam}
spec:
  defaults: {timeoutSeconds: 2${defaults}}
  actors:
    backend: {namespace: apps, labels: {app: backend}}
    db: {namespace: apps, labels: {app: db}, listen: [5432, {port: 5353, protocol: UDP}]}
  targets:
    api: {service: api, namespace: apps, port: 80}
  checks:
${checks}`;

function load(checks: string, defaults?: string) {
  const result = parseScenario('fam.yaml', scenario(checks, defaults));
  if (!result.ok) throw new Error(`expected a valid scenario, got ${JSON.stringify(result.issues)}`);
  return result.scenario;
}

function problems(checks: string, defaults?: string): string[] {
  const result = parseScenario('fam.yaml', scenario(checks, defaults));
  if (result.ok) throw new Error('expected the scenario to be refused');
  return result.issues.map((i) => `${i.line} ${i.path}: ${i.message}`);
}

describe('family on checks', () => {
  it('leaves a check without family exactly as before: no family, no label suffix, plain ids', () => {
    const s = load('    - {from: backend, to: db:5432, expect: allow}\n');
    expect(s.checks.map((c) => [c.id, c.toLabel, c.family, c.name])).toEqual([['c1', 'db:5432', undefined, 'backend → db:5432']]);
  });

  it('expands both into one check per family sharing a number, labelled by family, and numbers on after them', () => {
    const s = load(`    - {from: backend, to: db:5432, family: both, expect: allow}
    - {from: backend, to: db:5353, kind: udp, family: ipv6, expect: allow}
    - {from: backend, dns: api.apps.svc.cluster.local., family: both, expect: allow}
    - {from: backend, to: api, expect: allow, name: the api}
`);
    expect(s.checks.map((c) => [c.id, c.toLabel, c.family ?? '-', c.kind])).toEqual([
      ['c1@ipv4', 'db:5432 (ipv4)', 'ipv4', 'tcp'],
      ['c1@ipv6', 'db:5432 (ipv6)', 'ipv6', 'tcp'],
      ['c2', 'db:5353/udp (ipv6)', 'ipv6', 'udp'],
      ['c3@ipv4', 'dns:api.apps.svc.cluster.local. (ipv4)', 'ipv4', 'dns'],
      ['c3@ipv6', 'dns:api.apps.svc.cluster.local. (ipv6)', 'ipv6', 'dns'],
      ['c4', 'api', '-', 'tcp'],
    ]);
  });

  it('names both checks of a named entry after their family', () => {
    const s = load('    - {from: backend, to: db:5432, family: both, expect: allow, name: backend to db}\n');
    expect(s.checks.map((c) => c.name)).toEqual(['backend to db: backend → db:5432 (ipv4)', 'backend to db: backend → db:5432 (ipv6)']);
  });

  it('lets one cell be checked once per family, and refuses a family checked twice', () => {
    const s = load(`    - {from: backend, to: db:5432, family: ipv4, expect: allow}
    - {from: backend, to: db:5432, family: ipv6, expect: deny}
`);
    expect(s.checks.map((c) => [c.id, c.expect])).toEqual([['c1', 'allow'], ['c2', 'deny']]);
    expect(problems(`    - {from: backend, to: db:5432, family: both, expect: allow}
    - {from: backend, to: db:5432, family: ipv6, expect: deny}
`)).toEqual(['13 spec.checks[1]: backend → db:5432 (ipv6) (tcp) is already checked at spec.checks[0]; remove one']);
  });

  it('applies an except cell (named without the family) to both families', () => {
    const s = load('    - {from: [backend, db], to: [db:5432, api], family: both, expect: deny, except: [{from: backend, to: db:5432, expect: allow}]}\n');
    expect(s.checks.filter((c) => c.from === 'backend').map((c) => [c.id, c.toLabel, c.expect])).toEqual([
      ['c1@ipv4', 'db:5432 (ipv4)', 'allow'],
      ['c1@ipv6', 'db:5432 (ipv6)', 'allow'],
      ['c2@ipv4', 'api (ipv4)', 'deny'],
      ['c2@ipv6', 'api (ipv6)', 'deny'],
    ]);
  });

  it('accepts a literal host or URL of the family asked for', () => {
    const s = load(`    - {from: backend, to: {host: "fd00:10:96::a", port: 53}, family: ipv6, expect: allow}
    - {from: backend, url: "http://[fd00:10:96::b]:8080/", family: ipv6, expect: allow}
    - {from: backend, to: {host: 10.96.0.10, port: 53}, family: ipv4, expect: allow}
`);
    expect(s.checks.map((c) => [c.toLabel, c.family])).toEqual([
      ['fd00:10:96::a:53 (ipv6)', 'ipv6'],
      ['http://[fd00:10:96::b]:8080/ (ipv6)', 'ipv6'],
      ['10.96.0.10:53 (ipv4)', 'ipv4'],
    ]);
  });

  it('refuses every contradiction, and a family kubeknock cannot choose, at the line of the check', () => {
    expect(
      problems(`    - {from: backend, to: {host: 10.96.0.10, port: 53}, family: ipv6, expect: allow}
    - {from: backend, url: "http://[fd00::1]/", family: ipv4, expect: allow}
    - {from: backend, to: {host: example.com, port: 443}, family: ipv6, expect: allow}
    - {from: backend, url: "http://example.com/", family: ipv4, expect: allow}
    - {from: backend, to: {host: "fd00:10:96::a", port: 53}, family: both, expect: allow}
    - {from: backend, to: db:5432, family: ipv5, expect: allow}
`),
    ).toEqual([
      '17 spec.checks[5].family: "ipv5" must be one of: "ipv4", "ipv6", "both"',
      '12 spec.checks[0].family: 10.96.0.10:53: family: ipv6 contradicts 10.96.0.10, an IPv4 address; write an IPv6 address, or "family: ipv4"',
      '13 spec.checks[1].family: http://[fd00::1]/: family: ipv4 contradicts fd00::1, an IPv6 address; write an IPv4 address, or "family: ipv6"',
      '14 spec.checks[2].family: example.com:443: family: ipv6 needs an address kubeknock picks, and "example.com" is a name the probe resolves itself (BusyBox nc and wget cannot be told a family); write the IP address of the family you mean, or remove "family"',
      '15 spec.checks[3].family: http://example.com/: family: ipv4 needs an address kubeknock picks, and "example.com" is a name the probe resolves itself (BusyBox nc and wget cannot be told a family); write the IP address of the family you mean, or remove "family"',
      '16 spec.checks[4].family: fd00:10:96::a:53: family: both needs a target with an address of each family, and fd00:10:96::a is an IPv6 address; write one check per address, or remove "family"',
    ]);
  });
});

describe('family in defaults', () => {
  it('applies to checks whose address kubeknock picks; a check says its own; hosts and URLs keep their literal', () => {
    const s = load(
      `    - {from: backend, to: db:5432, expect: allow}
    - {from: backend, to: api, family: ipv4, expect: allow}
    - {from: backend, to: {host: 10.96.0.10, port: 53}, expect: allow}
    - {from: backend, url: "http://example.com/", expect: allow}
`,
      ', family: both',
    );
    expect(s.defaults.family).toBe('both');
    expect(s.checks.map((c) => [c.id, c.toLabel, c.family ?? '-'])).toEqual([
      ['c1@ipv4', 'db:5432 (ipv4)', 'ipv4'],
      ['c1@ipv6', 'db:5432 (ipv6)', 'ipv6'],
      ['c2', 'api (ipv4)', 'ipv4'],
      ['c3', '10.96.0.10:53', '-'],
      ['c4', 'http://example.com/', '-'],
    ]);
  });

  it('is refused when it is no family', () => {
    expect(problems('    - {from: backend, to: db:5432, expect: allow}\n', ', family: dual')).toEqual([
      '5 spec.defaults.family: "dual" must be one of: "ipv4", "ipv6", "both"',
    ]);
  });
});
