import { describe, expect, it } from 'vitest';
import { findHostTool, missingPackages, NETWORK_TEST_TOOLS } from '../support/host-packages.js';

describe('the network tests’ host packages', () => {
  it('asks for each missing tool’s package once, in table order', () => {
    const present = new Set(['sysctl', 'setpriv', 'unshare', 'nsenter']);
    expect(missingPackages(NETWORK_TEST_TOOLS, (command) => present.has(command))).toEqual(['iproute2', 'iptables']);
  });

  it('asks for nothing when every tool exists', () => {
    expect(missingPackages(NETWORK_TEST_TOOLS, () => true)).toEqual([]);
  });

  it('covers every host tool the network tests run (the setup installed them before this test ran)', () => {
    for (const tool of NETWORK_TEST_TOOLS) expect(findHostTool(tool.command), `${tool.command} (${tool.debianPackage})`).toBeDefined();
  });
});
