/** How each edge result looks, shared by DOT, Mermaid and HTML so the three pictures read alike. */
import { assertNever } from '../../model/assert-never.js';
import type { EdgeResult } from './types.js';

export interface EdgeStyle {
  readonly color: string;
  readonly width: number;
  readonly line: 'solid' | 'dashed' | 'dotted';
  /** In words, for legends and tooltips. */
  readonly text: string;
}

export function edgeStyle(result: EdgeResult): EdgeStyle {
  switch (result) {
    case 'met-allow':
      return { color: '#2f9e44', width: 1.5, line: 'solid', text: 'allowed, as expected' };
    case 'met-deny':
      return { color: '#868e96', width: 1, line: 'dashed', text: 'denied, as expected' };
    case 'failed-allow':
      return { color: '#e03131', width: 3.5, line: 'solid', text: 'FAILED: expected allow, observed deny' };
    case 'failed-deny':
      return { color: '#c2255c', width: 3.5, line: 'solid', text: 'FAILED: expected deny, observed allow' };
    case 'error':
      return { color: '#e8590c', width: 3, line: 'dotted', text: 'error: the probe could not tell' };
    case 'skipped':
      return { color: '#adb5bd', width: 1, line: 'dotted', text: 'skipped' };
    case 'allow':
      return { color: '#2f9e44', width: 1.5, line: 'solid', text: 'allowed by the policies' };
    case 'deny':
      return { color: '#868e96', width: 1, line: 'dashed', text: 'denied by the policies' };
    case 'unknown':
      return { color: '#7950f2', width: 1, line: 'dotted', text: 'unknown: only an ipBlock decides and the pod IP is not known yet' };
    case 'cut':
      return { color: '#e03131', width: 3, line: 'solid', text: 'cut: allow → deny' };
    case 'opened':
      return { color: '#f08c00', width: 3, line: 'solid', text: 'opened: deny → allow' };
    case 'unchanged':
      return { color: '#ced4da', width: 1, line: 'solid', text: 'unchanged: allowed before and after' };
    default:
      return assertNever(result, 'edge result');
  }
}
