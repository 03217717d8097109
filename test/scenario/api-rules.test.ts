/**
 * Issue 9 item 8: `validate` passed what the API server or the kubelet rejects, so preflight passed,
 * pods were created and failed. Each case is a scenario the cluster would refuse; it must be refused
 * at load, at the field, with the value quoted.
 */
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/load.js';

const scenario = ({ pod = '', actorA = '{namespace: ns1, labels: {app: a}}', to = 'b:80' }: { pod?: string; actorA?: string; to?: string }): string => `apiVersion: kubeknock.dev/v1alpha1
kind: Scenario
metadata: {name: t}
spec:
${pod ? `  defaults:\n    pod:\n${pod}` : ''}  actors:
    a: ${actorA}
    b: {namespace: ns1, labels: {app: b}, listen: [80, 81, 82]}
  checks:
    - {from: a, to: ${to}, expect: allow}
`;

const pods = (selector: string): string => `{pods: {namespace: ns1, ${selector}}, port: 80}`;

const REJECTED: readonly { name: string; yaml: string; path: string; message: RegExp }[] = [
  { name: 'label-key prefix with upper case', yaml: scenario({ actorA: '{namespace: ns1, labels: {"Example.com/app": a}}' }), path: 'spec.actors.a.labels.Example.com/app', message: /prefix "Example\.com" must be a DNS subdomain/ },
  { name: 'label-key prefix with a trailing dot', yaml: scenario({ actorA: '{namespace: ns1, labels: {"example.com./app": a}}' }), path: 'spec.actors.a.labels.example.com./app', message: /prefix "example\.com\." must be a DNS subdomain/ },
  { name: 'port name of digits only', yaml: scenario({ actorA: '{namespace: ns1, listen: [{port: 80, name: "8080"}]}' }), path: 'spec.actors.a.listen[0].name', message: /"8080" needs at least one letter/ },
  { name: 'port name with --', yaml: scenario({ actorA: '{namespace: ns1, listen: [{port: 80, name: "web--x"}]}' }), path: 'spec.actors.a.listen[0].name', message: /"web--x" must not start or end with '-' or contain '--'/ },
  { name: 'port name used twice', yaml: scenario({ actorA: '{namespace: ns1, listen: [{port: 80, name: web}, {port: 81, name: web}]}' }), path: 'spec.actors.a.listen[1].name', message: /"web" is used twice/ },
  { name: 'toleration value with Exists', yaml: scenario({ pod: '      tolerations: [{key: k, operator: Exists, value: v}]\n' }), path: 'spec.defaults.pod.tolerations[0].value', message: /"v" must be empty when the operator is "Exists"/ },
  { name: 'tolerationSeconds without NoExecute', yaml: scenario({ pod: '      tolerations: [{key: k, operator: Exists, effect: NoSchedule, tolerationSeconds: 60}]\n' }), path: 'spec.defaults.pod.tolerations[0].tolerationSeconds', message: /only applies to effect "NoExecute" \(effect is "NoSchedule"\)/ },
  { name: 'toleration key not a qualified name', yaml: scenario({ pod: '      tolerations: [{key: "node role", operator: Exists}]\n' }), path: 'spec.defaults.pod.tolerations[0].key', message: /key "node role"/ },
  { name: 'toleration without key and not Exists', yaml: scenario({ pod: '      tolerations: [{operator: Equal, value: x}]\n' }), path: 'spec.defaults.pod.tolerations[0].operator', message: /with no key the operator must be "Exists"/ },
  { name: 'image with upper case', yaml: scenario({ pod: '      image: "BusyBox:1.36"\n' }), path: 'spec.defaults.pod.image', message: /"BusyBox:1\.36": the repository path must be lower case/ },
  { name: 'image with an empty tag', yaml: scenario({ pod: '      image: "busybox:"\n' }), path: 'spec.defaults.pod.image', message: /"busybox:" ends with ':' and has no tag/ },
  { name: 'image with shell characters', yaml: scenario({ pod: '      image: "busybox;rm -rf /"\n' }), path: 'spec.defaults.pod.image', message: /"busybox;rm -rf \/" is not an image reference/ },
  { name: 'image pull secret not a Secret name', yaml: scenario({ pod: '      imagePullSecrets: ["reg_cred"]\n' }), path: 'spec.defaults.pod.imagePullSecrets[0]', message: /"reg_cred" must be a DNS subdomain/ },
  { name: 'nodeSelector key with upper-case prefix', yaml: scenario({ pod: '      nodeSelector: {"Node.io/pool": a}\n' }), path: 'spec.defaults.pod.nodeSelector.Node.io/pool', message: /prefix "Node\.io"/ },
  { name: 'matchExpressions In without values', yaml: scenario({ to: pods('matchExpressions: [{key: app, operator: In}]') }), path: 'spec.checks[0].to', message: /matchExpressions\[0\]\.values: operator "In" needs at least one value/ },
  { name: 'matchExpressions Exists with values', yaml: scenario({ to: pods('matchExpressions: [{key: app, operator: Exists, values: [a]}]') }), path: 'spec.checks[0].to', message: /operator "Exists" takes no values \(got "a"\)/ },
  { name: 'matchExpressions key not a qualified name', yaml: scenario({ to: pods('matchExpressions: [{key: "app,tier", operator: Exists}]') }), path: 'spec.checks[0].to', message: /matchExpressions\[0\]\.key: key "app,tier"/ },
  { name: 'matchExpressions value with a comma (it would split the selector string)', yaml: scenario({ to: pods('matchExpressions: [{key: app, operator: In, values: ["a,b"]}]') }), path: 'spec.checks[0].to', message: /value "a,b" must be empty or letters/ },
  { name: 'matchLabels value with a comma', yaml: scenario({ to: pods('matchLabels: {app: "a,tier=b"}') }), path: 'spec.checks[0].to', message: /value "a,tier=b"/ },
  { name: 'matchLabels: {}', yaml: scenario({ to: pods('matchLabels: {}') }), path: 'spec.checks[0].to', message: /an empty selector would probe every pod of the namespace/ },
  { name: 'matchExpressions: []', yaml: scenario({ to: pods('matchExpressions: []') }), path: 'spec.checks[0].to', message: /an empty selector would probe every pod of the namespace/ },
];

