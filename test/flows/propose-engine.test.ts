/**
 * The proposal proven by kubeknock's own policy engine (as `predict` judges): its YAML, read back the
 * way `-f` reads manifests, applied over the pods captured on the test cluster, must allow EVERY
 * observed flow (both families where both were seen), DNS on UDP and TCP 53 for every pod, and deny
 * pairs that were never seen: a pod that never talked to postgres, another namespace's look-alike
 * (the OR mistake would let it in), an outside address next to the one seen.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFlowsText } from '../../src/app/flows/read-flows.js';
import { factsOf } from '../../src/flows/propose/index.js';
import { propose, renderNamespaceYaml } from '../../src/flows/propose/index.js';
import type { Flow, FlowParty } from '../../src/flows/types.js';
import { compileInventory, decodeObjects, judgeConnection, type CompiledInventory, type Protocol } from '../../src/policy/index.js';
import { parseManifestText } from '../../src/scenario/read-manifests.js';
import { pod } from '../policy/builders.js';
import { raw } from '../policy/model.js';
import { external, flow, flowsDocument, node, workload } from '../support/flows.js';
import { backend, capturedObjects, obsdemoFlows, pg, web } from './obsdemo.js';

const client = workload('shop/client', { app: 'client' });

/** obsdemo as captured, plus a caller from another namespace, an outside API and a kubelet probe. */
function observed(): Flow[] {
  return [
    ...obsdemoFlows(),
    flow(client, pg, 5432, { portName: 'pg', families: ['ipv6'] }),
    flow(backend, external('203.0.113.7'), 443),
    flow(backend, external('2001:db8::10'), 443, { families: ['ipv6'] }),
    flow(node('kk-node1'), pg, 5432, { portName: 'pg' }),
  ];
}

/** One pod per identity of the flows (names as on the cluster), plus pods that never talked. */
const PODS: Record<string, string> = {
  'obsdemo/app=postgres': 'obsdemo/pg',
  'obsdemo/app=backend': 'obsdemo/backend',
  'obsdemo/app=analytics': 'obsdemo/analytics',
  'obsdemo/app=web': 'obsdemo/web',
  'kube-system/k8s-app=kube-dns,pod-template-hash=787bc68c56': 'kube-system/coredns-787bc68c56-pklhb',
  'shop/app=client': 'shop/client',
};

function podOf(party: FlowParty | undefined): string {
  if (party?.kind === 'external') return party.address;
  const name = party?.kind === 'workload' ? PODS[party.identity] : undefined;
  if (name === undefined) throw new Error(`no pod for ${JSON.stringify(party)}`);
  return name;
}

function engineOverProposal(): CompiledInventory {
  const document = flowsDocument(observed(), ['obsdemo', 'shop']);
  const yaml = propose(document, { namespaces: [] }).namespaces.map((proposal) => renderNamespaceYaml(proposal, { flowsFile: 'flows.yaml', document }));
  const proposed = yaml.flatMap((text, index) => {
    const parsed = parseManifestText(text, `proposed-${index}.yaml`);
    expect(parsed.issues, 'the proposal must be valid YAML').toEqual([]);
    return parsed.objects;
  });
  const others = [
    pod('shop/client', { labels: { app: 'client' }, ips: ['10.244.1.9', 'fd00:10:244:2::9'] }),
    pod('shop/other', { labels: { app: 'other' }, ips: ['10.244.1.10', 'fd00:10:244:2::a'] }),
    pod('obsdemo/silent', { labels: { app: 'silent' }, ips: ['10.244.0.9', 'fd00:10:244:1::9'] }),
    pod('obsdemo/lookalike', { labels: { app: 'client' }, ips: ['10.244.0.10', 'fd00:10:244:1::a'] }),
  ];
  const decoded = decodeObjects([...raw([...capturedObjects(), ...others]), ...proposed]);
  expect(decoded.issues, 'the API server would accept every proposed policy').toEqual([]);
  expect(decoded.inventory.policies.map((policy) => `${policy.namespace}/${policy.name}`)).toEqual([
    'obsdemo/kubeknock-proposed-default-deny',
    'obsdemo/kubeknock-proposed-dns',
    'obsdemo/kubeknock-proposed-analytics',
    'obsdemo/kubeknock-proposed-backend',
    'obsdemo/kubeknock-proposed-postgres',
    'obsdemo/kubeknock-proposed-web',
    'shop/kubeknock-proposed-default-deny',
    'shop/kubeknock-proposed-dns',
    'shop/kubeknock-proposed-client',
  ]);
  return compileInventory(decoded.inventory);
}

