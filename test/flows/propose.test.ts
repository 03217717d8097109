import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { factsOf, propose, renderNamespaceYaml, type NamespaceProposal, type ProposeOptions, type ProposedPolicy } from '../../src/flows/propose/index.js';
import type { Flow, FlowsDocument } from '../../src/flows/types.js';
import { inventoryOf, namespace, pod } from '../policy/builders.js';
import { external, flow, flowsDocument, node, workload } from '../support/flows.js';
import { analytics, backend, capturedObjects, coredns, obsdemoDocument, obsdemoFlows, pg, web } from './obsdemo.js';

function proposeOne(document: FlowsDocument, namespaceName: string, options: Partial<ProposeOptions> = {}): NamespaceProposal {
  const found = propose(document, { namespaces: [], ...options }).namespaces.find((one) => one.namespace === namespaceName);
  if (found === undefined) throw new Error(`expected a proposal for ${namespaceName}`);
  return found;
}

function yamlOf(proposal: NamespaceProposal, document: FlowsDocument): string {
  return renderNamespaceYaml(proposal, { flowsFile: 'flows.yaml', document });
}

/** The YAML as plain objects, the way kubectl would read it. */
function objectsOf(yaml: string): Array<{ metadata: { name: string }; spec: Record<string, unknown> }> {
  return parseAllDocuments(yaml)
    .map((document) => document.toJS() as { metadata: { name: string }; spec: Record<string, unknown> } | null)
    .filter((value): value is { metadata: { name: string }; spec: Record<string, unknown> } => value !== null);
}

function policyNamed(proposal: NamespaceProposal, name: string): ProposedPolicy {
  const found = proposal.policies.find((policy) => policy.name === name);
  if (found === undefined) throw new Error(`expected policy ${name}; got ${proposal.policies.map((policy) => policy.name).join(', ')}`);
  return found;
}

