import { describe, expect, it } from 'vitest';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE, RUN_ID_LABEL, managedSelector } from '../../src/model/labels.js';
import { MANIFESTS_MANAGED_BY, auditLabels } from '../../src/deploy/objects.js';

describe('auditLabels', () => {
  it('marks objects as made by the manifests, not as probe pods that cleanup deletes', () => {
    const labels = auditLabels({ name: 'audit', namespace: 'kk' });
    expect(labels[MANAGED_BY_LABEL]).toBe(MANIFESTS_MANAGED_BY);
    expect(MANIFESTS_MANAGED_BY).not.toBe(MANAGED_BY_VALUE);
    // cleanup selects pods that carry kubeknock's run id label: the audit's labels must not.
    expect(managedSelector()).toBe(RUN_ID_LABEL);
    expect(labels[RUN_ID_LABEL]).toBeUndefined();
  });
});
