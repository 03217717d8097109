/**
 * Issue 9 item 6: every validation message names the value it rejects. One bad value per case, in
 * every kind of field (enums, ranges, types, patterns, names, labels, images, tolerations, targets):
 * the issue at that field must quote exactly what the file said.
 */
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/load.js';

interface Parts {
  readonly defaults?: string;
  readonly actorA?: string;
  readonly checks?: string;
  readonly top?: string;
}

function scenario({ defaults = '', actorA = '{namespace: ns1, labels: {app: a}}', checks = '    - {from: a, to: b:80, expect: allow}\n', top = 'apiVersion: kubeknock.dev/v1alpha1\nkind: Scenario\nmetadata: {name: t}\n' }: Parts): string {
  return `${top}spec:
${defaults ? `  defaults:\n${defaults}` : ''}  actors:
    a: ${actorA}
    b: {namespace: ns1, labels: {app: b}, listen: [80]}
  checks:
${checks}`;
}

const check = (body: string): Parts => ({ checks: `    - ${body}\n` });
const pod = (body: string): Parts => ({ defaults: `    pod:\n      ${body}\n` });

interface Case {
  readonly field: string;
  readonly parts: Parts;
  readonly path: string;
  /** As it must appear in the message: JSON for strings, plain for numbers. */
  readonly shown: string;
}

