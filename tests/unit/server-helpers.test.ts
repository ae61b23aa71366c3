import { describe, expect, it } from 'vitest';
import { chooseEncoding, etagMatches } from '../../src/server/http/versioned-file.ts';
import { canonicalJson } from '../../src/server/domain/hashing.ts';
import { matchesDeclaredType } from '../../src/server/domain/file-signatures.ts';
import { parseTrustProxy, readConfig } from '../../src/server/config.ts';
import { clientKey } from '../../src/server/http/client-address.ts';
import { formatProtocol } from '../../src/server/storage/submission-store.ts';

describe('etagMatches', () => {
  const etag = '"abc"';
  it('matches the tag alone, in a list, weak, or *', () => {
    expect(etagMatches('"abc"', etag)).toBe(true);
    expect(etagMatches('"x", "abc"', etag)).toBe(true);
    expect(etagMatches('W/"abc"', etag)).toBe(true);
    expect(etagMatches('*', etag)).toBe(true);
  });
  it('does not match other tags or nothing', () => {
    expect(etagMatches(undefined, etag)).toBe(false);
    expect(etagMatches('"abcd"', etag)).toBe(false);
    expect(etagMatches('abc', etag)).toBe(false);
  });
});

describe('chooseEncoding', () => {
  it('prefers brotli, honours q=0 and wildcards', () => {
    expect(chooseEncoding('gzip, deflate, br')).toBe('br');
    expect(chooseEncoding('gzip')).toBe('gzip');
    expect(chooseEncoding('br;q=0, gzip')).toBe('gzip');
    expect(chooseEncoding('gzip;q=1, br;q=0.5')).toBe('gzip');
    expect(chooseEncoding('*')).toBe('br');
    expect(chooseEncoding('identity')).toBeNull();
    expect(chooseEncoding('*;q=0')).toBeNull();
    expect(chooseEncoding(undefined)).toBeNull();
  });
});

describe('canonicalJson', () => {
  it('is the same whatever the key order, and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe(canonicalJson({ a: { c: null, d: [2, 1] }, b: 1 }));
    expect(canonicalJson({ a: [1, 2] })).not.toBe(canonicalJson({ a: [2, 1] }));
    expect(canonicalJson({ a: 'x', b: undefined })).toBe('{"a":"x"}');
  });
});

describe('matchesDeclaredType', () => {
  it('recognises each accepted type by its first bytes', () => {
    expect(matchesDeclaredType(Buffer.from([0xff, 0xd8, 0xff, 0xdb]), 'image/jpeg')).toBe(true);
    expect(matchesDeclaredType(Buffer.from('\x89PNG\r\n\x1a\n....', 'latin1'), 'image/png')).toBe(true);
    expect(matchesDeclaredType(Buffer.from('RIFF\0\0\0\0WEBPVP8 '), 'image/webp')).toBe(true);
    expect(matchesDeclaredType(Buffer.from('%PDF-1.7'), 'application/pdf')).toBe(true);
  });
  it('refuses other bytes', () => {
    expect(matchesDeclaredType(Buffer.from('%PDF-1.7'), 'image/jpeg')).toBe(false);
    expect(matchesDeclaredType(Buffer.from('RIFF\0\0\0\0WAVE'), 'image/webp')).toBe(false);
    expect(matchesDeclaredType(Buffer.from([0xff]), 'image/jpeg')).toBe(false);
  });
});

describe('readConfig', () => {
  it('has the documented defaults', () => {
    expect(readConfig({})).toMatchObject({ port: 8080, host: '0.0.0.0', dataDir: './.data', databaseUrl: undefined, rateLimitPerMinute: 600, logLevel: 'info' });
  });
  it('reads the environment and refuses nonsense numbers', () => {
    expect(readConfig({ PORT: '3000', DATABASE_URL: 'postgres://x', RATE_LIMIT_PER_MINUTE: '0' })).toMatchObject({ port: 3000, databaseUrl: 'postgres://x', rateLimitPerMinute: 0 });
    expect(() => readConfig({ PORT: 'abc' })).toThrow(/PORT/);
  });
});

describe('TRUST_PROXY', () => {
  it('takes a hop count or the proxies\' addresses, never "trust everyone"', () => {
    expect(parseTrustProxy(undefined)).toBe(false);
    expect(parseTrustProxy('0')).toBe(false);
    expect(parseTrustProxy('1')).toBe(1);
    expect(parseTrustProxy('10.0.0.0/8, 192.168.1.7')).toEqual(['10.0.0.0/8', '192.168.1.7']);
    expect(parseTrustProxy('fd00::/8')).toEqual(['fd00::/8']);
    for (const everyone of ['true', 'all', '*', 'yes']) expect(() => parseTrustProxy(everyone)).toThrow(/TRUST_PROXY/);
  });
});

describe('clientKey', () => {
  it('groups IPv6 by /64 and unwraps IPv4-mapped addresses', () => {
    expect(clientKey('203.0.113.9')).toBe('203.0.113.9');
    expect(clientKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(clientKey('2001:db8:1:2::1')).toBe(clientKey('2001:db8:1:2:ffff:eeee:dddd:cccc'));
    expect(clientKey('2001:db8:1:2::1')).toBe('2001:0db8:0001:0002::/64');
    expect(clientKey('2001:db8:1:3::1')).not.toBe(clientKey('2001:db8:1:2::1'));
    expect(clientKey('::1')).toBe('0000:0000:0000:0000::/64');
    expect(clientKey(undefined)).toBe('unknown');
  });
});

describe('formatProtocol', () => {
  it('is the year and a six-digit sequence', () => {
    expect(formatProtocol('2026', 123)).toBe('2026-000123');
    expect(formatProtocol('2027', 1234567)).toBe('2027-1234567');
  });
});
