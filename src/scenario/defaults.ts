import type { Defaults } from '../model/scenario.js';
import { DEFAULT_DENY_OUTCOMES } from '../probe/judge.js';

/**
 * The official busybox image, pinned to a tag: its nc, wget and nslookup are the full defconfig
 * applets kubeknock's output classification is built on.
 */
export const DEFAULT_IMAGE = 'docker.io/library/busybox:1.36.1';

export const DEFAULTS: Defaults = {
  timeoutSeconds: 2,
  attempts: 3,
  retryDelaySeconds: 1,
  settleSeconds: 2,
  concurrency: 16,
  denyOutcomes: DEFAULT_DENY_OUTCOMES,
  pod: {
    image: DEFAULT_IMAGE,
    imagePullPolicy: 'IfNotPresent',
    imagePullSecrets: [],
    nodeSelector: {},
    tolerations: [],
    deadlineSeconds: 900,
    startTimeoutSeconds: 120,
  },
};
