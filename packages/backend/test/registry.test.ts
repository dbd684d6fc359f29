import { describe, expect, it } from 'vitest';
import {
  BACKEND_API_VERSION,
  BackendError,
  type BackendPlugin,
  getBackend,
  listBackends,
  registerBackend,
  unregisterBackend,
} from '../src/index.js';

const plugin = (over: Partial<BackendPlugin>): BackendPlugin => ({
  name: 'test-a',
  apiVersion: BACKEND_API_VERSION,
  priority: 3,
  isSupported: () => true,
  create: () => {
    throw new Error('not used');
  },
  ...over,
});

describe('backend registry', () => {
  it('registers, lists by priority, finds and unregisters', () => {
    registerBackend(plugin({ name: 'test-low', priority: 1 }));
    registerBackend(plugin({ name: 'test-high', priority: 9 }));
    const names = listBackends().map((p) => p.name);
    expect(names.indexOf('test-high')).toBeLessThan(names.indexOf('test-low'));
    expect(getBackend('test-low').priority).toBe(1);
    expect(unregisterBackend('test-low')).toBe(true);
    expect(unregisterBackend('test-high')).toBe(true);
  });

  it('refuses another major API version with a clear error', () => {
    expect(() => registerBackend(plugin({ apiVersion: '2.0.0' }))).toThrow(
      /backend 'test-a' was built for backend API 2.0.0, but this @pabnn\/backend speaks 1.0.0/,
    );
    expect(() => registerBackend(plugin({ apiVersion: 'one' }))).toThrow(BackendError);
    registerBackend(plugin({ name: 'test-minor', apiVersion: '1.7.3' }));
    unregisterBackend('test-minor');
  });

  it('rejects malformed and duplicate plugins, and names missing ones', () => {
    expect(() => registerBackend(plugin({ name: 'Bad Name' }))).toThrow(/lower-case name/);
    expect(() => registerBackend(plugin({ create: undefined as never }))).toThrow(
      /no create\(\) function/,
    );
    registerBackend(plugin({ name: 'test-dup' }));
    expect(() => registerBackend(plugin({ name: 'test-dup' }))).toThrow(/already registered/);
    registerBackend(plugin({ name: 'test-dup', priority: 7 }), { replace: true });
    expect(getBackend('test-dup').priority).toBe(7);
    unregisterBackend('test-dup');
    expect(() => getBackend('webnn')).toThrow(
      /no backend named 'webnn' is registered .*@pabnn\/backend-webnn/,
    );
  });
});
