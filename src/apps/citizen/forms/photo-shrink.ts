/**
 * Shrinks a photo in the browser before it is stored (photo-size.ts says how far). Uses
 * createImageBitmap and an OffscreenCanvas where the browser has them, an <img> and a <canvas> where not.
 */
import { attemptsFor, pickEncodingToKeep, fitWithin } from './photo-size.ts';

export class PhotoUnreadableError extends Error {
  override name = 'PhotoUnreadableError';
  constructor() {
    super('Não conseguimos abrir esta imagem. Tire a foto de novo ou escolha outra (JPEG ou PNG).');
  }
}

interface Source {
  width: number;
  height: number;
  image: CanvasImageSource;
  close(): void;
}

async function decode(file: Blob): Promise<Source> {
  if (typeof createImageBitmap === 'function') {
    try {
      const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
      return { width: bitmap.width, height: bitmap.height, image: bitmap, close: () => bitmap.close() };
    } catch {
      // Some browsers refuse the options or the format here but can still show it in an <img>.
    }
  }
  const url = URL.createObjectURL(file);
  try {
    const img = new Image();
    img.decoding = 'async';
    img.src = url;
    await img.decode();
    if (!img.naturalWidth) throw new PhotoUnreadableError();
    return { width: img.naturalWidth, height: img.naturalHeight, image: img, close: () => URL.revokeObjectURL(url) };
  } catch {
    URL.revokeObjectURL(url);
    throw new PhotoUnreadableError();
  }
}

async function encode(source: Source, width: number, height: number, quality: number): Promise<Blob> {
  if (typeof OffscreenCanvas === 'function') {
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d');
    if (context) {
      context.drawImage(source.image, 0, 0, width, height);
      return canvas.convertToBlob({ type: 'image/jpeg', quality });
    }
  }
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d');
  if (!context) throw new PhotoUnreadableError();
  context.drawImage(source.image, 0, 0, width, height);
  return new Promise<Blob>((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new PhotoUnreadableError())), 'image/jpeg', quality));
}

/** A JPEG of the photo, longest side ≤ 1600 px and about 400 KB at most. */
export async function shrinkPhoto(file: Blob): Promise<Blob> {
  const source = await decode(file);
  try {
    if (!source.width || !source.height) throw new PhotoUnreadableError();
    const attempts = attemptsFor(source.width, source.height);
    const results: Blob[] = [];
    for (let i = 0; i < attempts.length; i++) {
      const { width, height } = fitWithin(source.width, source.height, attempts[i]!.maxSide);
      results.push(await encode(source, width, height, attempts[i]!.quality));
      const chosen = pickEncodingToKeep(results, attempts.length - 1 - i);
      if (chosen) return chosen;
    }
    throw new PhotoUnreadableError();
  } finally {
    source.close();
  }
}
