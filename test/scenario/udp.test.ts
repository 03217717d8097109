/**
 * UDP listen ports and `kind: udp` checks as the loader reads them: what is accepted, and each
 * refusal word for word, with its line and path.
 */
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/load.js';

/** Actors on lines 6–8; the first check is on line 12 (after `targets`, lines 9–10). */
const scenario = (checks: string, cache = 'listen: [8080, {port: 5353, protocol: UDP, name: dns-alt}, {port: 8080, protocol: UDP}]'): string => `apiVersion: kubeknock.dev/v1alpha1
kind: Scenario
metadata: {name: udp}
spec:
  actors:
    client: {namespace: apps, labels: {app: client}}
    cache: {namespace: apps, labels: {app: cache}, ${cache}}
    web: {namespace: apps, labels: {app: web}, listen: [80]}
  targets:
    alt: {actor: cache, port: 5353}
  checks:
${checks}`;

describe('udp listen ports and udp checks that load', () => {
  it('reads the listen forms, labels UDP columns apart from TCP ones, and keeps the target an actor', () => {
    const result = parseScenario(
      'udp.yaml',
      scenario(`    - {from: client, to: [cache:8080, alt], kind: udp, expect: allow}
    - {from: client, to: cache:8080, expect: deny}
    - {from: client, to: cache:5353, kind: udp, expect: policy, name: dns-alt}
`),
    );
    if (!result.ok) throw new Error(`expected a valid scenario, got ${JSON.stringify(result.issues)}`);
    expect(result.scenario.actors.get('cache')?.listen).toEqual([
      { port: 8080, protocol: 'TCP' },
      { port: 5353, protocol: 'UDP', name: 'dns-alt' },
      { port: 8080, protocol: 'UDP' },
    ]);
    expect(result.scenario.checks.map((c) => [c.toLabel, c.kind, c.expect, c.to])).toEqual([
      ['cache:8080/udp', 'udp', 'allow', { type: 'actor', actor: 'cache', port: 8080 }],
      ['alt', 'udp', 'allow', { type: 'actor', actor: 'cache', port: 5353 }],
      ['cache:8080', 'tcp', 'deny', { type: 'actor', actor: 'cache', port: 8080 }],
      ['cache:5353/udp', 'udp', 'policy', { type: 'actor', actor: 'cache', port: 5353 }],
    ]);
  });

  it('picks the one UDP port of an actor named without a port, and except cells name the UDP label', () => {
    const result = parseScenario(
      'udp.yaml',
      scenario('    - {from: [client, web], to: cache, kind: udp, expect: allow, except: [{from: web, to: cache:5353/udp, expect: deny}]}\n', 'listen: [8080, {port: 5353, protocol: UDP}]'),
    );
    if (!result.ok) throw new Error(`expected a valid scenario, got ${JSON.stringify(result.issues)}`);
    expect(result.scenario.checks.map((c) => `${c.from} → ${c.toLabel} ${c.expect}`)).toEqual(['client → cache:5353/udp allow', 'web → cache:5353/udp deny']);
  });
});

interface Refusal {
  readonly name: string;
  readonly yaml: string;
  /** Exactly the issues, as `line path: message`. */
  readonly issues: readonly string[];
}

const GO_ELSEWHERE =
  'an unanswered datagram proves nothing against a peer kubeknock does not control (it may simply never reply); target an actor that listens on the port with "protocol: UDP" (listen: [{port: PORT, protocol: UDP}]), or check a DNS server with a dns check ("dns: NAME")';

