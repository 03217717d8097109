import { describe, expect, it } from 'vitest';
import { buildCollectorPod, sampleCommand, COLLECTOR_CONTAINER } from '../../src/flows/collector.js';

const pod = buildCollectorPod({ namespace: 'kubeknock', node: 'kk-node2', runId: 'r1a2b3c4', image: 'docker.io/library/busybox:1.36.1', imagePullPolicy: 'IfNotPresent', imagePullSecrets: [], deadlineSeconds: 420 });
const spec = pod.spec as Record<string, unknown> & { containers: Record<string, unknown>[] };

describe('the collector pod', () => {
  it('asks for hostPID and root without any capability, and for nothing more', () => {
    expect(spec['hostPID']).toBe(true);
    expect(spec['hostNetwork']).toBeUndefined();
    expect(spec['hostIPC']).toBeUndefined();
    expect(spec['volumes']).toBeUndefined();
    expect(spec['automountServiceAccountToken']).toBe(false);
    expect(spec['securityContext']).toEqual({ runAsUser: 0, runAsGroup: 0, seccompProfile: { type: 'RuntimeDefault' } });
    expect(spec.containers).toHaveLength(1);
    expect(spec.containers[0]?.['securityContext']).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true });
    expect(spec.containers[0]?.['volumeMounts']).toBeUndefined();
  });

  it('is pinned to its node, carries the run id the sweep finds, and dies at its deadline', () => {
    expect(JSON.stringify(spec['affinity'])).toContain('"values":["kk-node2"]');
    expect(pod.metadata.labels['kubeknock.dev/run-id']).toBe('r1a2b3c4');
    expect(pod.metadata.labels['kubeknock.dev/role']).toBe('flow-collector');
    expect(spec['activeDeadlineSeconds']).toBe(420);
    expect(spec['restartPolicy']).toBe('Never');
    expect(spec.containers[0]?.['name']).toBe(COLLECTOR_CONTAINER);
    expect(spec.containers[0]?.['command']).toEqual(['sleep', '420']);
  });

  it('samples with the node name and the pod UIDs as arguments, never through a shell string', () => {
    const command = sampleCommand('kk-node2', ['uid-a', 'uid-b']);
    expect(command.slice(0, 4)).toEqual(['env', 'NODE=kk-node2', 'sh', '-c']);
    expect(command.slice(5)).toEqual(['kubeknock-sample', 'uid-a', 'uid-b']);
  });
});
