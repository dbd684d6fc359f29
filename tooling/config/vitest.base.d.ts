import type { UserConfig } from 'vitest/config';
export function packageVitestConfig(overrides?: NonNullable<UserConfig['test']>): UserConfig;
