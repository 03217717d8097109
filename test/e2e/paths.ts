/** Where the test cluster keeps its state; no vitest import, so global setup can use it too. */
import { fileURLToPath } from 'node:url';

export const STATE_DIR = fileURLToPath(new URL('../cluster/.state/', import.meta.url));
export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const KUBECONFIG = process.env['KUBEKNOCK_E2E_KUBECONFIG'] ?? `${STATE_DIR}kubeconfig`;
