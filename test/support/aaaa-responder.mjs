// A minimal DNS responder for the IPv6 probe tests, run inside a test network namespace (BusyBox dnsd
// answers A records only, so AAAA answers need this). Usage: node aaaa-responder.mjs ADDRESS PORT ZONE,
// ZONE being JSON {"name": {"A": [...], "AAAA": [...]}}. Prints "ready" once bound; a name not in the
// zone is NXDOMAIN, a known name without records of the asked type an empty NOERROR.
import { createSocket } from 'node:dgram';

const [address = '::', port = '53', zoneText = '{}'] = process.argv.slice(2);
const zone = JSON.parse(zoneText);

function ipv6Bytes(text) {
  const [left, right] = text.split('::');
  const head = left ? left.split(':') : [];
  const tail = right ? right.split(':') : [];
  const groups = right === undefined ? head : [...head, ...Array(8 - head.length - tail.length).fill('0'), ...tail];
  const bytes = Buffer.alloc(16);
  groups.forEach((group, i) => bytes.writeUInt16BE(parseInt(group, 16), i * 2));
  return bytes;
}

function respond(query) {
  const labels = [];
  let i = 12;
  while (i < query.length && query[i] !== 0) {
    labels.push(query.subarray(i + 1, i + 1 + query[i]).toString('latin1'));
    i += query[i] + 1;
  }
  const type = query.readUInt16BE(i + 1);
  const entry = zone[labels.join('.').toLowerCase()];
  const records = entry === undefined ? [] : type === 28 ? (entry.AAAA ?? []) : type === 1 ? (entry.A ?? []) : [];
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2);
  header[2] = 0x85; // QR, AA, RD
  header[3] = 0x80 | (entry === undefined ? 3 : 0); // RA, NXDOMAIN or NOERROR
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(records.length, 6);
  const answers = records.map((record) => {
    const data = type === 28 ? ipv6Bytes(record) : Buffer.from(record.split('.').map(Number));
    const rr = Buffer.alloc(12);
    rr.writeUInt16BE(0xc00c, 0);
    rr.writeUInt16BE(type, 2);
    rr.writeUInt16BE(1, 4);
    rr.writeUInt32BE(30, 6);
    rr.writeUInt16BE(data.length, 10);
    return Buffer.concat([rr, data]);
  });
  return Buffer.concat([header, query.subarray(12, i + 5), ...answers]);
}

const socket = createSocket({ type: address.includes(':') ? 'udp6' : 'udp4' });
socket.on('message', (message, peer) => socket.send(respond(message), peer.port, peer.address));
socket.bind(Number(port), address, () => process.stdout.write('ready\n'));