describe('scenarios the API server or the kubelet would reject are refused at load', () => {
  it.each(REJECTED)('$name', ({ yaml, path, message }) => {
    const result = parseScenario('s.yaml', yaml);
    expect(result.ok, 'the scenario must be refused').toBe(false);
    if (result.ok) return;
    const lines = result.issues.map((issue) => `${issue.path}: ${issue.message}`);
    expect(result.issues.some((issue) => issue.path === path && message.test(issue.message)), `expected ${path}: ${message}, got:\n${lines.join('\n')}`).toBe(true);
  });

  it('accepts the forms the API does accept', () => {
    const result = parseScenario(
      's.yaml',
      scenario({
        pod: [
          '      image: registry.example:5000/team/busybox:1.36.1',
          '      imagePullSecrets: [reg.cred, other]',
          '      nodeSelector: {kubernetes.io/os: linux, pool: ""}',
          '      tolerations: [{operator: Exists}, {key: example.com/gpu, operator: Equal, value: "true", effect: NoSchedule}, {key: k, operator: Exists, effect: NoExecute, tolerationSeconds: 30}]',
          '',
        ].join('\n'),
        actorA: '{namespace: ns1, labels: {example.com/App_Name: v1.2_x, empty: ""}, listen: [{port: 80, name: web-80}, {port: 81, name: metrics}]}',
        to: pods('matchLabels: {app: b}, matchExpressions: [{key: tier, operator: NotIn, values: [x, y]}, {key: example.com/canary, operator: DoesNotExist}]'),
      }),
    );
    if (!result.ok) throw new Error(`expected the scenario to load, got ${JSON.stringify(result.issues, null, 2)}`);
    expect(result.scenario.defaults.pod.imagePullSecrets).toEqual(['reg.cred', 'other']);
    expect(result.scenario.defaults.pod.tolerations).toHaveLength(3);
  });
});
