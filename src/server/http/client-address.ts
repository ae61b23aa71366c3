/**
 * The key by which limits count a client. IPv4 as is; IPv6 by its /64 prefix, because one phone (or one
 * attacker) gets a whole /64 from its carrier and can rotate the low 64 bits at will.
 */
import { isIPv6 } from 'node:net';

function expandIpv6(address: string): string[] | null {
  const [head = '', tail] = address.split('::');
  const headParts = head ? head.split(':') : [];
  const tailParts = tail !== undefined && tail !== '' ? tail.split(':') : [];
  if (tail === undefined && headParts.length !== 8) return null;
  const missing = 8 - headParts.length - tailParts.length;
  if (missing < 0) return null;
  return [...headParts, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...tailParts].map((part) => part.padStart(4, '0'));
}

export function clientKey(ip: string | undefined): string {
  if (!ip) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!isIPv6(ip)) return ip;
  const parts = expandIpv6(ip.split('%')[0]!.toLowerCase());
  return parts ? `${parts.slice(0, 4).join(':')}::/64` : ip;
}
