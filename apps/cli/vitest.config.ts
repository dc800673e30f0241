import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

// e2e tests spawn the built binary many times; two shared cores make that slow at times.
export default mergeConfig(
  shared,
  defineConfig({ test: { testTimeout: 90_000, hookTimeout: 30_000 } }),
);
