/** One peer of a rule in words, for explanations: what the rule would have admitted. */
import { describeSelector, isEmptySelector } from './label-selector.js';
import type { PeerSpec } from './types.js';
import { assertNever } from '../model/assert-never.js';

export function describePeer(peer: PeerSpec, policyNamespace: string): string {
  switch (peer.type) {
    case 'pods': {
      const pods = !peer.podSelector || isEmptySelector(peer.podSelector) ? 'every pod' : `pods ${describeSelector(peer.podSelector)}`;
      if (!peer.namespaceSelector) return `${pods} of namespace ${policyNamespace}`;
      if (isEmptySelector(peer.namespaceSelector)) return `${pods} of every namespace`;
      return `${pods} of namespaces ${describeSelector(peer.namespaceSelector)}`;
    }
    case 'ipBlock':
      return `ipBlock ${peer.cidr}${peer.except.length > 0 ? ` except ${peer.except.join(', ')}` : ''}`;
    default:
      return assertNever(peer, 'peer');
  }
}
