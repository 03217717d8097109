/** The BusyBox cache follows KUBEKNOCK_CACHE, as test/busybox/build.sh does, and the newest build wins. */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { busyboxCacheDir, cachedBusybox } from '../support/busybox.js';

const root = mkdtempSync(join(tmpdir(), 'kk-cache-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the BusyBox cache', () => {
  it('lives under KUBEKNOCK_CACHE, else /var/cache/kubeknock', () => {
    expect(busyboxCacheDir({ KUBEKNOCK_CACHE: root })).toBe(join(root, 'busybox'));
    expect(busyboxCacheDir({})).toBe('/var/cache/kubeknock/busybox');
  });

  it('is empty in a fresh cache, and gives the newest version once builds exist', () => {
    expect(cachedBusybox({ KUBEKNOCK_CACHE: root })).toBeUndefined();
    for (const version of ['1.35.0', '1.36.1', '1.9.0']) {
      mkdirSync(join(root, 'busybox', version), { recursive: true });
      writeFileSync(join(root, 'busybox', version, 'busybox'), '');
      chmodSync(join(root, 'busybox', version, 'busybox'), 0o755);
    }
    expect(cachedBusybox({ KUBEKNOCK_CACHE: root })).toBe(join(root, 'busybox', '1.36.1', 'busybox'));
  });
});
