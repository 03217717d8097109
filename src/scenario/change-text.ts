/**
 * A step's change as one line per object, in the words of kubectl (`label frontend role=admin tier-`),
 * for `run --dry-run` and whoever reports what a step is about to do.
 */
import { assertNever } from '../model/assert-never.js';
import { describeRef, refOf } from '../model/objects.js';
import type { StepChange } from '../model/scenario.js';

export function changeLines(change: StepChange): string[] {
  switch (change.type) {
    case 'apply':
      return change.objects.map((object) => `apply ${describeRef(refOf(object))}`);
    case 'delete':
      return change.refs.map((ref) => `delete ${describeRef(ref)}`);
    case 'label-actor': {
      const labels = Object.entries(change.labels).map(([key, value]) => (value === null ? `${key}-` : `${key}=${value}`));
      return [`label ${change.actor} ${labels.join(' ')}`];
    }
    default:
      return assertNever(change, 'step change');
  }
}
