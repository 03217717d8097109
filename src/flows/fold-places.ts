/**
 * The fold's address book: every address a sample names, resolved once to a Place (what it is in the
 * cluster facts), and looked up again by the raw form the sample wrote, so the hot path converts no
 * address to text and compares places by identity. One book per ClusterFacts: newer facts, new book.
 *
 * A place's `id` is unique for the fold's whole life (never reused, also across books): the conntrack
 * index keys connections by ids. Two places of one sample are the same address exactly when they are
 * the same object, because the book is only emptied between samples (see startSample).
 */
import { addressFromKernelHex, parseAddress, type Address } from './address.js';
import type { AddressOwner, ClusterFacts, PodFact } from './fold-facts.js';
import type { FlowParty } from './types.js';

export interface Place {
  readonly id: number;
  readonly address: Address;
  readonly owner: AddressOwner;
  /** The pod at this address, when the owner is a pod, and its party (ClusterFacts.partyOf). */
  readonly pod: PodFact | undefined;
  readonly podParty: FlowParty | undefined;
  /** The fold's server ports of that pod, once it asked (the same Set for the fold's life, so it may be kept here). */
  podPorts: Set<number> | undefined;
  /** What the fold made of this address, once it asked: its party ('local': none) and that party's number (FlowAggregates.idOf). */
  party: FlowParty | 'local' | undefined;
  partyId: number;
  /** The pod's declared port names (ClusterFacts.portNamesOf), once the fold asked. */
  portNames: ReadonlyMap<number, string> | undefined;
}

/** More addresses than this (a scan of the whole internet…) and the book starts over at the next sample. */
const BOOK_LIMIT = 200_000;

export class PlaceBook {
  /** IPv4 by value (first octet highest), as an int32 so the key stays a small integer. */
  private readonly ipv4 = new Map<number, Place>();
  /** IPv6 by canonical text. */
  private readonly ipv6 = new Map<string, Place>();
  /** IPv6 by the raw text a sample wrote (kernel hex, conntrack's expanded form); null: not an address. */
  private readonly raw = new Map<string, Place | null>();

  constructor(
    private readonly cluster: ClusterFacts,
    private readonly ids: { next: number },
  ) {}

  /** Called before each sample: a book past its limit starts over here, never in the middle of a sample. */
  startSample(): void {
    if (this.ipv4.size + this.ipv6.size + this.raw.size < BOOK_LIMIT) return;
    this.ipv4.clear();
    this.ipv6.clear();
    this.raw.clear();
  }

  /** An IPv4 address by value (first octet highest). */
  ipv4Place(value: number): Place {
    const key = value | 0;
    let place = this.ipv4.get(key);
    if (place === undefined) {
      const unsigned = value >>> 0;
      place = this.make({ text: `${unsigned >>> 24}.${(unsigned >>> 16) & 0xff}.${(unsigned >>> 8) & 0xff}.${unsigned & 0xff}`, family: 'ipv4' });
      this.ipv4.set(key, place);
    }
    return place;
  }

  /** An address already parsed (a Sample built by parseSample). */
  place(address: Address): Place {
    if (address.family === 'ipv4') return this.ipv4Place(ipv4Value(address.text));
    let place = this.ipv6.get(address.text);
    if (place === undefined) {
      place = this.make(address);
      this.ipv6.set(address.text, place);
    }
    return place;
  }

  /** A socket table's 32 hex digits at `at` (already checked to be hex); v4-mapped ones are the IPv4 place. */
  kernelHex6(text: string, at: number): Place | undefined {
    return this.rawPlace(text.slice(at, at + 32), addressFromKernelHex);
  }

  /** A conntrack address `text[start, end)`: a dotted quad without building a string, anything else by its text. */
  conntrackText(text: string, start: number, end: number): Place | undefined {
    const value = dottedQuadAt(text, start, end);
    return value >= 0 ? this.ipv4Place(value) : this.rawPlace(text.slice(start, end), parseAddress);
  }

  private rawPlace(raw: string, parse: (text: string) => Address | undefined): Place | undefined {
    let place = this.raw.get(raw);
    if (place === undefined) {
      const address = parse(raw);
      place = address === undefined ? null : this.place(address);
      this.raw.set(raw, place);
    }
    return place ?? undefined;
  }

  private make(address: Address): Place {
    const owner = this.cluster.ownerOf(address);
    this.ids.next += 1;
    const pod = owner.kind === 'pod' ? owner.pod : undefined;
    return { id: this.ids.next, address, owner, pod, podParty: pod === undefined ? undefined : this.cluster.partyOf(pod), podPorts: undefined, party: undefined, partyId: 0, portNames: undefined };
  }
}

/** A canonical dotted quad's value. */
function ipv4Value(text: string): number {
  let value = 0;
  for (const part of text.split('.')) value = value * 256 + Number(part);
  return value;
}

/**
 * `text[start, end)` as an IPv4 address, as parseAddress reads one (four parts of one to three
 * digits, each at most 255): its value, or -1 when it is not (the caller then asks parseAddress).
 */
function dottedQuadAt(text: string, start: number, end: number): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = start; i < end; i += 1) {
    const code = text.charCodeAt(i);
    if (code === 46) {
      if (digits === 0 || dots === 3) return -1;
      value = value * 256 + part;
      part = 0;
      digits = 0;
      dots += 1;
    } else if (code >= 48 && code <= 57 && digits < 3) {
      part = part * 10 + code - 48;
      digits += 1;
      if (part > 255) return -1;
    } else return -1;
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + part;
}
