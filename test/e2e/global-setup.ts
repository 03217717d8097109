/** The e2e suite needs the real cluster: without it, fail loudly instead of skipping. */
import { existsSync } from 'node:fs';
import { KUBECONFIG } from './paths.js';

export default function setup(): void {
  if (!existsSync(KUBECONFIG)) {
    throw new Error(`no test cluster: ${KUBECONFIG} is missing. Run "npm run cluster:up" first (as root).`);
  }
  if (!existsSync(new URL('../../dist/cli/entry.js', import.meta.url))) {
    throw new Error('kubeknock is not built: run "npm run build" (npm ci does it) before the e2e tests.');
  }
}
