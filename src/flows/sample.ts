/**
 * One collector sample: what one node's collector printed at one interval.
 *
 *   # kubeknock-sample 1 node=<node name> time=<unix seconds, node clock>
 *   ## pod=<pod uid> table=<tcp|tcp6|udp|udp6>
 *   <the table as the kernel prints it, header line included>
 *   ## conntrack
 *   <nf_conntrack lines>            or the single line:  # conntrack unreadable
 *
 * Bounded: a sample longer than MAX_SAMPLE_CHARS or MAX_SAMPLE_LINES is refused as a value (the
 * caller names the node and goes on), never parsed into memory the fold cannot hold. The limits are
 * far above a real node: 110 pods (the kubelet default) × 1,000 sockets plus a conntrack table at the
 * kernel's default maximum of 262,144 entries is about 370,000 lines.
 */
import { parseConntrackLine, type ConntrackEntry } from './conntrack.js';
import { parseSocketLine, SOCKET_TABLES, type AddressCache, type SocketEntry, type SocketTableName } from './socket-table.js';

export const SAMPLE_FORMAT_VERSION = 1;
/** 96 Mi characters: about 600,000 socket-table lines of 150 characters. */
export const MAX_SAMPLE_CHARS = 96 * 1024 * 1024;
export const MAX_SAMPLE_LINES = 600_000;

export interface PodSockets {
  readonly uid: string;
  readonly sockets: readonly SocketEntry[];
}

export type SampleConntrack =
  | { readonly kind: 'read'; readonly entries: readonly ConntrackEntry[] }
  /** The collector could not read it (no root uid), or printed no conntrack section at all. */
  | { readonly kind: 'unreadable' };

export interface Sample {
  readonly node: string;
  /** Unix seconds, the node's clock. */
  readonly time: number;
  /** In the order printed; one entry per pod uid (tables of one pod are merged). */
  readonly pods: readonly PodSockets[];
  readonly conntrack: SampleConntrack;
  /** Lines that did not read: socket lines, conntrack lines, or lines outside any section. */
  readonly malformed: number;
}

export type SampleParse = { readonly kind: 'sample'; readonly sample: Sample } | { readonly kind: 'refused'; readonly reason: string };

export interface SampleLimits {
  readonly maxChars: number;
  readonly maxLines: number;
}

const DEFAULT_LIMITS: SampleLimits = { maxChars: MAX_SAMPLE_CHARS, maxLines: MAX_SAMPLE_LINES };
const HEADER = /^# kubeknock-sample (\d+) node=(\S+) time=(\d+)\s*$/;
const POD_SECTION = /^## pod=([0-9a-f-]{36}) table=(\S+)\s*$/;

type Section = { readonly kind: 'none' } | { readonly kind: 'table'; readonly sockets: SocketEntry[]; readonly table: SocketTableName } | { readonly kind: 'conntrack' };

export function parseSample(text: string, limits: SampleLimits = DEFAULT_LIMITS, cache?: AddressCache): SampleParse {
  if (text.length > limits.maxChars) return { kind: 'refused', reason: `sample is ${text.length} characters, more than the limit of ${limits.maxChars}` };
  const lines = text.split('\n');
  if (lines.length > limits.maxLines) return { kind: 'refused', reason: `sample has ${lines.length} lines, more than the limit of ${limits.maxLines}` };
  let start = 0;
  while (start < lines.length && (lines[start] ?? '').trim() === '') start += 1;
  const header = HEADER.exec((lines[start] ?? '').trim());
  if (header === null) return { kind: 'refused', reason: `the first line is not a sample header "# kubeknock-sample ${SAMPLE_FORMAT_VERSION} node=NAME time=SECONDS": ${JSON.stringify((lines[start] ?? '').slice(0, 80))}` };
  if (Number(header[1]) !== SAMPLE_FORMAT_VERSION) return { kind: 'refused', reason: `sample format ${header[1]} is not the format ${SAMPLE_FORMAT_VERSION} this version reads: the collector and the CLI differ` };
  const node = header[2] ?? '';
  const time = Number(header[3]);

  const pods = new Map<string, SocketEntry[]>();
  let conntrack: ConntrackEntry[] | undefined;
  let unreadable = false;
  let malformed = 0;
  let section: Section = { kind: 'none' };
  for (let i = start + 1; i < lines.length; i += 1) {
    const line = lines[i] ?? '';
    if (line.startsWith('## ')) {
      const pod = POD_SECTION.exec(line);
      const table = pod?.[2] as SocketTableName | undefined;
      if (pod !== null && table !== undefined && (SOCKET_TABLES as readonly string[]).includes(table)) {
        const uid = pod[1] ?? '';
        const sockets = pods.get(uid) ?? [];
        pods.set(uid, sockets);
        section = { kind: 'table', sockets, table };
      } else if (line.trim() === '## conntrack') {
        conntrack ??= [];
        section = { kind: 'conntrack' };
      } else {
        malformed += 1;
        section = { kind: 'none' };
      }
      continue;
    }
    switch (section.kind) {
      case 'table': {
        const entry = parseSocketLine(section.table, line, cache);
        if (entry === 'malformed') malformed += 1;
        else if (entry !== 'blank') section.sockets.push(entry);
        break;
      }
      case 'conntrack': {
        if (line.trim() === '# conntrack unreadable') {
          unreadable = true;
          break;
        }
        const entry = parseConntrackLine(line, cache);
        if (entry === 'malformed') malformed += 1;
        else if (entry !== 'blank' && entry !== 'ignored') conntrack?.push(entry);
        break;
      }
      case 'none':
        if (line.trim() !== '') malformed += 1;
        break;
    }
  }
  return {
    kind: 'sample',
    sample: {
      node,
      time,
      pods: [...pods].map(([uid, sockets]) => ({ uid, sockets })),
      conntrack: conntrack === undefined || unreadable ? { kind: 'unreadable' } : { kind: 'read', entries: conntrack },
      malformed,
    },
  };
}
