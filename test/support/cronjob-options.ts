/** The options of `kubeknock manifests cronjob` that the manifests tests share: one audit of `scenarioFiles`. */
import type { CronJobManifestOptions } from '../../src/app/manifests.js';

export function cronJobOptions(scenarioFiles: readonly string[], overrides: Partial<CronJobManifestOptions> = {}): CronJobManifestOptions {
  return {
    scenarioFiles,
    image: 'registry.example/kubeknock:0.1.0',
    imagePullSecrets: [],
    schedule: '0 * * * *',
    identity: { name: 'kubeknock-audit', namespace: 'kubeknock' },
    createNamespace: true,
    probe: {},
    toolVersion: '0.1.0',
    ...overrides,
  };
}
