/**
 * Removes what a file says about who made it: EXIF (with GPS), XMP, IPTC and comments from JPEG; text and
 * EXIF chunks from PNG; author, creator, producer, title and XMP from PDF (blanked in place, so the PDF's
 * byte offsets stay valid). The phone runs it before an integrity report leaves it; the server runs it
 * again on what arrives. Pure bytes in, bytes out: no DOM, no Node APIs.
 */
import type { AttachmentType } from './contract/submissions.ts';

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function jpegWithoutMetadata(bytes: Uint8Array): Uint8Array {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return bytes;
  const parts: Uint8Array[] = [bytes.subarray(0, 2)];
  let i = 2;
  while (i + 4 <= bytes.length && bytes[i] === 0xff) {
    const marker = bytes[i + 1]!;
    if (marker === 0xda) break; // Start of scan: the image data follows, no more headers.
    const segmentEnd = i + 2 + ((bytes[i + 2]! << 8) | bytes[i + 3]!);
    // APP1 (EXIF, XMP), APP3..APP15 (IPTC and the like), COM. APP0 (JFIF) and APP2 (colour profile) stay.
    const drop = marker === 0xe1 || marker === 0xfe || (marker >= 0xe3 && marker <= 0xef);
    if (!drop) parts.push(bytes.subarray(i, segmentEnd));
    i = segmentEnd;
  }
  parts.push(bytes.subarray(i));
  return concat(parts);
}

function pngWithoutMetadata(bytes: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [bytes.subarray(0, 8)];
  let i = 8;
  while (i + 12 <= bytes.length) {
    const length = ((bytes[i]! << 24) >>> 0) + (bytes[i + 1]! << 16) + (bytes[i + 2]! << 8) + bytes[i + 3]!;
    const type = String.fromCharCode(...bytes.subarray(i + 4, i + 8));
    const end = i + 12 + length;
    if (!['tEXt', 'iTXt', 'zTXt', 'eXIf', 'tIME'].includes(type)) parts.push(bytes.subarray(i, end));
    i = end;
  }
  return concat(parts);
}

/** One character per byte, and back: PDF syntax is ASCII, its strings and streams any byte. */
function bytesToBinary(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return text;
}

function pdfWithoutMetadata(bytes: Uint8Array): Uint8Array {
  let text = bytesToBinary(bytes);
  const blank = (match: string, open: string, close: string) => {
    const at = match.indexOf(open);
    return match.slice(0, at + 1) + ' '.repeat(match.length - at - 2) + close;
  };
  text = text.replace(/\/(Author|Creator|Producer|Title|Subject|Keywords)\s*\((?:\\[\s\S]|[^\\)])*\)/g, (match) => blank(match, '(', ')'));
  text = text.replace(/\/(Author|Creator|Producer|Title|Subject|Keywords)\s*<[0-9A-Fa-f\s]*>/g, (match) => blank(match, '<', '>'));
  text = text.replace(/<x:xmpmeta[\s\S]*?<\/x:xmpmeta>/g, (match) => ' '.repeat(match.length));
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

export function withoutMetadata(bytes: Uint8Array, type: AttachmentType): Uint8Array {
  switch (type) {
    case 'image/jpeg': return jpegWithoutMetadata(bytes);
    case 'image/png': return pngWithoutMetadata(bytes);
    case 'application/pdf': return pdfWithoutMetadata(bytes);
    case 'image/webp': return bytes;
  }
}