const REFUSALS: readonly Refusal[] = [
  {
    name: 'a udp check on a TCP-only port',
    yaml: scenario('    - {from: client, to: web:80, kind: udp, expect: allow}\n'),
    issues: ['12 spec.checks[0].to: actor "web" listens on 80 over TCP only; a udp check needs a UDP listen port: add {port: 80, protocol: UDP} to its "listen"'],
  },
  {
    name: 'a udp check on a port the actor does not serve at all',
    yaml: scenario('    - {from: client, to: cache:9999, kind: udp, expect: allow}\n'),
    issues: ['12 spec.checks[0].to: actor "cache" does not listen on UDP port 9999; add {port: 9999, protocol: UDP} to its "listen" (now: 8080, 5353/udp, 8080/udp)'],
  },
  {
    name: 'a udp check on an actor with no UDP port, port left out',
    yaml: scenario('    - {from: client, to: web, kind: udp, expect: allow}\n'),
    issues: ['12 spec.checks[0].to: actor "web" listens on no UDP port (now: 80); a udp check needs one: add {port: PORT, protocol: UDP} to its "listen"'],
  },
  {
    name: 'a udp check on an actor with two UDP ports, port left out',
    yaml: scenario('    - {from: client, to: cache, kind: udp, expect: allow}\n'),
    issues: ['12 spec.checks[0].to: actor "cache" listens on 5353, 8080 (UDP): name the port, e.g. "cache:5353"'],
  },
  {
    name: 'a tcp check on a UDP-only port',
    yaml: scenario('    - {from: client, to: cache:5353, expect: allow}\n'),
    issues: ['12 spec.checks[0].to: actor "cache" listens on 5353 over UDP only; write "kind: udp" to check it, or add 5353 to "listen" for TCP'],
  },
  {
    name: 'an http check on an actor whose only port is UDP, port left out',
    yaml: scenario('    - {from: client, to: cache, kind: http, expect: allow}\n', 'listen: [{port: 5353, protocol: UDP}]'),
    issues: ['12 spec.checks[0].to: actor "cache" listens on no TCP port (now: 5353/udp); add "listen: [PORT]" to it, or write "kind: udp" to check its UDP port'],
  },
  {
    name: 'a udp check against a host',
    yaml: scenario('    - {from: client, to: {host: 203.0.113.53, port: 53}, kind: udp, expect: allow}\n'),
    issues: [`12 spec.checks[0].kind: kind "udp" needs a responder kubeknock runs, and 203.0.113.53:53 is a host: ${GO_ELSEWHERE}`],
  },
  {
    name: 'a udp check against a Service',
    yaml: scenario('    - {from: client, to: {service: coredns, namespace: kube-system, port: 53}, kind: udp, expect: allow}\n'),
    issues: [`12 spec.checks[0].kind: kind "udp" needs a responder kubeknock runs, and svc/kube-system/coredns:53 is a Service: ${GO_ELSEWHERE}`],
  },
  {
    name: 'a udp check against pods',
    yaml: scenario('    - {from: client, to: {pods: {namespace: apps, matchLabels: {app: dns}}, port: 53}, kind: udp, expect: allow}\n'),
    issues: [`12 spec.checks[0].kind: kind "udp" needs a responder kubeknock runs, and pods/apps/app=dns:53 is a pods target: ${GO_ELSEWHERE}`],
  },
  {
    name: 'a udp check against a URL',
    yaml: scenario('    - {from: client, url: "http://203.0.113.9/", kind: udp, expect: allow}\n'),
    issues: [`12 spec.checks[0].kind: kind "udp" needs a responder kubeknock runs, and http://203.0.113.9/ is a URL: ${GO_ELSEWHERE}`],
  },
  {
    name: 'a udp check against a DNS name',
    yaml: scenario('    - {from: client, dns: kubernetes.default.svc.cluster.local., kind: udp, expect: allow}\n'),
    issues: [`12 spec.checks[0].kind: kind "udp" needs a responder kubeknock runs, and dns:kubernetes.default.svc.cluster.local. is a DNS name: ${GO_ELSEWHERE}`],
  },
  {
    name: 'a UDP port listed twice',
    yaml: scenario('    - {from: client, to: cache:8080, expect: allow}\n', 'listen: [8080, {port: 5353, protocol: UDP}, {port: 5353, protocol: UDP}]'),
    issues: ['7 spec.actors.cache.listen[2]: port 5353 (UDP) is listed twice'],
  },
  {
    name: 'an unknown protocol',
    yaml: scenario('    - {from: client, to: web:80, expect: allow}\n', 'listen: [{port: 5353, protocol: SCTP}]'),
    issues: ['7 spec.actors.cache.listen[0].protocol: "SCTP" must be one of: "TCP", "UDP"'],
  },
  {
    name: 'a protocol in lower case',
    yaml: scenario('    - {from: client, to: web:80, expect: allow}\n', 'listen: [{port: 5353, protocol: udp}]'),
    issues: ['7 spec.actors.cache.listen[0].protocol: "udp" must be one of: "TCP", "UDP"'],
  },
  {
    name: 'a TCP and a UDP port sharing a name',
    yaml: scenario('    - {from: client, to: web:80, expect: allow}\n', 'listen: [{port: 53, name: dns}, {port: 53, protocol: UDP, name: dns}]'),
    issues: ['7 spec.actors.cache.listen[1].name: port name "dns" is used twice; port names must be unique in a pod'],
  },
];

describe('udp refusals: each mistake, word for word, where it was written', () => {
  it.each(REFUSALS)('$name', ({ yaml, issues }) => {
    const result = parseScenario('udp.yaml', yaml);
    expect(result.ok, 'the scenario must be refused').toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => `${i.line} ${i.path}: ${i.message}`)).toEqual(issues);
  });
});