function verdict(compiled: CompiledInventory, from: string, to: string, port: number, protocol: Protocol = 'TCP', family?: 4 | 6): string {
  return judgeConnection(compiled, { from, to, port, protocol, ...(family === undefined ? {} : { family }) }).verdict;
}

describe('propose: the proposal judged by the policy engine', () => {
  const compiled = engineOverProposal();

  it('allows every observed flow between pods and to outside addresses, on every family it was seen on', () => {
    const judged = observed()
      .filter((one) => one.source.kind !== 'node') // a pod's own node is always admitted; the engine does not model nodes
      .flatMap((one) =>
        one.families.map((family) => {
          const from = podOf(one.source);
          const to = podOf(one.destination);
          return `${from} → ${to} ${one.port}/${one.protocol} ${family}: ${verdict(compiled, from, to, one.port, one.protocol, family === 'ipv4' ? 4 : 6)}`;
        }),
      );
    expect(judged.length, "9 judgements: backend → pg on both families").toBe(9);
    expect(judged.filter((line) => !line.endsWith(': allow')), 'every observed flow must stay allowed').toEqual([]);
  });

  it('lets every pod of the selected namespaces, also a silent one, resolve names on UDP and TCP 53', () => {
    const dns = 'kube-system/coredns-787bc68c56-pklhb';
    const pods = ['obsdemo/pg', 'obsdemo/backend', 'obsdemo/analytics', 'obsdemo/web', 'obsdemo/silent', 'shop/client', 'shop/other'];
    const judged = pods.flatMap((from) => (['UDP', 'TCP'] as const).map((protocol) => `${from} ${protocol}: ${verdict(compiled, from, dns, 53, protocol)}`));
    expect(judged.filter((line) => !line.endsWith(': allow'))).toEqual([]);
    expect(verdict(compiled, 'obsdemo/backend', dns, 9153), 'only DNS, not the DNS pods\' other ports').toBe('deny');
  });

  it.each([
    ['obsdemo/web', 'obsdemo/pg', 5432, 'web never talked to postgres'],
    ['obsdemo/silent', 'obsdemo/pg', 5432, 'a pod that never talked at all'],
    ['obsdemo/lookalike', 'obsdemo/pg', 5432, "carries shop/client's labels in postgres' own namespace: only the OR mistake would admit it"],
    ['shop/other', 'obsdemo/pg', 5432, 'another pod of the caller\'s namespace: only the OR mistake would admit it'],
    ['obsdemo/analytics', 'obsdemo/web', 8080, 'analytics never called web'],
    ['obsdemo/backend', 'obsdemo/pg', 22, 'backend talked to postgres on 5432 only'],
    ['obsdemo/pg', 'obsdemo/backend', 5432, 'the reverse direction was never seen'],
    ['obsdemo/backend', '203.0.113.8', 443, 'the outside address next to the one seen'],
    ['obsdemo/web', '203.0.113.7', 443, 'web never called the outside address backend called'],
  ])('denies %s → %s:%i (%s)', (from, to, port) => {
    expect(verdict(compiled, from, to, port)).toBe('deny');
  });

  it.each([
    ['obsdemo/lookalike', "carries shop/client's labels in postgres' own namespace"],
    ['shop/other', "another pod of shop/client's namespace"],
  ])("keeps %s out by postgres' ingress alone, whatever the caller's egress says (%s; the OR form of the peer would admit it)", (from) => {
    expect(judgeConnection(compiled, { from, to: 'obsdemo/pg', port: 5432, protocol: 'TCP' }).ingress.verdict).toBe('deny');
    expect(judgeConnection(compiled, { from: 'shop/client', to: 'obsdemo/pg', port: 5432, protocol: 'TCP' }).ingress.verdict).toBe('allow');
  });

  it('denies what was not seen over IPv6 as well', () => {
    expect(verdict(compiled, 'obsdemo/web', 'obsdemo/pg', 5432, 'TCP', 6)).toBe('deny');
    expect(verdict(compiled, podOf(web), podOf(pg), 5432, 'TCP', 4)).toBe('deny');
  });
});

