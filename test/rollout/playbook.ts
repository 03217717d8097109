/** The seed playbook as a rollout: its five policy files, default-deny-dns first, onto a cluster with their Namespaces and no policy. */
import { readFileSync } from 'node:fs';
import { parseManifestText } from '../../src/scenario/read-manifests.js';
import type { Scenario } from '../../src/model/scenario.js';
import { decodeObjects, type Inventory } from '../../src/policy/index.js';
import { rolloutChanges, type RolloutChange } from '../../src/rollout/changes.js';
import { REPO } from '../support/cli.js';
import { scenario } from '../diff/builders.js';

export const PLAYBOOK = ['default-deny-dns', 'monitoring-scrape', 'namespace-isolation', 'postgres-lockdown', 'three-tier'] as const;

function read(file: string): ReturnType<typeof parseManifestText>['objects'] {
  return parseManifestText(readFileSync(`${REPO}/${file}`, 'utf8'), file).objects;
}

/** The seed playbook as a rollout onto a cluster that has its Namespaces and no policy: default-deny-dns first. */
export function playbookInput(drop: readonly string[] = []): { current: Inventory; changes: RolloutChange[]; scenarios: Scenario[] } {
  const objects = PLAYBOOK.flatMap((name) => read(`scenarios/${name}/policies.yaml`));
  const current = decodeObjects(objects.filter((object) => (object.value as { kind: string }).kind !== 'NetworkPolicy')).inventory;
  const changes = rolloutChanges(objects).filter((change) => !drop.includes(`${change.ref.namespace}/${change.ref.name}`));
  const scenarios = PLAYBOOK.map((name) => scenario(readFileSync(`${REPO}/scenarios/${name}.yaml`, 'utf8'), `scenarios/${name}.yaml`));
  return { current, changes, scenarios };
}

