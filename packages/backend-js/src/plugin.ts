import { BACKEND_API_VERSION, type BackendPlugin } from '@pabnn/backend';
import { JsBackend } from './js-backend.js';

/** The js backend plugin: always supported, lowest priority, the fallback for every op. */
export const jsBackend: BackendPlugin = {
  name: 'js',
  apiVersion: BACKEND_API_VERSION,
  priority: 1,
  isSupported: () => true,
  create: () => new JsBackend(),
};
