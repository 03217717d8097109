/**
 * DNS answers that BusyBox dnsd cannot give (SERVFAIL, REFUSED, an empty NOERROR, several addresses):
 * a minimal responder in this process on 127.0.0.1, queried by the real nslookup with `-port`.
 * The probe's own argv is used, with `-port` added; nothing leaves loopback.
 */
import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutcomeClass } from '../../src/model/outcome.js';
import type { ProbeTask } from '../../src/model/probe.js';
import { classifyOutcome } from '../../src/probe/classify.js';
import { probeArgv } from '../../src/probe/commands.js';
import { shellJoin } from '../../src/probe/shell-quote.js';
import { createAppletDir, runScript } from '../support/busybox.js';
import { addressesOf } from '../support/outcome.js';

interface Answer {
  readonly rcode: number;
  readonly addresses: readonly string[];
  readonly authoritative: boolean;
}

const ZONE: Readonly<Record<string, Answer>> = {
  'servfail.kk.test': { rcode: 2, addresses: [], authoritative: true },
  'refused.kk.test': { rcode: 5, addresses: [], authoritative: false },
  'empty.kk.test': { rcode: 0, addresses: [], authoritative: false },
  'two.kk.test': { rcode: 0, addresses: ['198.18.0.10', '198.18.0.11'], authoritative: true },
};

/** Answers a query from ZONE (NXDOMAIN for anything else), echoing the question. */
function respond(query: Buffer): Buffer {
  const labels: string[] = [];
  let i = 12;
  while (i < query.length && query[i] !== 0) {
    const len = query[i] ?? 0;
    labels.push(query.subarray(i + 1, i + 1 + len).toString('latin1'));
    i += len + 1;
  }
  const questionEnd = i + 5; // zero label, QTYPE, QCLASS
  const answer = ZONE[labels.join('.').toLowerCase()] ?? { rcode: 3, addresses: [], authoritative: true };
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2); // id
  header[2] = 0x81 | (answer.authoritative ? 0x04 : 0); // QR, RD, AA
  header[3] = 0x80 | answer.rcode; // RA, RCODE
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answer.addresses.length, 6);
  const records = answer.addresses.map((address) => {
    const rr = Buffer.alloc(16);
    rr.writeUInt16BE(0xc00c, 0); // pointer to the question name
    rr.writeUInt16BE(1, 2); // A
    rr.writeUInt16BE(1, 4); // IN
    rr.writeUInt32BE(30, 6); // TTL
    rr.writeUInt16BE(4, 10);
    address.split('.').forEach((octet, n) => (rr[12 + n] = Number(octet)));
    return rr;
  });
  return Buffer.concat([header, query.subarray(12, questionEnd), ...records]);
}

const applets = createAppletDir();
let server: Socket;
let port = 0;

beforeAll(async () => {
  server = createSocket('udp4');
  server.on('message', (msg, peer) => server.send(respond(msg), peer.port, peer.address));
  await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', resolve));
  port = server.address().port;
});

afterAll(() => {
  server.close();
  applets.remove();
});

describe('nslookup answers from a DNS server that was reached', () => {
  const header = (): string => `Server:\t\t127.0.0.1\nAddress:\t127.0.0.1:${port}\n\n`;
  it.each<[string, number, () => string, OutcomeClass, readonly string[] | undefined]>([
    ['servfail.kk.test.', 1, () => `${header()}** server can't find servfail.kk.test.: SERVFAIL\n\n`, 'name-not-found', undefined],
    ['refused.kk.test.', 1, () => `${header()}** server can't find refused.kk.test.: REFUSED\n\n`, 'name-not-found', undefined],
    ['empty.kk.test.', 0, () => `${header()}Non-authoritative answer:\n\n`, 'name-not-found', undefined],
    ['nope.kk.test.', 1, () => `${header()}** server can't find nope.kk.test.: NXDOMAIN\n\n`, 'name-not-found', undefined],
    [
      'two.kk.test.',
      0,
      () => `${header()}Name:\ttwo.kk.test\nAddress: 198.18.0.10\nName:\ttwo.kk.test\nAddress: 198.18.0.11\n\n`,
      'resolved',
      ['198.18.0.10', '198.18.0.11'],
    ],
  ])('%s', async (name, exit, output, cls, addresses) => {
    const task: ProbeTask = { id: 'd', kind: 'dns', name, server: '127.0.0.1', timeoutSeconds: 2 };
    const [command, ...rest] = probeArgv(task);
    const run = await runScript(applets, `${shellJoin([command ?? '', `-port=${port}`, ...rest])} 2>&1`);
    expect({ exit: run.exitCode, output: run.stdout }).toEqual({ exit, output: output() });
    const outcome = classifyOutcome(task, { id: 'd', exitCode: run.exitCode ?? -1, output: run.stdout, durationMs: 0 });
    expect(outcome.class).toBe(cls);
    expect(addressesOf(outcome)).toEqual(addresses);
  });
});
