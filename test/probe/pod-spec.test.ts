import { describe, expect, it } from 'vitest';
import { NEVER_READY_CONDITION } from '../../src/model/labels.js';
import type { Actor } from '../../src/model/scenario.js';
import { buildProbePod } from '../../src/probe/pod-spec.js';
import { DEFAULTS } from '../../src/scenario/defaults.js';

const source = { file: 'f.yaml', line: 1, path: 'spec.actors.x' };
const actor = (over: Partial<Actor> = {}): Actor => ({ name: 'backend', namespace: 'production', labels: { app: 'backend' }, listen: [], serve: false, source, ...over });

type Json = Record<string, unknown>;
const spec = (a: Actor): Json => buildProbePod({ actor: a, scenarioName: 's', runId: 'r1', settings: DEFAULTS.pod }).spec as Json;
const container = (a: Actor): Json => ((spec(a).containers as Json[])[0] ?? {}) as Json;

describe('buildProbePod', () => {
  it('meets every Pod Security "restricted" requirement', () => {
    const s = spec(actor());
    const c = container(actor());
    // The restricted profile's checks, one by one.
    expect(s.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65534, seccompProfile: { type: 'RuntimeDefault' } });
    expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true });
    expect(s.hostNetwork ?? false).toBe(false);
    expect(s.hostPID ?? false).toBe(false);
    expect(JSON.stringify(s)).not.toContain('hostPath');
    expect(JSON.stringify(s)).not.toContain('privileged');
  });

  it('carries the actor namespace and labels plus the run bookkeeping, with generateName', () => {
    const pod = buildProbePod({ actor: actor(), scenarioName: 'lockdown', runId: 'r1', settings: DEFAULTS.pod });
    expect(pod.metadata).toMatchObject({
      namespace: 'production',
      generateName: 'kubeknock-backend-',
      labels: { app: 'backend', 'app.kubernetes.io/managed-by': 'kubeknock', 'kubeknock.dev/run-id': 'r1' },
      annotations: { 'kubeknock.dev/actor': 'backend', 'kubeknock.dev/scenario': 'lockdown' },
    });
  });

  it('has a dead man\'s switch, a short grace period and never becomes a Service endpoint', () => {
    const s = spec(actor());
    expect(s.activeDeadlineSeconds).toBe(DEFAULTS.pod.deadlineSeconds);
    expect(s.terminationGracePeriodSeconds).toBe(1);
    expect(s.restartPolicy).toBe('Never');
    expect(s.readinessGates).toEqual([{ conditionType: NEVER_READY_CONDITION }]);
    expect(s.automountServiceAccountToken).toBe(false);
  });

  it('lets serving actors become Ready through a probe on their first port, without the gate', () => {
    const a = actor({ serve: true, listen: [{ port: 8080, protocol: 'TCP' }] });
    expect(spec(a).readinessGates).toBeUndefined();
    expect(container(a).readinessProbe).toEqual({ tcpSocket: { port: 8080 }, periodSeconds: 2 });
  });

  it('declares listen ports (with names for named-port policies) and the sysctl only for ports below 1024', () => {
    const high = actor({ listen: [{ port: 5432, protocol: 'TCP', name: 'pg' }] });
    expect(container(high).ports).toEqual([{ containerPort: 5432, protocol: 'TCP', name: 'pg' }]);
    expect((spec(high).securityContext as Json).sysctls).toBeUndefined();
    const low = actor({ listen: [{ port: 80, protocol: 'TCP' }] });
    expect((spec(low).securityContext as Json).sysctls).toEqual([{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }]);
  });

  it('declares UDP ports as UDP (one number may be on both), keeps readiness on TCP, and asks the sysctl for a low UDP port', () => {
    const both = actor({ serve: true, listen: [{ port: 5353, protocol: 'UDP', name: 'dns-alt' }, { port: 5353, protocol: 'TCP' }, { port: 8080, protocol: 'TCP' }] });
    expect(container(both).ports).toEqual([
      { containerPort: 5353, protocol: 'UDP', name: 'dns-alt' },
      { containerPort: 5353, protocol: 'TCP' },
      { containerPort: 8080, protocol: 'TCP' },
    ]);
    expect(container(both).readinessProbe, 'a TCP probe cannot knock on a UDP port').toEqual({ tcpSocket: { port: 5353 }, periodSeconds: 2 });
    expect(container(actor({ serve: true, listen: [{ port: 5353, protocol: 'UDP' }] })).readinessProbe).toBeUndefined();
    expect((spec(actor({ listen: [{ port: 53, protocol: 'UDP' }] })).securityContext as Json).sysctls).toEqual([{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }]);
  });

  it('applies image, pull policy, pull secrets, node selector and tolerations', () => {
    const pod = buildProbePod({
      actor: actor(),
      scenarioName: 's',
      runId: 'r1',
      settings: { ...DEFAULTS.pod, image: 'registry.local/busybox:1.36.1', imagePullPolicy: 'Always', imagePullSecrets: ['regcred'], nodeSelector: { pool: 'probes' }, tolerations: [{ key: 'dedicated', operator: 'Exists' }] },
    });
    const s = pod.spec as Json;
    expect((s.containers as Json[])[0]).toMatchObject({ image: 'registry.local/busybox:1.36.1', imagePullPolicy: 'Always' });
    expect(s.imagePullSecrets).toEqual([{ name: 'regcred' }]);
    expect(s.nodeSelector).toEqual({ pool: 'probes' });
    expect(s.tolerations).toEqual([{ key: 'dedicated', operator: 'Exists' }]);
  });

  it('pins the chosen node through the scheduler, as a DaemonSet does: required node affinity on metadata.name, never spec.nodeName', () => {
    const pod = buildProbePod({ actor: actor(), scenarioName: 's', runId: 'r1', settings: DEFAULTS.pod, node: 'kk-node2' });
    const s = pod.spec as Json;
    expect(s.affinity).toEqual({
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['kk-node2'] }] }],
        },
      },
    });
    expect(s.nodeName).toBeUndefined();
    expect(s.nodeSelector).toBeUndefined();
  });

  it('without a chosen node: no affinity (the scheduler picks, as before placement)', () => {
    expect(spec(actor()).affinity).toBeUndefined();
  });

  it("keeps the user's nodeSelector beside the pin: defaults.pod.nodeSelector, the actor's own over it", () => {
    const placement = { type: 'nodeSelector' as const, labels: { 'topology.kubernetes.io/zone': 'b', pool: 'edge' }, source };
    const pod = buildProbePod({
      actor: actor({ placement }),
      scenarioName: 's',
      runId: 'r1',
      settings: { ...DEFAULTS.pod, nodeSelector: { 'kubernetes.io/os': 'linux', pool: 'probes' } },
      node: 'kk-node3',
    });
    const s = pod.spec as Json;
    expect(s.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux', pool: 'edge', 'topology.kubernetes.io/zone': 'b' });
    expect(JSON.stringify(s.affinity)).toContain('"values":["kk-node3"]');
  });
});
