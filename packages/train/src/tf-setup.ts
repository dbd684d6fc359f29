import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { TrainError } from './errors.js';

export type Device = 'wasm' | 'cpu' | 'webgpu';

const isNode = typeof process !== 'undefined' && Boolean(process.versions?.node);

/**
 * tfjs-core registers no gradients by itself, and its `register_all_gradients` module is ESM
 * without file extensions, which Node cannot load. The union package's CommonJS bundle
 * registers them all on the same tfjs-core instance, so Node loads that; bundlers (browsers)
 * load core's own module.
 */
async function registerGradients(): Promise<void> {
  if (tf.getGradient('Conv2D')) return; // already there (a bundle that imported them, or a second call)
  if (isNode) createRequire(import.meta.url)('@tensorflow/tfjs');
  else await import('@tensorflow/tfjs-core/dist/register_all_gradients.js' as string);
}

/**
 * A TF.js package @pabnn/train takes as a peer dependency (the app picks the TF.js version and
 * backends it installs): its import, or a TrainError that names the package to install.
 */
export async function importPeer<T>(
  load: () => Promise<T>,
  name: string,
  device: string,
): Promise<T> {
  try {
    return await load();
  } catch {
    throw new TrainError(
      'no-device',
      `device '${device}' needs the peer dependency ${name}@4.22.0: npm install ${name}@4.22.0`,
    );
  }
}

/**
 * Selects TF.js's backend for training. 'wasm' (default) is XNNPACK: fast forward convs; its
 * missing conv backward kernels are covered by our own gradients (ops/conv2d.ts). 'cpu' is
 * TF.js's plain JS backend (slow, always there). 'webgpu' needs `navigator.gpu` (a browser, or
 * Node with the `webgpu` package installed on globalThis) and the optional peer
 * @tensorflow/tfjs-backend-webgpu.
 */
export async function useDevice(device: Device = 'wasm'): Promise<Device> {
  await registerGradients();
  if (tf.getBackend() === device) return device;
  if (device === 'wasm') {
    const wasm = await importPeer(
      () => import('@tensorflow/tfjs-backend-wasm'),
      '@tensorflow/tfjs-backend-wasm',
      device,
    );
    if (isNode) {
      const require = createRequire(import.meta.url);
      const file = require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm');
      wasm.setWasmPaths(`${dirname(file)}/`);
    }
  } else if (device === 'cpu') {
    await importPeer(
      () => import('@tensorflow/tfjs-backend-cpu'),
      '@tensorflow/tfjs-backend-cpu',
      device,
    );
  } else if (device === 'webgpu') {
    if (typeof navigator === 'undefined' || !(navigator as { gpu?: unknown }).gpu) {
      throw new TrainError(
        'no-device',
        "device 'webgpu' needs navigator.gpu (a browser, or the `webgpu` package in Node)",
      );
    }
    try {
      await import('@tensorflow/tfjs-backend-webgpu');
    } catch {
      throw new TrainError(
        'no-device',
        "device 'webgpu' needs the optional package @tensorflow/tfjs-backend-webgpu@4.22.0",
      );
    }
  } else {
    throw new TrainError('no-device', `unknown device '${device}' (use wasm, cpu or webgpu)`);
  }
  if (!(await tf.setBackend(device))) {
    throw new TrainError('no-device', `TF.js backend '${device}' failed to initialise`);
  }
  await tf.ready();
  return device;
}

/**
 * Whether our conv gradients (forward convs) should replace TF.js's: on wasm they must
 * (it has no Conv2DBackpropFilter), on cpu they are faster; webgpu's own kernels are used.
 */
export function ownConvGradients(): boolean {
  return tf.getBackend() !== 'webgpu';
}
