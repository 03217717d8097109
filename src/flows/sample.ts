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

/**
 * What reads a sample's lines (parseSample builds objects; the fold folds them as they come). Each
 * line is `text[start, end)`, without its newline; the visitor says what the line was, the walker
 * counts the malformed ones.
 */
export interface SampleVisitor {
  /** The header read: the node and time of this sample. */
  begin?(node: string, time: number): void;
  /** A `## pod=UID table=NAME` section begins (a pod's tables may come in several sections). */
  podSection(uid: string, table: SocketTableName): void;
  socketLine(table: SocketTableName, text: string, start: number, end: number): 'entry' | 'blank' | 'malformed';
  /** The `## conntrack` section begins (it may come more than once). */
  conntrackSection(): void;
  conntrackLine(text: string, start: number, end: number): 'entry' | 'blank' | 'ignored' | 'malformed';
}

export type SampleScan = { readonly kind: 'sample'; readonly node: string; readonly time: number; readonly unreadable: boolean; readonly malformed: number } | { readonly kind: 'refused'; readonly reason: string };

type Section = { readonly kind: 'none' } | { readonly kind: 'table'; readonly table: SocketTableName } | { readonly kind: 'conntrack' };

const HASH = 35;
const SPACE = 32;

/** Walks a sample's lines in order, handing each to the visitor; the limits are checked before any line is read. */
export function scanSample(text: string, limits: SampleLimits, visitor: SampleVisitor): SampleScan {
  if (text.length > limits.maxChars) return { kind: 'refused', reason: `sample is ${text.length} characters, more than the limit of ${limits.maxChars}` };
  // Where each line ends (its newline, or the end of the text), found once: the limit needs the count anyway.
  const ends: number[] = [];
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) ends.push(at);
  ends.push(text.length);
  if (ends.length > limits.maxLines) return { kind: 'refused', reason: `sample has ${ends.length} lines, more than the limit of ${limits.maxLines}` };
  let line = 0;
  const lineStart = (index: number): number => (index === 0 ? 0 : (ends[index - 1] ?? text.length) + 1);
  const lineText = (index: number): string => text.slice(lineStart(index), ends[index]);
  while (line < ends.length && lineText(line).trim() === '') line += 1;
  const first = line < ends.length ? lineText(line) : '';
  const header = HEADER.exec(first.trim());
  if (header === null) return { kind: 'refused', reason: `the first line is not a sample header "# kubeknock-sample ${SAMPLE_FORMAT_VERSION} node=NAME time=SECONDS": ${JSON.stringify(first.slice(0, 80))}` };
  if (Number(header[1]) !== SAMPLE_FORMAT_VERSION) return { kind: 'refused', reason: `sample format ${header[1]} is not the format ${SAMPLE_FORMAT_VERSION} this version reads: the collector and the CLI differ` };

  const node = header[2] ?? '';
  const time = Number(header[3]);
  visitor.begin?.(node, time);
  let unreadable = false;
  let malformed = 0;
  let section: Section = { kind: 'none' };
  let end = ends[line] ?? text.length;
  for (line += 1; line < ends.length; line += 1) {
    const start = end + 1;
    end = ends[line] ?? text.length;
    if (end - start >= 3 && text.charCodeAt(start) === HASH && text.charCodeAt(start + 1) === HASH && text.charCodeAt(start + 2) === SPACE) {
      const sectionLine = text.slice(start, end);
      const pod = POD_SECTION.exec(sectionLine);
      const table = pod?.[2] as SocketTableName | undefined;
      if (pod !== null && table !== undefined && (SOCKET_TABLES as readonly string[]).includes(table)) {
        visitor.podSection(pod[1] ?? '', table);
        section = { kind: 'table', table };
      } else if (sectionLine.trim() === '## conntrack') {
        visitor.conntrackSection();
        section = { kind: 'conntrack' };
      } else {
        malformed += 1;
        section = { kind: 'none' };
      }
      continue;
    }
    switch (section.kind) {
      case 'table':
        if (visitor.socketLine(section.table, text, start, end) === 'malformed') malformed += 1;
        break;
      case 'conntrack':
        // Only a line that starts with `#` or white space can trim to the marker: the others skip the slice.
        if (start < end && mayBeMarker(text.charCodeAt(start)) && text.slice(start, end).trim() === '# conntrack unreadable') {
          unreadable = true;
          break;
        }
        if (visitor.conntrackLine(text, start, end) === 'malformed') malformed += 1;
        break;
      case 'none':
        if (text.slice(start, end).trim() !== '') malformed += 1;
        break;
    }
  }
  return { kind: 'sample', node, time, unreadable, malformed };
}

/** `#`, or a character trim() may remove (ASCII white space, or anything beyond ASCII). */
function mayBeMarker(code: number): boolean {
  return code === HASH || code <= 32 || code >= 128;
}

export function parseSample(text: string, limits: SampleLimits = DEFAULT_LIMITS, cache?: AddressCache): SampleParse {
  const pods = new Map<string, SocketEntry[]>();
  let sockets: SocketEntry[] = [];
  let conntrack: ConntrackEntry[] | undefined;
  const scan = scanSample(text, limits, {
    podSection(uid) {
      sockets = pods.get(uid) ?? [];
      pods.set(uid, sockets);
    },
    socketLine(table, line, start, end) {
      const entry = parseSocketLine(table, line.slice(start, end), cache);
      if (entry === 'blank' || entry === 'malformed') return entry;
      sockets.push(entry);
      return 'entry';
    },
    conntrackSection() {
      conntrack ??= [];
    },
    conntrackLine(line, start, end) {
      const entry = parseConntrackLine(line.slice(start, end), cache);
      if (entry === 'blank' || entry === 'ignored' || entry === 'malformed') return entry;
      conntrack?.push(entry);
      return 'entry';
    },
  });
  if (scan.kind === 'refused') return scan;
  return {
    kind: 'sample',
    sample: {
      node: scan.node,
      time: scan.time,
      pods: [...pods].map(([uid, list]) => ({ uid, sockets: list })),
      conntrack: conntrack === undefined || scan.unreadable ? { kind: 'unreadable' } : { kind: 'read', entries: conntrack },
      malformed: scan.malformed,
    },
  };
}
