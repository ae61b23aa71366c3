import type { AttachmentType } from '../../shared/contract/submissions.ts';

const startsWith = (bytes: Uint8Array, signature: readonly number[], offset = 0) =>
  bytes.length >= offset + signature.length && signature.every((byte, i) => bytes[offset + i] === byte);

const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

/** How many leading bytes matchesDeclaredType looks at. */
export const SIGNATURE_BYTES = 12;

/** Whether the file's first bytes are those of the type the client declared. */
export function matchesDeclaredType(bytes: Uint8Array, type: AttachmentType): boolean {
  switch (type) {
    case 'image/jpeg': return startsWith(bytes, [0xff, 0xd8, 0xff]);
    case 'image/png': return startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    case 'image/webp': return startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8);
    case 'application/pdf': return startsWith(bytes, ascii('%PDF-'));
  }
}
