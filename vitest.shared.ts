/**
 * What every package's vitest config shares: where tests live, and a JSON report that
 * scripts/test.mjs sums into the closing "N passed, N failed" line.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', ['json', { outputFile: 'test-results.json' }]],
  },
});
