/**
 * Planning with address families: which address each family's probe knocks on, what every result's
 * family says, and the error (never a failed or skipped check) when the cluster gives no address of
 * the family asked for.
 */
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../src/model/scenario.js';
import { actorsReachedOverIpv6, FamilyUnavailableError } from '../../src/probe/addresses.js';
import type { PodInfo, RunningPod, ServiceInfo } from '../../src/probe/cluster-port.js';
import { probeArgv } from '../../src/probe/commands.js';
import { planProbes, selectorKey, serviceKey, type TargetFacts } from '../../src/probe/plan.js';
import { parseScenario } from '../../src/scenario/load.js';

function load(checks: string): Scenario {
  const parsed = parseScenario(
    'fam.yaml',
    `apiVersion: kubeknock.dev/v1alpha1
kind: Scenario
metadata: {name: fam}
spec:
  actors:
    client: {namespace: apps, labels: {app: client}}
    db: {namespace: apps, labels: {app: db}, listen: [5432, {port: 5353, protocol: UDP}]}
  targets:
    api: {service: api, namespace: apps, port: 80}
    api-ip: {service: api, namespace: apps, port: 80, via: cluster-ip}
    workers: {pods: {namespace: apps, matchLabels: {app: worker}}, port: 7000}
  checks:
${checks}`,
  );
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.scenario;
}

const DUAL: ReadonlyMap<string, RunningPod> = new Map([
  ['client', { namespace: 'apps', name: 'kubeknock-client-a', ip: '10.244.1.5', ips: ['10.244.1.5', 'fd00:10:244:1::5'] }],
  ['db', { namespace: 'apps', name: 'kubeknock-db-b', ip: '10.244.2.6', ips: ['10.244.2.6', 'fd00:10:244:2::6'] }],
]);
const SINGLE: ReadonlyMap<string, RunningPod> = new Map([
  ['client', { namespace: 'apps', name: 'kubeknock-client-a', ip: '10.244.1.5', ips: ['10.244.1.5'] }],
  ['db', { namespace: 'apps', name: 'kubeknock-db-b', ip: '10.244.2.6', ips: ['10.244.2.6'] }],
]);
const API: ServiceInfo = { namespace: 'apps', name: 'api', clusterIP: '10.96.4.4', clusterIPs: ['10.96.4.4', 'fd00:10:96::4'], ports: [{ port: 80, protocol: 'TCP' }] };
const worker = (name: string, ips: string[]): PodInfo => ({ namespace: 'apps', name, labels: { app: 'worker' }, ip: ips[0] ?? '', ips, phase: 'Running', deleting: false });
const FACTS: TargetFacts = {
  services: new Map([[serviceKey('apps', 'api'), API]]),
  selectedPods: new Map([[selectorKey('apps', { matchLabels: { app: 'worker' } }), [worker('w1', ['10.244.3.1', 'fd00:10:244:3::1']), worker('w2', ['10.244.3.2', 'fd00:10:244:3::2'])]]]),
};

function rows(s: Scenario, pods = DUAL, facts = FACTS) {
  return [...planProbes(s, pods, facts, { clusterDomain: 'cluster.local' }).values()].flat().map((p) => [p.id, p.toLabel, p.address, p.family]);
}