const cases: readonly Case[] = [
  { field: 'expect', parts: check('{from: a, to: b:80, expect: sometimes}'), path: 'spec.checks[0].expect', shown: '"sometimes"' },
  { field: 'kind', parts: check('{from: a, to: b:80, kind: sctp, expect: allow}'), path: 'spec.checks[0].kind', shown: '"sctp"' },
  { field: 'except expect', parts: check('{from: a, to: b:80, expect: allow, except: [{from: a, to: "b:80", expect: nope}]}'), path: 'spec.checks[0].except[0].expect', shown: '"nope"' },
  { field: 'per-check attempts below range', parts: check('{from: a, to: b:80, expect: allow, attempts: 0}'), path: 'spec.checks[0].attempts', shown: '0' },
  { field: 'per-check timeout above range', parts: check('{from: a, to: b:80, expect: allow, timeoutSeconds: 86400}'), path: 'spec.checks[0].timeoutSeconds', shown: '86400' },
  { field: 'check name empty', parts: check('{name: "", from: a, to: b:80, expect: allow}'), path: 'spec.checks[0].name', shown: '""' },
  { field: 'target ref string', parts: check('{from: a, to: "B:80", expect: allow}'), path: 'spec.checks[0].to', shown: '"B:80"' },
  { field: 'service via', parts: check('{from: a, to: {service: api, namespace: ns1, port: 80, via: ip}, expect: allow}'), path: 'spec.checks[0].to.via', shown: '"ip"' },
  { field: 'port out of range', parts: check('{from: a, to: {host: 203.0.113.1, port: 70000}, expect: deny}'), path: 'spec.checks[0].to.port', shown: '70000' },
  { field: 'pods select', parts: check('{from: a, to: {pods: {namespace: ns1, matchLabels: {app: b}}, port: 80, select: all}, expect: allow}'), path: 'spec.checks[0].to.select', shown: '"all"' },
  { field: 'host', parts: check('{from: a, to: {host: "a b", port: 80}, expect: deny}'), path: 'spec.checks[0].to', shown: '"a b"' },
  { field: 'dns name', parts: check('{from: a, dns: "bad_name!", expect: allow}'), path: 'spec.checks[0].dns', shown: '"bad_name!"' },
  { field: 'dns server', parts: check('{from: a, to: {dns: kubernetes.default., server: dns.local}, expect: allow}'), path: 'spec.checks[0].to', shown: '"dns.local"' },
  { field: 'url scheme', parts: check('{from: a, url: "ftp://x/", expect: deny}'), path: 'spec.checks[0].url', shown: '"ftp://x/"' },
  { field: 'matchLabels value', parts: check('{from: a, to: {pods: {namespace: ns1, matchLabels: {app: "a b"}}, port: 80}, expect: allow}'), path: 'spec.checks[0].to', shown: '"a b"' },
  { field: 'matchExpressions key', parts: check('{from: a, to: {pods: {namespace: ns1, matchExpressions: [{key: "Bad.Prefix/app", operator: Exists}]}, port: 80}, expect: allow}'), path: 'spec.checks[0].to', shown: '"Bad.Prefix/app"' },
  { field: 'matchExpressions operator', parts: check('{from: a, to: {pods: {namespace: ns1, matchExpressions: [{key: app, operator: Equals, values: [a]}]}, port: 80}, expect: allow}'), path: 'spec.checks[0].to.pods.matchExpressions[0].operator', shown: '"Equals"' },
  { field: 'matchExpressions value', parts: check('{from: a, to: {pods: {namespace: ns1, matchExpressions: [{key: app, operator: In, values: ["a,b"]}]}, port: 80}, expect: allow}'), path: 'spec.checks[0].to', shown: '"a,b"' },
  { field: 'actor namespace', parts: { actorA: '{namespace: Prod}' }, path: 'spec.actors.a.namespace', shown: '"Prod"' },
  { field: 'actor label key', parts: { actorA: '{namespace: ns1, labels: {"app!": a}}' }, path: 'spec.actors.a.labels.app!', shown: '"app!"' },
  { field: 'actor label value', parts: { actorA: '{namespace: ns1, labels: {app: "-a"}}' }, path: 'spec.actors.a.labels.app', shown: '"-a"' },
  { field: 'actor label value type', parts: { actorA: '{namespace: ns1, labels: {version: 2}}' }, path: 'spec.actors.a.labels.version', shown: '2' },
  { field: 'listen port name', parts: { actorA: '{namespace: ns1, listen: [{port: 80, name: "8080"}]}' }, path: 'spec.actors.a.listen[0].name', shown: '"8080"' },
  { field: 'serve type', parts: { actorA: '{namespace: ns1, serve: "yes"}' }, path: 'spec.actors.a.serve', shown: '"yes"' },
  { field: 'apiVersion', parts: { top: 'apiVersion: v1\nkind: Scenario\nmetadata: {name: t}\n' }, path: 'apiVersion', shown: '"v1"' },
  { field: 'kind', parts: { top: 'apiVersion: kubeknock.dev/v1alpha1\nkind: Pod\nmetadata: {name: t}\n' }, path: 'kind', shown: '"Pod"' },
  { field: 'metadata.name', parts: { top: 'apiVersion: kubeknock.dev/v1alpha1\nkind: Scenario\nmetadata: {name: My_Test}\n' }, path: 'metadata.name', shown: '"My_Test"' },
  { field: 'defaults timeoutSeconds', parts: { defaults: '    timeoutSeconds: 1e21\n' }, path: 'spec.defaults.timeoutSeconds', shown: '1e+21' },
  { field: 'defaults attempts', parts: { defaults: '    attempts: 1000\n' }, path: 'spec.defaults.attempts', shown: '1000' },
  { field: 'defaults concurrency type', parts: { defaults: '    concurrency: lots\n' }, path: 'spec.defaults.concurrency', shown: '"lots"' },
  { field: 'defaults settleSeconds', parts: { defaults: '    settleSeconds: -1\n' }, path: 'spec.defaults.settleSeconds', shown: '-1' },
  { field: 'defaults retryDelaySeconds', parts: { defaults: '    retryDelaySeconds: 1.5\n' }, path: 'spec.defaults.retryDelaySeconds', shown: '1.5' },
  { field: 'denyOutcomes item', parts: { defaults: '    denyOutcomes: [dropped]\n' }, path: 'spec.defaults.denyOutcomes[0]', shown: '"dropped"' },
  { field: 'pod deadlineSeconds', parts: pod('deadlineSeconds: 5'), path: 'spec.defaults.pod.deadlineSeconds', shown: '5' },
  { field: 'pod startTimeoutSeconds', parts: pod('startTimeoutSeconds: 99999'), path: 'spec.defaults.pod.startTimeoutSeconds', shown: '99999' },
  { field: 'pod imagePullPolicy', parts: pod('imagePullPolicy: Sometimes'), path: 'spec.defaults.pod.imagePullPolicy', shown: '"Sometimes"' },
  { field: 'pod image', parts: pod('image: "busybox;rm -rf /"'), path: 'spec.defaults.pod.image', shown: '"busybox;rm -rf /"' },
  { field: 'pod imagePullSecrets', parts: pod('imagePullSecrets: [Reg_Cred]'), path: 'spec.defaults.pod.imagePullSecrets[0]', shown: '"Reg_Cred"' },
  { field: 'pod nodeSelector key', parts: pod('nodeSelector: {"Kubernetes.io/os": linux}'), path: 'spec.defaults.pod.nodeSelector.Kubernetes.io/os', shown: '"Kubernetes.io/os"' },
  { field: 'pod nodeSelector value', parts: pod('nodeSelector: {kubernetes.io/os: "linux!"}'), path: 'spec.defaults.pod.nodeSelector.kubernetes.io/os', shown: '"linux!"' },
  { field: 'toleration operator', parts: pod('tolerations: [{key: k, operator: In}]'), path: 'spec.defaults.pod.tolerations[0].operator', shown: '"In"' },
  { field: 'toleration effect', parts: pod('tolerations: [{key: k, operator: Exists, effect: NoRun}]'), path: 'spec.defaults.pod.tolerations[0].effect', shown: '"NoRun"' },
  { field: 'toleration key', parts: pod('tolerations: [{key: "a b", operator: Exists}]'), path: 'spec.defaults.pod.tolerations[0].key', shown: '"a b"' },
  { field: 'toleration value', parts: pod('tolerations: [{key: k, operator: Equal, value: "x y"}]'), path: 'spec.defaults.pod.tolerations[0].value', shown: '"x y"' },
  { field: 'toleration seconds type', parts: pod('tolerations: [{key: k, operator: Exists, effect: NoExecute, tolerationSeconds: soon}]'), path: 'spec.defaults.pod.tolerations[0].tolerationSeconds', shown: '"soon"' },
];

describe('every validation message quotes the value it rejects', () => {
  it.each(cases)('$field', ({ parts, path, shown }) => {
    const result = parseScenario('s.yaml', scenario(parts));
    expect(result.ok, 'the scenario must be refused').toBe(false);
    if (result.ok) return;
    const atPath = result.issues.filter((issue) => issue.path === path);
    const all = result.issues.map((issue) => `${issue.path}: ${issue.message}`).join('\n');
    expect(atPath.length, `expected an issue at ${path}, got:\n${all}`).toBeGreaterThan(0);
    expect(atPath.some((issue) => issue.message.includes(shown)), `expected the issue at ${path} to quote ${shown}, got:\n${all}`).toBe(true);
  });
});
