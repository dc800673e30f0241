import { defineConfig } from 'vitest/config';

// e2e tests spawn the built binary many times; two shared cores make that slow at times.
export default defineConfig({
  test: { include: ['test/**/*.test.ts'], testTimeout: 90_000, hookTimeout: 30_000 },
});
