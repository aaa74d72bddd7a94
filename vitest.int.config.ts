import { defineConfig } from 'vitest/config';
import { workspaceAliases } from './vitest.shared';

/**
 * Integration, end-to-end and security tiers against the real Kafka, Postgres, Redis and
 * Mosquitto, which the global setup starts or reuses once per run. The security tier
 * (test/security) tries what a hostile partner, device or ops-network attacker would, each test
 * naming the finding it proves (docs/security.md). Files run one at a time: they share the broker.
 */
export default defineConfig({
  resolve: { alias: workspaceAliases() },
  test: {
    include: ['**/*.int-spec.ts', 'test/e2e/**/*.e2e-spec.ts', 'test/security/**/*.security-spec.ts'],
    exclude: ['**/node_modules/**', 'dist/**'],
    globalSetup: ['test/support/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 180_000,
    environment: 'node',
  },
});
