import { describe, expect, it } from 'vitest';
import { detectCni } from '../../src/app/doctor-cni.js';
import type { SystemWorkload } from '../../src/model/doctor-port.js';

const ds = (namespace: string, name: string, ...images: string[]): SystemWorkload => ({ kind: 'DaemonSet', namespace, name, images });
const pod = (name: string, ...images: string[]): SystemWorkload => ({ kind: 'Pod', namespace: 'kube-system', name, images });

describe('detectCni', () => {
  it.each([
    ['calico', [ds('calico-system', 'calico-node', 'docker.io/calico/node:v3.28.0')], ['calico'], 'yes'],
    ['cilium', [ds('kube-system', 'cilium', 'quay.io/cilium/cilium:v1.16.0')], ['cilium'], 'yes'],
    ['weave', [ds('kube-system', 'weave-net', 'weaveworks/weave-kube:2.8.1', 'weaveworks/weave-npc:2.8.1')], ['weave'], 'yes'],
    ['antrea', [ds('kube-system', 'antrea-agent', 'antrea/antrea-agent-ubuntu:v2.1.0')], ['antrea'], 'yes'],
    ['kube-router', [ds('kube-system', 'kube-router', 'docker.io/cloudnativelabs/kube-router:v2.2.1')], ['kube-router'], 'yes'],
    ['kube-router as a static pod', [pod('kube-router-node-1', 'docker.io/cloudnativelabs/kube-router:v2.2.1')], ['kube-router'], 'yes'],
    ['flannel alone', [ds('kube-flannel', 'kube-flannel-ds', 'docker.io/flannel/flannel:v0.25.1')], ['flannel'], 'no'],
    [
      'canal (flannel + calico in one DaemonSet)',
      [ds('kube-system', 'canal', 'docker.io/calico/node:v3.28.0', 'docker.io/flannel/flannel:v0.25.1')],
      ['canal'],
      'yes',
    ],
    [
      'flannel plus a policy controller',
      [ds('kube-flannel', 'kube-flannel-ds', 'flannel/flannel:v0.25.1'), ds('kube-system', 'kube-network-policies', 'registry.k8s.io/networking/kube-network-policies:v0.6.0')],
      ['kube-network-policies', 'flannel'],
      'yes',
    ],
    ['kindnet', [ds('kube-system', 'kindnet', 'docker.io/kindest/kindnetd:v20240813')], ['kindnet'], 'depends'],
    ['nothing known', [pod('coredns-abc', 'registry.k8s.io/coredns/coredns:v1.11.3'), ds('kube-system', 'kube-proxy', 'registry.k8s.io/kube-proxy:v1.34.0')], [], 'unknown'],
  ] as const)('%s', (_name, workloads, names, enforcement) => {
    const report = detectCni(workloads);
    expect(report.findings.map((f) => f.name).sort()).toEqual([...names].sort());
    expect(report.enforcement).toBe(enforcement);
  });

  it('names its evidence', () => {
    expect(detectCni([ds('calico-system', 'calico-node', 'calico/node:v3')]).findings[0]?.evidence).toBe('calico-system/DaemonSet/calico-node');
  });
});