describe('propose: the policies of a namespace', () => {
  it('starts with a default deny of both directions and allows DNS on UDP AND TCP 53 to kube-system k8s-app=kube-dns', () => {
    const proposal = proposeOne(obsdemoDocument(), 'obsdemo');
    const [deny, dns] = objectsOf(yamlOf(proposal, obsdemoDocument()));
    expect(deny).toMatchObject({ metadata: { name: 'kubeknock-proposed-default-deny' }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } });
    expect(deny?.spec.ingress, 'a default deny has no rule').toBeUndefined();
    expect(dns).toMatchObject({ metadata: { name: 'kubeknock-proposed-dns' }, spec: { podSelector: {}, policyTypes: ['Egress'] } });
    expect(dns?.spec.egress).toEqual([
      {
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [
          { protocol: 'UDP', port: 53 },
          { protocol: 'TCP', port: 53 },
        ],
      },
    ]);
  });

  it('says where the DNS pods come from: the flows, the manifests, or assumed (and says so)', () => {
    expect(proposeOne(obsdemoDocument(), 'obsdemo').dns).toBe('those the flows show answering on port 53: kube-system/coredns');
    const noDns = flowsDocument([flow(backend, pg, 5432)], ['obsdemo']);
    expect(proposeOne(noDns, 'obsdemo').dns).toBe(
      "CoreDNS's usual ones (kube-system, k8s-app=kube-dns), ASSUMED: neither the flows nor any manifests (-f) or the cluster show the DNS pods; check their labels",
    );
    expect(proposeOne(noDns, 'obsdemo', { facts: factsOf(inventoryOf(capturedObjects()), 'the manifests') }).dns).toBe('the 1 pod in kube-system labelled k8s-app=kube-dns in the manifests');
  });

  it('covers DNS flows by the DNS policy alone (no per-workload egress to CoreDNS) and names them in its comment', () => {
    const proposal = proposeOne(obsdemoDocument(), 'obsdemo');
    const analyticsPolicy = policyNamed(proposal, 'kubeknock-proposed-analytics');
    expect(analyticsPolicy.egress.map((rule) => (rule.peer.type === 'pods' ? rule.peer.name : rule.peer.cidr))).toEqual(['obsdemo/postgres']);
    const dnsBecause = policyNamed(proposal, 'kubeknock-proposed-dns').egress[0]?.because ?? [];
    expect(dnsBecause).toEqual([
      'seen: obsdemo/analytics → kube-system/coredns 53/UDP via Service kube-system/kube-dns:53: 6 samples, IPv4, last seen 2026-12-07T19:47:55Z',
      'seen: obsdemo/backend → kube-system/coredns 53/UDP via Service kube-system/kube-dns:53: 2 samples, IPv4, last seen 2026-12-07T19:47:55Z',
    ]);
  });

  it('counts a DNS query seen only at the kube-dns Service address as DNS, also when the manifests resolve it to CoreDNS', () => {
    const flows = [flow(backend, undefined, 53, { protocol: 'UDP', via: { namespace: 'kube-system', name: 'kube-dns', port: 53 } })];
    const document = flowsDocument(flows, ['obsdemo']);
    for (const options of [{}, { facts: factsOf(inventoryOf(capturedObjects()), 'the manifests') }]) {
      const proposal = proposeOne(document, 'obsdemo', options);
      expect(proposal.policies.map((policy) => policy.name), 'no per-workload egress to CoreDNS').toEqual(['kubeknock-proposed-default-deny', 'kubeknock-proposed-dns']);
      expect(proposal.notCovered).toEqual([]);
      expect(policyNamed(proposal, 'kubeknock-proposed-dns').egress[0]?.because).toEqual([
        'seen: obsdemo/backend → an unknown backend 53/UDP via Service kube-system/kube-dns:53: 12 samples, IPv4, last seen 2026-12-07T19:47:55Z',
      ]);
    }
  });

  it('admits each workload from exactly its observed sources on the observed ports, by the destination\'s port name, with the flows as comments', () => {
    const proposal = proposeOne(obsdemoDocument(), 'obsdemo');
    const postgres = objectsOf(yamlOf(proposal, obsdemoDocument())).find((policy) => policy.metadata.name === 'kubeknock-proposed-postgres');
    expect(postgres?.spec).toEqual({
      podSelector: { matchLabels: { app: 'postgres' } },
      policyTypes: ['Ingress'],
      ingress: [
        { from: [{ podSelector: { matchLabels: { app: 'analytics' } } }], ports: [{ protocol: 'TCP', port: 'pg' }] },
        { from: [{ podSelector: { matchLabels: { app: 'backend' } } }], ports: [{ protocol: 'TCP', port: 'pg' }] },
      ],
    });
    const yaml = yamlOf(proposal, obsdemoDocument());
    expect(yaml).toContain('    # seen: obsdemo/backend → obsdemo/postgres 5432/TCP (pg): 12 samples, IPv4+IPv6, last seen 2026-12-07T19:47:55Z\n    - from:');
    const backendPolicy = objectsOf(yaml).find((policy) => policy.metadata.name === 'kubeknock-proposed-backend');
    expect(backendPolicy?.spec).toEqual({
      podSelector: { matchLabels: { app: 'backend' } },
      policyTypes: ['Egress'],
      egress: [
        { to: [{ podSelector: { matchLabels: { app: 'postgres' } } }], ports: [{ protocol: 'TCP', port: 'pg' }] },
        { to: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ protocol: 'TCP', port: 'http' }] },
      ],
    });
  });

  it('writes another namespace\'s workload as ONE peer with namespaceSelector AND podSelector (never two peers: that would be OR)', () => {
    const client = workload('shop/client', { app: 'client' });
    const document = flowsDocument([flow(client, pg, 5432, { portName: 'pg' })], ['obsdemo', 'shop']);
    const proposal = propose(document, { namespaces: [] });
    const [obsdemo, shop] = proposal.namespaces;
    const ingress = objectsOf(yamlOf(obsdemo as NamespaceProposal, document)).find((policy) => policy.metadata.name === 'kubeknock-proposed-postgres')?.spec.ingress;
    expect(ingress).toEqual([
      {
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } }, podSelector: { matchLabels: { app: 'client' } } }],
        ports: [{ protocol: 'TCP', port: 'pg' }],
      },
    ]);
    const egress = objectsOf(yamlOf(shop as NamespaceProposal, document)).find((policy) => policy.metadata.name === 'kubeknock-proposed-client')?.spec.egress;
    expect(egress).toEqual([
      {
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'obsdemo' } }, podSelector: { matchLabels: { app: 'postgres' } } }],
        ports: [{ protocol: 'TCP', port: 'pg' }],
      },
    ]);
  });

  it('takes a port name from the manifests when the flow has none, and the number when nobody declares one', () => {
    const document = flowsDocument([flow(backend, pg, 5432), flow(backend, web, 9090)], ['obsdemo']);
    const bare = policyNamed(proposeOne(document, 'obsdemo'), 'kubeknock-proposed-postgres');
    expect(bare.ingress[0]?.ports).toEqual([{ protocol: 'TCP', port: 5432 }]);
    const facts = factsOf(inventoryOf(capturedObjects()), 'the manifests');
    const withFacts = proposeOne(document, 'obsdemo', { facts });
    expect(policyNamed(withFacts, 'kubeknock-proposed-postgres').ingress[0]?.ports).toEqual([{ protocol: 'TCP', port: 'pg' }]);
    expect(policyNamed(withFacts, 'kubeknock-proposed-web').ingress[0]?.ports, 'web declares 8080 only: 9090 stays a number').toEqual([{ protocol: 'TCP', port: 9090 }]);
  });

  it('turns outside destinations into /32 and /128 ipBlocks (IPv6 in its short form), with a REVIEW comment', () => {
    const document = flowsDocument(
      [flow(backend, external('203.0.113.7'), 443), flow(backend, external('2001:0db8:0000:0000:0000:0000:0000:0010'), 443, { families: ['ipv6'] }), flow(external('198.51.100.9'), web, 8080)],
      ['obsdemo'],
    );
    const proposal = proposeOne(document, 'obsdemo');
    const yaml = yamlOf(proposal, document);
    const egress = objectsOf(yaml).find((policy) => policy.metadata.name === 'kubeknock-proposed-backend')?.spec.egress;
    expect(egress).toEqual([
      { to: [{ ipBlock: { cidr: '2001:db8::10/128' } }], ports: [{ protocol: 'TCP', port: 443 }] },
      { to: [{ ipBlock: { cidr: '203.0.113.7/32' } }], ports: [{ protocol: 'TCP', port: 443 }] },
    ]);
    const ingress = objectsOf(yaml).find((policy) => policy.metadata.name === 'kubeknock-proposed-web')?.spec.ingress;
    expect(ingress).toEqual([{ from: [{ ipBlock: { cidr: '198.51.100.9/32' } }], ports: [{ protocol: 'TCP', port: 8080 }] }]);
    expect(yaml).toContain('    # REVIEW: 203.0.113.7/32 is an address outside the cluster seen in the window');
  });

  it('writes no rule for flows from nodes (a pod\'s own node is always admitted) and says so; a flow to a node is listed as NOT COVERED', () => {
    const document = flowsDocument([flow(node('kk-node1'), pg, 5432, { portName: 'pg' }), flow(backend, node('kk-node2'), 10250)], ['obsdemo']);
    const proposal = proposeOne(document, 'obsdemo');
    expect(proposal.policies.map((policy) => policy.name)).toEqual(['kubeknock-proposed-default-deny', 'kubeknock-proposed-dns']);
    const yaml = yamlOf(proposal, document);
    expect(yaml).toContain('# Flows from nodes get no rule: a pod is always reachable from its own node');
    expect(yaml).toContain('#   seen: node kk-node1 → obsdemo/postgres 5432/TCP (pg)');
    expect(yaml).toContain('# NOT COVERED: 1 observed flow get no rule and will be cut unless you add one:\n#   obsdemo/backend → node kk-node2 10250/TCP');
  });

  it('lists a flow seen only at a Service address as NOT COVERED without manifests, and resolves it to the Service\'s pods and targetPort with them', () => {
    const flows = [flow(analytics, undefined, 5432, { via: { namespace: 'obsdemo', name: 'pg', port: 5432 } })];
    const document = flowsDocument(flows, ['obsdemo']);
    const alone = proposeOne(document, 'obsdemo');
    expect(alone.notCovered).toEqual([
      'obsdemo/analytics → an unknown backend 5432/TCP via Service obsdemo/pg:5432: 12 samples, IPv4, last seen 2026-12-07T19:47:55Z: its backend behind Service obsdemo/pg was not seen; give the manifests (-f) or --from-cluster to find the Service\'s pods',
    ]);
    const resolved = proposeOne(document, 'obsdemo', { facts: factsOf(inventoryOf(capturedObjects()), 'the manifests') });
    expect(resolved.notCovered).toEqual([]);
    expect(policyNamed(resolved, 'kubeknock-proposed-postgres').ingress.map((rule) => [rule.peer.type === 'pods' ? rule.peer.name : '', rule.ports])).toEqual([
      ['obsdemo/analytics', [{ protocol: 'TCP', port: 'pg' }]],
    ]);
  });

  it('is deterministic: the same flows in another order give the same bytes', () => {
    const flows = obsdemoFlows();
    const shuffled: Flow[] = [flows[3], flows[0], flows[4], flows[2], flows[1]].filter((one): one is Flow => one !== undefined);
    expect(yamlOf(proposeOne(flowsDocument(shuffled, ['obsdemo']), 'obsdemo'), obsdemoDocument())).toBe(yamlOf(proposeOne(obsdemoDocument(), 'obsdemo'), obsdemoDocument()));
  });

  it('writes only the selected namespaces (-n)', () => {
    const client = workload('shop/client', { app: 'client' });
    const document = flowsDocument([flow(client, pg, 5432)], ['obsdemo', 'shop']);
    const proposal = propose(document, { namespaces: ['shop'] });
    expect(proposal.namespaces.map((one) => one.namespace)).toEqual(['shop']);
    expect(proposal.namespaces[0]?.policies.map((policy) => policy.name)).toEqual(['kubeknock-proposed-default-deny', 'kubeknock-proposed-dns', 'kubeknock-proposed-client']);
  });

  it('says in the header where the flows came from and that the policies must be reviewed', () => {
    const yaml = yamlOf(proposeOne(obsdemoDocument(), 'obsdemo'), obsdemoDocument());
    expect(yaml.split('\n').slice(0, 4)).toEqual([
      '# NetworkPolicies for namespace obsdemo, PROPOSED by `kubeknock propose` from flows.yaml:',
      '#   cluster https://10.250.0.1:6443, window 2026-12-07T19:47:00Z to 2026-12-07T19:48:00Z sampled every 5 s (completed); 5 observed flows with an end in obsdemo.',
      '# REVIEW BEFORE APPLYING. They allow what was seen in that window and deny everything else: traffic the window',
      "# did not see (a nightly job, a failover, an operator's tool) will be cut.",
    ]);
  });
});

