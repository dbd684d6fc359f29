import { ImageFormatError } from './errors.js';
import { checkLimit, type Limits } from './limits.js';

export interface ImageSize {
  format: 'png' | 'jpeg';
  width: number;
  height: number;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function pngSize(bytes: Uint8Array, view: DataView): ImageSize {
  // signature, then the IHDR chunk: length (4), type (4), width (4), height (4), big-endian
  if (bytes.length < 24 || !PNG_SIGNATURE.every((b, i) => bytes[i] === b)) {
    throw new ImageFormatError('image-header', 'not a PNG file (bad signature or too short)');
  }
  if (String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') {
    throw new ImageFormatError('image-header', 'PNG file does not start with an IHDR chunk');
  }
  return { format: 'png', width: view.getUint32(16), height: view.getUint32(20) };
}

/** Start-of-frame markers carry the size; C4 (DHT), C8 (JPG) and CC (DAC) share the range. */
const isStartOfFrame = (m: number) =>
  m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;

function jpegSize(bytes: Uint8Array, view: DataView): ImageSize {
  let pos = 2;
  while (pos + 4 <= bytes.length) {
    if (bytes[pos] !== 0xff) break;
    const marker = bytes[pos + 1];
    if (marker === 0xff) {
      pos++; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      pos += 2; // markers without a length
      continue;
    }
    if (marker === 0xda || marker === 0xd9) break; // scan data or end before any frame header
    if (isStartOfFrame(marker)) {
      if (pos + 9 > bytes.length) break;
      return { format: 'jpeg', height: view.getUint16(pos + 5), width: view.getUint16(pos + 7) };
    }
    pos += 2 + view.getUint16(pos + 2);
  }
  throw new ImageFormatError(
    'image-header',
    'JPEG file has no readable frame header (SOF) with its size',
  );
}

/**
 * The format and size a PNG or JPEG file declares, read from its header without decoding
 * anything, so the size can be checked before a decoder allocates for it (a browser's or a
 * library's). Anything else, or a header without a size, is an ImageFormatError.
 */
export function imageSize(bytes: Uint8Array): ImageSize {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes[0] === 0x89 && bytes[1] === 0x50) return pngSize(bytes, view);
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return jpegSize(bytes, view);
  throw new ImageFormatError('image-format', 'not a JPEG or PNG file');
}

/**
 * imageSize, refusing a declared size of zero (ImageFormatError) or past maxImagePixels
 * (LimitError): call it on a file's bytes before handing them to any decoder. `name` (a path)
 * starts every message.
 */
export function checkImageSize(bytes: Uint8Array, limits: Limits, name?: string): ImageSize {
  const prefix = name === undefined ? '' : `${name}: `;
  let size: ImageSize;
  try {
    size = imageSize(bytes);
  } catch (error) {
    if (!(error instanceof ImageFormatError)) throw error;
    throw new ImageFormatError(error.code, `${prefix}${error.message}`);
  }
  const { width, height } = size;
  if (width === 0 || height === 0) {
    throw new ImageFormatError(
      'image-header',
      `${prefix}the header declares ${width} x ${height} pixels`,
    );
  }
  const what = `${prefix}the pixel count (${width} x ${height})`;
  checkLimit(limits, 'maxImagePixels', width * height, what);
  return size;
}
