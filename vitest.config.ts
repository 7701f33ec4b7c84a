import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two cores: end-to-end suites (QEMU, ipmi_sim, terraform) are heavy; don't run more than two files at once.
    maxWorkers: 2,
  },
});
