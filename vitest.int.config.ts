import { defineConfig } from 'vitest/config';
import { workspaceAliases } from './vitest.shared';

/**
 * Integration and end-to-end tiers against the real Kafka, Postgres, Redis and Mosquitto, which
 * the global setup starts or reuses once per run. Files run one at a time: they share the broker.
 */
export default defineConfig({
  resolve: { alias: workspaceAliases() },
  test: {
    include: ['**/*.int-spec.ts', 'test/e2e/**/*.e2e-spec.ts'],
    exclude: ['**/node_modules/**', 'dist/**'],
    globalSetup: ['test/support/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 180_000,
    environment: 'node',
  },
});
