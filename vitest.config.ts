import { defineConfig } from 'vitest/config';
import { workspaceAliases } from './vitest.shared';

/**
 * Unit tier: `*.spec.ts` next to the code, pure logic, no I/O. Integration (`*.int-spec.ts`) and
 * end-to-end tiers have their own configs because they need the real stack started once per run.
 */
export default defineConfig({
  resolve: { alias: workspaceAliases() },
  test: {
    include: ['apps/**/*.spec.ts', 'libs/**/*.spec.ts', 'tools/**/*.spec.ts', 'infra/**/*.spec.ts'],
    exclude: ['**/node_modules/**', '**/*.int-spec.ts', '**/*.e2e-spec.ts'],
    environment: 'node',
    reporters: ['default'],
  },
});
