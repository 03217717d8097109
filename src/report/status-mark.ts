/** The mark and colour of a check status in the terminal table. */
import { assertNever } from '../model/assert-never.js';
import type { CheckStatus } from '../model/report.js';
import type { Tone } from './ansi.js';

export function statusMark(status: CheckStatus): string {
  switch (status) {
    case 'pass':
      return '✓';
    case 'fail':
      return '✗';
    case 'skipped':
      return '-';
    default:
      return assertNever(status, 'check status');
  }
}

export function statusTone(status: CheckStatus): Tone {
  switch (status) {
    case 'pass':
      return 'green';
    case 'fail':
      return 'red';
    case 'skipped':
      return 'yellow';
    default:
      return assertNever(status, 'check status');
  }
}
