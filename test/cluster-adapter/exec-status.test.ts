import { describe, expect, it } from 'vitest';
import { interpretExecStatus } from '../../src/cluster/exec-status.js';

describe('interpretExecStatus', () => {
  it.each([
    ['Success', { status: 'Success' }, { type: 'exited', exitCode: 0 }],
    [
      'NonZeroExitCode 1',
      { status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '1' }] } },
      { type: 'exited', exitCode: 1 },
    ],
    [
      'NonZeroExitCode 137',
      { status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'Other', message: 'x' }, { reason: 'ExitCode', message: '137' }] } },
      { type: 'exited', exitCode: 137 },
    ],
  ] as const)('%s → %j', (_name, status, expected) => {
    expect(interpretExecStatus(status)).toEqual(expected);
  });

  it.each([
    ['InternalError', { status: 'Failure', reason: 'InternalError', message: 'container not running' }, 'container not running'],
    ['NonZeroExitCode without a code', { status: 'Failure', reason: 'NonZeroExitCode', message: 'exit code ?' }, 'without the code'],
    ['not an object', 'garbage', 'unreadable'],
  ] as const)('%s → failed', (_name, status, fragment) => {
    const outcome = interpretExecStatus(status);
    expect(outcome.type).toBe('failed');
    expect(outcome.type === 'failed' && outcome.reason).toContain(fragment);
  });
});