describe('propose: which labels select a workload', () => {
  const selectorOf = (proposal: NamespaceProposal, name: string): unknown => policyNamed(proposal, name).podSelector;

  it('leaves out pod-template-hash and says why', () => {
    const document = flowsDocument([flow(backend, coredns, 9153)], ['kube-system', 'obsdemo']);
    const proposal = proposeOne(document, 'kube-system');
    expect(selectorOf(proposal, 'kubeknock-proposed-coredns')).toEqual({ matchLabels: { 'k8s-app': 'kube-dns' }, doesNotExist: [] });
    expect(proposal.selectors.find((choice) => choice.namespace === 'kube-system')?.reason).toBe(
      'its only stable label, and it selects it alone among the 1 workload of kube-system known from the flows; left out pod-template-hash (set per ReplicaSet: changes with every Deployment rollout)',
    );
  });

  it('chooses the fewest labels that select the workload alone among the namespace\'s workloads, preferring app', () => {
    const api = workload('shop/api', { app: 'api', tier: 'backend', team: 'core' });
    const worker = workload('shop/worker', { app: 'api', tier: 'worker', team: 'core' });
    const front = workload('shop/front', { app: 'front', tier: 'frontend', team: 'core' });
    const document = flowsDocument([flow(front, api, 80), flow(api, worker, 81)], ['shop']);
    const proposal = proposeOne(document, 'shop');
    expect(selectorOf(proposal, 'kubeknock-proposed-front')).toEqual({ matchLabels: { app: 'front' }, doesNotExist: [] });
    expect(selectorOf(proposal, 'kubeknock-proposed-api'), 'app=api also fits the worker; tier=backend alone does not').toEqual({ matchLabels: { tier: 'backend' }, doesNotExist: [] });
    expect(proposal.selectors.find((choice) => choice.name === 'api')?.reason).toBe(
      'the fewest of its labels (app, team, tier) that select it alone among the 3 workloads of shop known from the flows',
    );
  });

  it('checks the choice against silent workloads of the manifests too, not only those seen talking', () => {
    const api = workload('shop/api', { app: 'api', tier: 'backend' });
    const front = workload('shop/front', { app: 'front' });
    const document = flowsDocument([flow(front, api, 80)], ['shop']);
    expect(selectorOf(proposeOne(document, 'shop'), 'kubeknock-proposed-api')).toEqual({ matchLabels: { app: 'api' }, doesNotExist: [] });
    const inventory = inventoryOf([namespace('shop'), pod('shop/api', { labels: { app: 'api', tier: 'backend' } }), pod('shop/batch', { labels: { app: 'api', tier: 'batch' } })]);
    const withSilent = proposeOne(document, 'shop', { facts: factsOf(inventory, 'the manifests') });
    expect(selectorOf(withSilent, 'kubeknock-proposed-api'), 'app=api would hand the silent batch pods the same door').toEqual({ matchLabels: { tier: 'backend' }, doesNotExist: [] });
  });

  it('keeps out a workload whose labels include all of this one\'s with DoesNotExist', () => {
    const stable = workload('shop/api', { app: 'api' });
    const canary = workload('shop/api-canary', { app: 'api', track: 'canary' });
    const front = workload('shop/front', { app: 'front' });
    const document = flowsDocument([flow(front, stable, 80), flow(front, canary, 80)], ['shop']);
    const proposal = proposeOne(document, 'shop');
    expect(selectorOf(proposal, 'kubeknock-proposed-api')).toEqual({ matchLabels: { app: 'api' }, doesNotExist: ['track'] });
    expect(selectorOf(proposal, 'kubeknock-proposed-api-canary')).toEqual({ matchLabels: { track: 'canary' }, doesNotExist: [] });
    const yaml = yamlOf(proposal, document);
    expect(yaml).toContain('  podSelector:\n    matchLabels:\n      app: api\n    matchExpressions:\n      - {key: track, operator: DoesNotExist}\n');
  });
});
