/**
 * Where pods resolve names: CoreDNS answers as `kube-system` pods labelled `k8s-app=kube-dns` in every
 * mainstream distribution. The engine's users (lint, discover, diff) judge DNS against the input's own
 * DNS pods, or against a stand-in with these labels and ports when the input holds none.
 */
import type { PodSpec } from './types.js';

export const DNS_NAMESPACE = 'kube-system';
export const DNS_LABELS = { 'k8s-app': 'kube-dns' } as const;
export const DNS_STAND_IN = 'cluster-dns';

/** The input's DNS pods (hostNetwork ones are never selected by a peer, so they cannot stand for it). */
export function isClusterDns(pod: PodSpec): boolean {
  return pod.namespace === DNS_NAMESPACE && pod.labels['k8s-app'] === DNS_LABELS['k8s-app'] && !pod.hostNetwork;
}

/** The stand-in: a CoreDNS-like pod serving UDP and TCP 53 under the names CoreDNS declares. */
export function dnsStandIn(name = DNS_STAND_IN): PodSpec {
  return {
    namespace: DNS_NAMESPACE,
    name,
    labels: DNS_LABELS,
    hostNetwork: false,
    containerPorts: [
      { name: 'dns', port: 53, protocol: 'UDP' },
      { name: 'dns-tcp', port: 53, protocol: 'TCP' },
    ],
    kind: 'Pod',
  };
}