describe('propose: the flows file of the test cluster, judged by the policy engine', () => {
  it('allows each of its flows on each family it was seen on, and nothing else between the obsdemo pods', () => {
    const file = 'test/fixtures/flows/valid-obsdemo.yaml';
    const document = parseFlowsText(file, readFileSync(new URL('../fixtures/flows/valid-obsdemo.yaml', import.meta.url), 'utf8'), { now: new Date('2026-12-07T20:00:00Z') });
    const inventory = decodeObjects(raw(capturedObjects())).inventory;
    const [proposal] = propose(document, { namespaces: [], facts: factsOf(inventory, 'the cluster') }).namespaces;
    const parsed = parseManifestText(renderNamespaceYaml(proposal ?? expect.fail('a proposal for obsdemo'), { flowsFile: file, document, factsFrom: 'the cluster' }), 'proposed.yaml');
    const decoded = decodeObjects([...raw(capturedObjects()), ...parsed.objects]);
    expect([...parsed.issues, ...decoded.issues]).toEqual([]);
    const engine = compileInventory(decoded.inventory);
    const podByApp: Record<string, string> = { analytics: 'obsdemo/analytics', backend: 'obsdemo/backend', postgres: 'obsdemo/pg', web: 'obsdemo/web', 'kube-dns': 'kube-system/coredns-787bc68c56-pklhb' };
    const podOfParty = (party: FlowParty | undefined): string => {
      const app = party?.kind === 'workload' ? (party.labels['app'] ?? party.labels['k8s-app']) : undefined;
      return podByApp[app ?? ''] ?? expect.fail(`no pod for ${JSON.stringify(party)}`);
    };
    const observedPairs = new Set<string>();
    const judged = document.flows.flatMap((one) =>
      one.families.map((family) => {
        const from = podOfParty(one.source);
        const to = podOfParty(one.destination);
        observedPairs.add(`${from} ${to} ${one.port}/${one.protocol}`);
        return `${from} → ${to} ${one.port}/${one.protocol} ${family}: ${verdict(engine, from, to, one.port, one.protocol, family === 'ipv4' ? 4 : 6)}`;
      }),
    );
    expect(judged.filter((line) => !line.endsWith(': allow'))).toEqual([]);
    const obsdemo = ['obsdemo/analytics', 'obsdemo/backend', 'obsdemo/pg', 'obsdemo/web'];
    const ports: Array<[number, Protocol]> = [[5432, 'TCP'], [8080, 'TCP'], [5353, 'UDP']];
    const unexpected = obsdemo.flatMap((from) =>
      obsdemo.flatMap((to) => ports.filter(([port, protocol]) => from !== to && !observedPairs.has(`${from} ${to} ${port}/${protocol}`) && verdict(engine, from, to, port, protocol) !== 'deny').map(([port, protocol]) => `${from} → ${to} ${port}/${protocol}`)),
    );
    expect(unexpected, 'every pair that was not observed is denied').toEqual([]);
  });
});
