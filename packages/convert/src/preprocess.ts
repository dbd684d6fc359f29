/** How pixels become model inputs. */
export type Preprocess = 'none' | 'unit' | 'caffe' | 'tf';

/** Decoded pixels, 4 bytes (RGBA) each. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * Centre square crop, bilinear resize to height x width, channels 1 (grey) or 3, then:
 * 'none' 0..255, 'unit' 0..1, 'caffe' BGR minus ImageNet means (Keras ResNet), 'tf' -1..1.
 */
export function imageToInput(
  img: RgbaImage,
  height: number,
  width: number,
  channels: number,
  mode: Preprocess,
): Float32Array {
  const side = Math.min(img.width, img.height);
  const x0 = (img.width - side) / 2;
  const y0 = (img.height - side) / 2;
  const out = new Float32Array(height * width * channels);
  const px = (x: number, y: number, c: number) =>
    img.data[(Math.min(img.height - 1, y) * img.width + Math.min(img.width - 1, x)) * 4 + c];
  const means = [123.68, 116.779, 103.939];
  for (let i = 0; i < height; i++) {
    for (let j = 0; j < width; j++) {
      const sy = y0 + ((i + 0.5) * side) / height - 0.5;
      const sx = x0 + ((j + 0.5) * side) / width - 0.5;
      const ya = Math.max(0, Math.floor(sy));
      const xa = Math.max(0, Math.floor(sx));
      const fy = Math.max(0, sy - ya);
      const fx = Math.max(0, sx - xa);
      const rgb = [0, 1, 2].map(
        (c) =>
          (1 - fy) * ((1 - fx) * px(xa, ya, c) + fx * px(xa + 1, ya, c)) +
          fy * ((1 - fx) * px(xa, ya + 1, c) + fx * px(xa + 1, ya + 1, c)),
      );
      const values =
        channels === 1
          ? [0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]]
          : mode === 'caffe'
            ? [rgb[2] - means[2], rgb[1] - means[1], rgb[0] - means[0]]
            : rgb;
      values.forEach((v, c) => {
        out[(i * width + j) * channels + c] =
          mode === 'unit' ? v / 255 : mode === 'tf' ? v / 127.5 - 1 : v;
      });
    }
  }
  return out;
}
