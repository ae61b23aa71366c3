/**
 * Draws the app icons (no network, no image tools): a white "C" ring with a location dot on the
 * theme blue. `npm run icons` writes public/icons/*.png and public/favicon.ico; the output is committed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const BLUE: Rgba = [0x0b, 0x4f, 0x8a, 255];
const WHITE: Rgba = [255, 255, 255, 255];
const YELLOW: Rgba = [0xf2, 0xc1, 0x2e, 255];
type Rgba = [number, number, number, number];

interface IconSpec {
  file: string;
  size: number;
  /** Maskable icons fill the square; the mark stays inside the 80% safe zone. */
  maskable: boolean;
}

/** Coverage of the mark at a point in unit coordinates (0..1), as colour or null for background. */
function shade(x: number, y: number, maskable: boolean): Rgba | null {
  const scale = maskable ? 0.72 : 0.9;
  const u = (x - 0.5) / scale;
  const v = (y - 0.5) / scale;
  if (!maskable) {
    // Rounded square background.
    const r = 0.22;
    const ax = Math.max(Math.abs(x - 0.5) - (0.5 - r), 0);
    const ay = Math.max(Math.abs(y - 0.5) - (0.5 - r), 0);
    if (ax * ax + ay * ay > r * r) return [0, 0, 0, 0];
  }
  const d = Math.hypot(u, v);
  const angle = Math.atan2(v, u);
  // The "C": a ring open to the right.
  if (d > 0.24 && d < 0.38 && Math.abs(angle) > Math.PI / 4.2) return WHITE;
  // The dot: a place on the map, at the opening of the C.
  if (Math.hypot(u - 0.2, v) < 0.085) return YELLOW;
  return null;
}

function render(spec: IconSpec): Buffer {
  const { size, maskable } = spec;
  const samples = 4;
  const rows: Buffer[] = [];
  for (let py = 0; py < size; py++) {
    const row = Buffer.alloc(1 + size * 4);
    for (let px = 0; px < size; px++) {
      const acc = [0, 0, 0, 0];
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const colour = shade((px + (sx + 0.5) / samples) / size, (py + (sy + 0.5) / samples) / size, maskable) ?? BLUE;
          const alpha = colour[3] / 255;
          acc[0]! += colour[0] * alpha;
          acc[1]! += colour[1] * alpha;
          acc[2]! += colour[2] * alpha;
          acc[3]! += colour[3];
        }
      }
      const n = samples * samples;
      const alpha = acc[3]! / n;
      const offset = 1 + px * 4;
      const unpremultiply = alpha > 0 ? 255 / alpha : 0;
      row[offset] = Math.round((acc[0]! / n) * unpremultiply);
      row[offset + 1] = Math.round((acc[1]! / n) * unpremultiply);
      row[offset + 2] = Math.round((acc[2]! / n) * unpremultiply);
      row[offset + 3] = Math.round(alpha);
    }
    rows.push(row);
  }
  return encodePng(size, size, Buffer.concat(rows));
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/** PNG, 8-bit RGBA, filter 0 on every row (rows already carry the filter byte). */
function encodePng(width: number, height: number, filteredRows: Buffer): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;
  header[9] = 6;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(filteredRows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** An .ico holding one PNG image (supported by every current browser). */
function encodeIco(png: Buffer, size: number): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(1, 4);
  const entry = Buffer.alloc(16);
  entry[0] = size >= 256 ? 0 : size;
  entry[1] = size >= 256 ? 0 : size;
  entry.writeUInt16LE(1, 4);
  entry.writeUInt16LE(32, 6);
  entry.writeUInt32LE(png.length, 8);
  entry.writeUInt32LE(22, 12);
  return Buffer.concat([header, entry, png]);
}

const outDir = new URL('../public/icons/', import.meta.url);
mkdirSync(outDir, { recursive: true });
const specs: IconSpec[] = [
  { file: 'icon-192.png', size: 192, maskable: false },
  { file: 'icon-512.png', size: 512, maskable: false },
  { file: 'maskable-512.png', size: 512, maskable: true },
  // iOS puts its own mask on the icon: full bleed, like a maskable one.
  { file: 'apple-touch-icon.png', size: 180, maskable: true },
];
for (const spec of specs) {
  const png = render(spec);
  writeFileSync(new URL(spec.file, outDir), png);
  console.log(`public/icons/${spec.file}  ${spec.size}x${spec.size}  ${png.length} bytes`);
}
const favicon = encodeIco(render({ file: 'favicon', size: 32, maskable: false }), 32);
writeFileSync(new URL('../public/favicon.ico', import.meta.url), favicon);
console.log(`public/favicon.ico  32x32  ${favicon.length} bytes`);