describe('planning with families', () => {
  it('knocks on the primary address without a family, and records its family', () => {
    expect(rows(load('    - {from: client, to: [db:5432, api, api-ip], expect: allow}\n'))).toEqual([
      ['c1', 'db:5432', '10.244.2.6:5432', 'ipv4'],
      ['c2', 'api', 'api.apps.svc.cluster.local.:80', 'unspecified'],
      ['c3', 'api-ip', '10.96.4.4:80', 'ipv4'],
    ]);
  });

  it("knocks on each family's pod IP, ClusterIP (a Service by name too) and selected pods' IPs", () => {
    expect(rows(load('    - {from: client, to: [db:5432, api, api-ip, workers], family: both, expect: allow}\n'))).toEqual([
      ['c1@ipv4', 'db:5432 (ipv4)', '10.244.2.6:5432', 'ipv4'],
      ['c1@ipv6', 'db:5432 (ipv6)', '[fd00:10:244:2::6]:5432', 'ipv6'],
      ['c2@ipv4', 'api (ipv4)', '10.96.4.4:80', 'ipv4'],
      ['c2@ipv6', 'api (ipv6)', '[fd00:10:96::4]:80', 'ipv6'],
      ['c3@ipv4', 'api-ip (ipv4)', '10.96.4.4:80', 'ipv4'],
      ['c3@ipv6', 'api-ip (ipv6)', '[fd00:10:96::4]:80', 'ipv6'],
      ['c4@ipv4.1', 'pod/apps/w1:7000 (ipv4)', '10.244.3.1:7000', 'ipv4'],
      ['c4@ipv4.2', 'pod/apps/w2:7000 (ipv4)', '10.244.3.2:7000', 'ipv4'],
      ['c4@ipv6.1', 'pod/apps/w1:7000 (ipv6)', '[fd00:10:244:3::1]:7000', 'ipv6'],
      ['c4@ipv6.2', 'pod/apps/w2:7000 (ipv6)', '[fd00:10:244:3::2]:7000', 'ipv6'],
    ]);
  });

  it('builds the IPv6 commands BusyBox reads: a bare nc host, a bracketed URL and nslookup server, nslookup -type=aaaa', () => {
    const s = load(`    - {from: client, to: db:5432, family: ipv6, expect: allow}
    - {from: client, to: db:5432, kind: http, family: ipv6, expect: allow}
    - {from: client, to: db:5353, kind: udp, family: ipv6, expect: allow}
    - {from: client, dns: api.apps.svc.cluster.local., family: both, expect: allow}
`);
    const argv = [...planProbes(s, DUAL, FACTS, { clusterDomain: 'cluster.local' }).values()].flat().map((p) => [p.id, p.family, probeArgv(p.task).join(' ')]);
    expect(argv).toEqual([
      ['c1', 'ipv6', 'nc -z -vv -w 2 fd00:10:244:2::6 5432'],
      ['c2', 'ipv6', 'wget -q -Y off -T 2 -O /dev/null http://[fd00:10:244:2::6]:5432/'],
      ['c3', 'ipv6', 'nslookup -type=a -timeout=2 -retry=1 c3.kubeknock-client-a.kubeknock. [fd00:10:244:2::6]:5353'],
      ['c4@ipv4', 'ipv4', 'nslookup -type=a -timeout=2 -retry=2 api.apps.svc.cluster.local.'],
      ['c4@ipv6', 'ipv6', 'nslookup -type=aaaa -timeout=2 -retry=2 api.apps.svc.cluster.local.'],
    ]);
  });

  it('refuses, as an error naming the actor and saying the cluster is not dual-stack, a family a probe pod lacks', () => {
    const s = load('    - {from: client, to: db:5432, family: ipv6, expect: allow}\n');
    expect(() => rows(s, SINGLE)).toThrow(FamilyUnavailableError);
    expect(() => rows(s, SINGLE)).toThrow(
      'c1 (fam.yaml:13) asks for IPv6, but the probe pod of actor "db" (apps/kubeknock-db-b) has no IPv6 address (its addresses: 10.244.2.6): the cluster is not dual-stack, so it cannot be checked over IPv6; remove "family" or run it on a dual-stack cluster',
    );
  });

  it('refuses a family a Service lacks, saying it may be single-stack', () => {
    const single: TargetFacts = { ...FACTS, services: new Map([[serviceKey('apps', 'api'), { ...API, clusterIPs: ['10.96.4.4'] }]]) };
    expect(() => rows(load('    - {from: client, to: api, family: ipv6, expect: allow}\n'), DUAL, single)).toThrow(
      'c1 (fam.yaml:13) asks for IPv6, but Service apps/api has no IPv6 address (its addresses: 10.96.4.4): the cluster is not dual-stack, or the Service is single-stack (set spec.ipFamilyPolicy: PreferDualStack or RequireDualStack on it)',
    );
  });

  it('lists the actors some check reaches over IPv6, so only their pods listen on ::', () => {
    const s = load(`    - {from: client, to: db:5432, family: both, expect: allow}
    - {from: db, to: api, family: ipv6, expect: allow}
`);
    expect([...actorsReachedOverIpv6(s)]).toEqual(['db']);
    expect([...actorsReachedOverIpv6(load('    - {from: client, to: db:5432, expect: allow}\n'))]).toEqual([]);
  });

  it('counts the serving actors of the namespace of a Service reached over IPv6 (they may be its backends)', () => {
    const parsed = parseScenario(
      'svc.yaml',
      `apiVersion: kubeknock.dev/v1alpha1
kind: Scenario
metadata: {name: svc}
spec:
  actors:
    client: {namespace: apps, labels: {app: client}}
    db: {namespace: apps, labels: {app: db}, listen: [5432], serve: true}
    other: {namespace: elsewhere, labels: {app: db}, listen: [5432], serve: true}
    quiet: {namespace: apps, labels: {app: quiet}, listen: [5432]}
  checks:
    - {from: client, to: {service: db, namespace: apps, port: 5432}, family: both, expect: allow}
`,
    );
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    expect([...actorsReachedOverIpv6(parsed.scenario)]).toEqual(['db']);
  });
});
