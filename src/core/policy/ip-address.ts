// IPv4 / IPv6 parsing and CIDR arithmetic (core may not import node:net).

export interface ParsedIp {
  version: 4 | 6;
  value: bigint;
}

export interface ParsedCidr extends ParsedIp {
  bits: number;
}

function parseV4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

function parseV6(input: string): bigint | undefined {
  let text = input;
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  if (text.includes('.')) {
    // An embedded IPv4 tail (::ffff:192.0.2.1) becomes two hex groups.
    const cut = text.lastIndexOf(':');
    const v4 = parseV4(text.slice(cut + 1));
    if (v4 === undefined) return undefined;
    text = `${text.slice(0, cut + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  if (halves.length === 1 && head.length !== 8) return undefined;
  if (halves.length === 2 && head.length + tail.length > 7) return undefined;
  const groups = [...head, ...new Array<string>(8 - head.length - tail.length).fill('0'), ...tail];
  let value = 0n;
  for (const group of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
    value = (value << 16n) | BigInt(Number.parseInt(group, 16));
  }
  return value;
}

const V4_MAPPED_PREFIX = 0xffffn << 32n;

/** Parses an IPv4 or IPv6 address; IPv4-mapped IPv6 addresses come back as IPv4. */
export function parseIp(text: string): ParsedIp | undefined {
  const trimmed = text.trim();
  if (trimmed.includes(':')) {
    const value = parseV6(trimmed);
    if (value === undefined) return undefined;
    if (value >> 32n === 0xffffn) return { version: 4, value: value ^ V4_MAPPED_PREFIX };
    return { version: 6, value };
  }
  const value = parseV4(trimmed);
  return value === undefined ? undefined : { version: 4, value };
}

/** Parses `addr/prefix` (a bare address is a single-host range). */
export function parseCidr(text: string): ParsedCidr | undefined {
  const [address = '', prefix, extra] = text.trim().split('/');
  if (extra !== undefined) return undefined;
  const ip = parseIp(address);
  if (!ip) return undefined;
  const width = ip.version === 4 ? 32 : 128;
  if (prefix === undefined) return { ...ip, bits: width };
  if (!/^\d{1,3}$/.test(prefix)) return undefined;
  const bits = Number(prefix);
  if (bits > width) return undefined;
  return { ...ip, bits };
}

/** True/false when both parse; undefined when either is not an address or range. */
export function ipInCidr(ipText: string, cidrText: string): boolean | undefined {
  const ip = parseIp(ipText);
  const cidr = parseCidr(cidrText);
  if (!ip || !cidr) return undefined;
  if (ip.version !== cidr.version) return false;
  const shift = BigInt((ip.version === 4 ? 32 : 128) - cidr.bits);
  return ip.value >> shift === cidr.value >> shift;
}

/** An inclusive address range of one IP version. */
export interface IpRange {
  version: 4 | 6;
  low: bigint;
  high: bigint;
}

/** The range a CIDR covers; undefined when it does not parse. */
export function cidrRange(text: string): IpRange | undefined {
  const cidr = parseCidr(text);
  if (!cidr) return undefined;
  const hostBits = BigInt((cidr.version === 4 ? 32 : 128) - cidr.bits);
  const low = (cidr.value >> hostBits) << hostBits;
  return { version: cidr.version, low, high: low + (1n << hostBits) - 1n };
}

/** The overlap of two ranges; undefined when they share no address (other versions never do). */
export function intersectRanges(a: IpRange, b: IpRange): IpRange | undefined {
  if (a.version !== b.version) return undefined;
  const low = a.low > b.low ? a.low : b.low;
  const high = a.high < b.high ? a.high : b.high;
  return low <= high ? { version: a.version, low, high } : undefined;
}
