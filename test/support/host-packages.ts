/**
 * The host commands the root-only network tests run (namespaces, firewall rules, dropping to uid
 * 65534), and the Debian package each comes from. The unit-test setup installs what is missing, so
 * `npm ci && npm test` is enough on a fresh Debian machine.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface HostTool {
  readonly command: string;
  readonly debianPackage: string;
}

export const NETWORK_TEST_TOOLS: readonly HostTool[] = [
  { command: 'ip', debianPackage: 'iproute2' },
  { command: 'iptables', debianPackage: 'iptables' },
  { command: 'ip6tables', debianPackage: 'iptables' },
  { command: 'sysctl', debianPackage: 'procps' },
  { command: 'setpriv', debianPackage: 'util-linux' },
  { command: 'unshare', debianPackage: 'util-linux' },
  { command: 'nsenter', debianPackage: 'util-linux' },
];

/** The directories hostTool() searches: the tests call tools by absolute path. */
export const HOST_TOOL_DIRS = ['/usr/sbin', '/usr/bin', '/sbin', '/bin'] as const;

export function findHostTool(command: string): string | undefined {
  return HOST_TOOL_DIRS.map((dir) => join(dir, command)).find((path) => existsSync(path));
}

/** The packages to install for the tools that are missing, each package once, in table order. */
export function missingPackages(tools: readonly HostTool[], exists: (command: string) => boolean): string[] {
  const packages = tools.filter((tool) => !exists(tool.command)).map((tool) => tool.debianPackage);
  return [...new Set(packages)];
}
