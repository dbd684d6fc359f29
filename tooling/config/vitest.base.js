// Shared Vitest settings for every package: node environment, generous timeouts for the
// property and fuzz tests (CI has 2 cores), and forks so a crashing test cannot take
// the runner down with it.
import { defineConfig } from 'vitest/config';

export function packageVitestConfig(overrides = {}) {
  return defineConfig({
    test: {
      environment: 'node',
      include: ['test/**/*.test.ts'],
      testTimeout: 120_000,
      hookTimeout: 120_000,
      pool: 'forks',
      ...overrides,
    },
  });
}
