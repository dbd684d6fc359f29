import { expect, it } from 'vitest';
import { TrainError } from '../src/errors.js';
import { importPeer } from '../src/tf-setup.js';

it('a missing TF.js peer package is a TrainError naming what to install', async () => {
  const missing = importPeer(
    () => import('@tensorflow/tfjs-backend-not-installed' as string),
    '@tensorflow/tfjs-backend-wasm',
    'wasm',
  );
  await expect(missing).rejects.toThrow(TrainError);
  await expect(missing).rejects.toThrow(
    "device 'wasm' needs the peer dependency @tensorflow/tfjs-backend-wasm@4.22.0: npm install @tensorflow/tfjs-backend-wasm@4.22.0",
  );
  await expect(importPeer(async () => 42, 'x', 'cpu')).resolves.toBe(42);
});
