/**
 * A run hands its one abort signal (Ctrl-C) to every exec, and an exec listens for 'abort' while it
 * runs, as the real adapter does. With 12 probe pods and 16 execs at once, those listeners must not
 * pile up on the shared signal: Node warns "MaxListenersExceededWarning: Possible EventTarget memory
 * leak detected. 11 abort listeners added to [AbortSignal]" past 10.
 */
import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExecResult, PodRef } from '../../src/probe/cluster-port.js';
import { systemClock } from '../../src/probe/clock.js';
import { preflight } from '../../src/probe/preflight.js';
import { runScenario } from '../../src/probe/runner.js';
import { parseScenario } from '../../src/scenario/load.js';
import { FakeCluster } from '../support/fake-cluster.js';

const ACTORS = 12;

/** The fake cluster, with an exec that listens on its signal for as long as it runs (like src/cluster/exec.ts). */
class ListeningExecCluster extends FakeCluster {
  /** Most abort listeners seen at once on the run's shared signal. */
  peak = 0;
  /** Execs that were given a signal at all (so the test cannot pass by dropping it). */
  execsWithSignal = 0;

  constructor(private readonly shared: AbortSignal) {
    super({ namespaces: ['prod'] });
  }

  override async exec(pod: PodRef, container: string, command: readonly string[], options: { timeoutMs: number; signal?: AbortSignal }): Promise<ExecResult> {
    const onAbort = (): void => undefined;
    if (options.signal) this.execsWithSignal += 1;
    options.signal?.addEventListener('abort', onAbort, { once: true });
    this.peak = Math.max(this.peak, getEventListeners(this.shared, 'abort').length);
    try {
      return await super.exec(pod, container, command, options);
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
  }
}

let cluster: FakeCluster | undefined;
afterEach(() => cluster?.dispose());

describe('abort listeners during a run of many pods', () => {
  it(`stay bounded on the shared signal with ${ACTORS} probe pods probing at once`, async () => {
    const actors = Array.from({ length: ACTORS }, (_, i) => `    a${i}: {namespace: prod, labels: {app: a${i}}, listen: [8080]}`);
    const checks = Array.from({ length: ACTORS }, (_, i) => `    - {from: a${i}, to: "a${(i + 1) % ACTORS}:8080", expect: allow}`);
    const parsed = parseScenario(
      'many.yaml',
      `apiVersion: kubeknock.dev/v1alpha1
kind: Scenario
metadata: {name: many}
spec:
  defaults: {timeoutSeconds: 1, attempts: 1, retryDelaySeconds: 0, settleSeconds: 0, concurrency: 16}
  actors:
${actors.join('\n')}
  checks:
${checks.join('\n')}
`,
    );
    if (!parsed.ok) throw new Error(`test scenario invalid: ${JSON.stringify(parsed.issues)}`);
    const controller = new AbortController();
    const fake = new ListeningExecCluster(controller.signal);
    cluster = fake;
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => void warnings.push(`${warning.name}: ${warning.message}`);
    process.on('warning', onWarning);
    try {
      const report = await runScenario(parsed.scenario, fake, {
        runId: 'test1234',
        clusterDomain: 'cluster.local',
        keep: false,
        progress: { step: () => undefined, update: () => undefined, failed: () => undefined },
        clock: systemClock,
        toolVersion: '0.0.0-test',
        facts: await preflight(parsed.scenario, fake),
        signal: controller.signal,
      });
      expect(report.summary.passed, 'every check ran and passed').toBe(ACTORS);
    } finally {
      process.off('warning', onWarning);
    }
    expect(fake.execsWithSignal, 'every exec can still be aborted').toBe(ACTORS);
    expect(fake.peak, `abort listeners on the shared signal while ${ACTORS} execs ran: at most a few, not one per exec`).toBeLessThanOrEqual(2);
    expect(warnings.filter((w) => w.startsWith('MaxListenersExceededWarning'))).toEqual([]);
  });
});
