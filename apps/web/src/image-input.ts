import { checkImageSize, checkLimit, resolveLimits } from '@pabnn/ir';

/** Draws 28x28 grey pixels onto a canvas (scaled by the canvas's CSS size). */
export function drawPixels(canvas: HTMLCanvasElement, pixels: Uint8Array): void {
  const small = document.createElement('canvas');
  small.width = 28;
  small.height = 28;
  const ctx = small.getContext('2d') as CanvasRenderingContext2D;
  const image = ctx.createImageData(28, 28);
  for (let i = 0; i < 784; i++) {
    image.data.set([pixels[i], pixels[i], pixels[i], 255], i * 4);
  }
  ctx.putImageData(image, 0, 0);
  const out = canvas.getContext('2d') as CanvasRenderingContext2D;
  out.imageSmoothingEnabled = false;
  out.drawImage(small, 0, 0, canvas.width, canvas.height);
}

/**
 * A PNG or JPEG file, as the 28x28 grey input the models expect: scaled to fit, centred, and
 * inverted when its background is light (the datasets are light on dark). The file is
 * untrusted: its size and the width x height its header declares are checked against the
 * limits before the browser decodes it (a 157-byte PNG can claim 20000 x 20000 pixels).
 */
export async function imageToPixels(file: Blob): Promise<Uint8Array> {
  const limits = resolveLimits();
  checkLimit(limits, 'maxFileBytes', file.size, 'the image file size in bytes');
  checkImageSize(new Uint8Array(await file.arrayBuffer()), limits);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw new Error('this file is not an image the browser can decode (try PNG or JPEG)');
  }
  const canvas = document.createElement('canvas');
  canvas.width = 28;
  canvas.height = 28;
  const ctx = canvas.getContext('2d', { willReadFrequently: true }) as CanvasRenderingContext2D;
  const s = 28 / Math.max(bitmap.width, bitmap.height);
  const w = bitmap.width * s;
  const h = bitmap.height * s;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, 28, 28);
  ctx.drawImage(bitmap, (28 - w) / 2, (28 - h) / 2, w, h);
  const rgba = ctx.getImageData(0, 0, 28, 28).data;
  const grey = new Uint8Array(784);
  let border = 0;
  for (let i = 0; i < 784; i++) {
    grey[i] = Math.round(0.299 * rgba[i * 4] + 0.587 * rgba[i * 4 + 1] + 0.114 * rgba[i * 4 + 2]);
    const r = Math.floor(i / 28);
    const c = i % 28;
    if (r === 0 || c === 0 || r === 27 || c === 27) border += grey[i];
  }
  if (border / 108 > 127) for (let i = 0; i < 784; i++) grey[i] = 255 - grey[i];
  return grey;
}
