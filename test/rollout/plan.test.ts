/** The rollout planner: order, merged steps, unavoidable cuts, bad input, and invariants over generated rollouts. */
import { describe, expect, it } from 'vitest';
import { parseManifestText } from '../../src/scenario/read-manifests.js';
import { cellKey } from '../../src/diff/index.js';
import { InputError } from '../../src/model/errors.js';
import { describeRef } from '../../src/model/objects.js';
import { DEFAULT_ENGINE_OPTIONS, decodeObjects } from '../../src/policy/index.js';
import { rolloutChanges, type RolloutChange } from '../../src/rollout/changes.js';
import { planRollout, type RolloutPlan } from '../../src/rollout/plan.js';
import { scenario } from '../diff/builders.js';
import { playbookInput } from './playbook.js';

function inline(text: string, file = 'rollout.yaml'): RolloutChange[] {
  return rolloutChanges(parseManifestText(text, file).objects);
}

const order = (plan: RolloutPlan): string[][] => plan.steps.map((step) => step.changes.map((change) => `${change.ref.namespace}/${change.ref.name}`));

describe('planRollout', () => {
  it('applies the seed playbook with each default deny after the allows it would cut, and says why', () => {
    const plan = planRollout({ ...playbookInput(), engine: DEFAULT_ENGINE_OPTIONS });
    const steps = order(plan);
    const stepOf = (name: string): number => steps.findIndex((step) => step.includes(name));
    expect(plan.reordered, 'default-deny-dns/policies.yaml comes first and starts with its default deny').toBe(true);
    expect(stepOf('lockdown/default-deny-all'), 'after the DNS allow of its namespace').toBeGreaterThan(stepOf('lockdown/allow-dns-egress'));
    for (const allow of ['shop/allow-dns-egress', 'shop/frontend', 'shop/backend', 'shop/database']) {
      expect(stepOf('shop/default-deny-all'), `shop/default-deny-all after ${allow}`).toBeGreaterThan(stepOf(allow));
    }
    expect(stepOf('shop/default-deny-all'), 'the last step').toBe(steps.length - 1);
    expect(steps.flat().sort(), 'every change once').toEqual(playbookInput().changes.map((change) => `${change.ref.namespace}/${change.ref.name}`).sort());
    expect(plan.steps.flatMap((step) => step.cutsExpectedOpen), 'no step cuts what stays open or what a scenario allows').toEqual([]);
    expect(plan.warnings).toEqual([]);
    const deferred = plan.deferred.find((deferral) => deferral.change.ref.name === 'default-deny-all' && deferral.change.ref.namespace === 'lockdown');
    expect(deferred?.given, 'given first').toBe(0);
    expect(deferred?.examples.map(cellKey)).toContain('app-a → kube-system/cluster-dns UDP/53');
    expect(deferred?.waitsFor.map(describeRef)).toEqual(['NetworkPolicy lockdown/allow-dns-egress']);
  });

  it('merges the DNS allow of shop with the policies that isolate frontend and backend: each alone cuts what another allows', () => {
    const plan = planRollout({ ...playbookInput(), engine: DEFAULT_ENGINE_OPTIONS });
    // shop/allow-dns-egress isolates every pod's egress (cutting frontend → backend), shop/frontend and
    // shop/backend isolate theirs without DNS: no order of the three keeps both open.
    expect(order(plan)).toContainEqual(['shop/allow-dns-egress', 'shop/frontend', 'shop/backend']);
  });

  it('keeps an order that is already safe, and says it is not reordered', () => {
    const changes = inline(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-dns, namespace: lockdown}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress: [{to: [{namespaceSelector: {}, podSelector: {matchLabels: {k8s-app: kube-dns}}}], ports: [{port: 53, protocol: UDP}, {port: 53}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all, namespace: lockdown}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
`);
    const { current, scenarios } = playbookInput();
    const plan = planRollout({ current, changes, scenarios: scenarios.slice(0, 1), engine: DEFAULT_ENGINE_OPTIONS });
    expect(order(plan)).toEqual([['lockdown/allow-dns'], ['lockdown/deny-all']]);
    expect(plan.reordered).toBe(false);
    expect(plan.deferred).toEqual([]);
  });

  it('two policies isolating the same pod whose allows only hold together go in one step', () => {
    const changes = inline(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-from-web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: 5432}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-from-api, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress: [{from: [{podSelector: {matchLabels: {app: api}}}], ports: [{port: 5432}]}]
`);
    const s = scenario(`apiVersion: kubeknock.dev/v1alpha1
kind: Scenario
metadata: {name: shop}
spec:
  actors:
    web: {namespace: shop, labels: {app: web}}
    api: {namespace: shop, labels: {app: api}}
    db: {namespace: shop, labels: {app: db}, listen: [5432]}
  checks:
    - {from: [web, api], to: db:5432, expect: allow}
`);
    const plan = planRollout({ current: { namespaces: [], pods: [], services: [], policies: [] }, changes, scenarios: [s], engine: DEFAULT_ENGINE_OPTIONS });
    expect(order(plan)).toEqual([['shop/db-from-web', 'shop/db-from-api']]);
    expect(plan.steps[0]?.diff.cut.map((change) => cellKey(change.cell)), 'together they cut only what neither allows').toEqual([]);
    expect(plan.steps[0]?.cutsExpectedOpen).toEqual([]);
  });

  it('a candidate that forgets an allow the scenario needs: the cut is not reordered away, but warned about on the step that makes it', () => {
    const plan = planRollout({ ...playbookInput(['shop/database']), engine: DEFAULT_ENGINE_OPTIONS });
    const steps = order(plan);
    const cutting = plan.steps.findIndex((step) => step.cutsExpectedOpen.length > 0);
    expect(steps[cutting], 'the default deny isolates the database, and no allow admits the backend any more').toEqual(['shop/default-deny-all']);
    expect(plan.steps[cutting]?.cutsExpectedOpen.map(cellKey)).toEqual(['backend@three-tier → database TCP/5432']);
    expect(plan.warnings).toEqual([
      `three-tier "the chain: backend → database:5432" (scenarios/three-tier.yaml:16) expects backend@three-tier → database TCP/5432 allow, but the final state denies it: step ${cutting + 1} (NetworkPolicy shop/default-deny-all) cuts it, and no order avoids that; add the allow it needs, or expect deny`,
    ]);
  });

  it('warns about a change that is the same as the live policy', () => {
    const text = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: shop}\nspec: {podSelector: {}, policyTypes: [Ingress]}\n';
    const current = decodeObjects(parseManifestText(text, 'live.yaml').objects).inventory;
    const plan = planRollout({ current, changes: inline(text), engine: DEFAULT_ENGINE_OPTIONS });
    expect(plan.warnings).toEqual(['NetworkPolicy shop/deny (rollout.yaml:1) is the same as the current one: applying it changes nothing']);
    expect(plan.steps).toHaveLength(1);
  });

  it('refuses a change the API server would reject, and a policy given twice, listing both', () => {
    const changes = inline(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: broken, namespace: shop}
spec:
  podSelector: {}
  egress: [{to: {}}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: twice, namespace: shop}
spec: {podSelector: {}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: twice, namespace: shop}
spec: {podSelector: {}}
`);
    const error = (() => {
      try {
        planRollout({ current: { namespaces: [], pods: [], services: [], policies: [] }, changes, engine: DEFAULT_ENGINE_OPTIONS });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).issues.map((issue) => `${issue.line} ${issue.path}: ${issue.message}`)).toEqual([
      '6 spec.egress[0].to: must be a list, found an empty mapping {} (the API server rejects this shape) (NetworkPolicy shop/broken)',
      '13 metadata.name: NetworkPolicy shop/twice is given twice (first at rollout.yaml:8): a rollout applies each policy once; keep the version you mean',
    ]);
  });
});
