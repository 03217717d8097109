/** ReplicaSet, Job and CronJob pod templates, hostNetwork and the controlling owner, as the decoder reads them. */
import { describe, expect, it } from 'vitest';
import { parseManifestText } from '../../src/scenario/read-manifests.js';
import { decodeObjects } from '../../src/policy/index.js';

function decode(text: string) {
  const parsed = parseManifestText(text, 'm.yaml');
  expect(parsed.issues, 'the YAML itself should parse').toEqual([]);
  return decodeObjects(parsed.objects);
}

describe('workload kinds beyond Deployment, StatefulSet and DaemonSet', () => {
  it('reads the pod template of a ReplicaSet, a Job and a CronJob (inside jobTemplate)', () => {
    const { inventory, issues } = decode(`apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: web-5d8f
  namespace: shop
  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, uid: u1, controller: true}]
spec:
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: batch/v1
kind: Job
metadata: {name: migrate, namespace: shop}
spec:
  template:
    metadata: {labels: {app: migrate}}
    spec: {restartPolicy: Never, containers: [{name: c}]}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: report, namespace: shop}
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        metadata: {labels: {app: report}}
        spec: {hostNetwork: true, containers: [{name: c, ports: [{containerPort: 9000, protocol: UDP}]}]}
`);
    expect(issues).toEqual([]);
    expect(inventory.pods.map((pod) => ({ name: pod.name, kind: pod.kind, labels: pod.labels, hostNetwork: pod.hostNetwork, ports: pod.containerPorts, owner: pod.owner }))).toEqual([
      { name: 'web-5d8f', kind: 'ReplicaSet', labels: { app: 'web' }, hostNetwork: false, ports: [{ name: 'http', port: 8080, protocol: 'TCP' }], owner: { kind: 'Deployment', name: 'web' } },
      { name: 'migrate', kind: 'Job', labels: { app: 'migrate' }, hostNetwork: false, ports: [], owner: undefined },
      { name: 'report', kind: 'CronJob', labels: { app: 'report' }, hostNetwork: true, ports: [{ port: 9000, protocol: 'UDP' }], owner: undefined },
    ]);
  });

  it('skips Job and CronJob of another API group, and reports a bad CronJob template with its line', () => {
    const { inventory, issues } = decode(`apiVersion: batch/v1beta1
kind: CronJob
metadata: {name: old}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: broken}
spec:
  jobTemplate:
    spec:
      template:
        metadata: {labels: {tier: 1}}
`);
    expect(inventory.pods.map((pod) => pod.name), 'the batch/v1beta1 CronJob is not read').toEqual(['broken']);
    expect(issues.map((issue) => `${issue.line}: ${issue.path}: ${issue.message}`)).toEqual([
      '12: spec.jobTemplate.spec.template.metadata.labels.tier: label value must be a string, found 1 (quote it)',
    ]);
  });

  it('ignores owner references that are not the controller', () => {
    const { inventory } = decode(`apiVersion: v1
kind: Pod
metadata:
  name: p
  ownerReferences: [{apiVersion: v1, kind: Node, name: n1, uid: u}]
spec: {containers: []}
`);
    expect(inventory.pods[0]?.owner).toBeUndefined();
  });
});
