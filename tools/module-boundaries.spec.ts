import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * The layering (contracts <- domain <- data-access <- apps) is only real if lint rejects a
 * violation. These lint deliberate violations as if they were files in the projects.
 */
// The first lint loads the whole project graph and parser: seconds on a busy two-core machine.
describe('module boundaries', { timeout: 60_000 }, () => {
  const root = resolve(__dirname, '..');
  const sut = new ESLint({ cwd: root });

  // The rule reads Nx's cached project graph and silently skips itself when there is none.
  beforeAll(() => {
    execFileSync(resolve(root, 'node_modules/.bin/nx'), ['show', 'projects'], { cwd: root, env: { ...process.env, NX_DAEMON: 'false' }, stdio: 'ignore' });
  }, 120_000);

  async function lint(file: string, code: string, ruleId = '@nx/enforce-module-boundaries') {
    const [result] = await sut.lintText(code, { filePath: resolve(__dirname, '..', file) });
    return result.messages.filter((m) => m.ruleId === ruleId);
  }

  it('refuses a domain library importing data access', async () => {
    const errors = await lint('libs/domain/booking/src/boundary-violation.ts', "import { migrate } from '@kuruma/data-access-db';\nexport const x = migrate;\n");
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toMatch(/type:domain/);
    // The first lint loads the whole ESLint and Nx configuration: seconds on a busy machine.
  }, 30_000);

  it('refuses contracts importing anything of ours', async () => {
    const errors = await lint('libs/contracts/src/boundary-violation.ts', "import { parseEnv } from '@kuruma/config';\nexport const x = parseEnv;\n");
    expect(errors).toHaveLength(1);
  });

  it('refuses one service importing another service scope', async () => {
    const errors = await lint('apps/policy/src/boundary-violation.ts', "import { orderBookingEvents } from '@kuruma/domain-booking';\nexport const x = orderBookingEvents;\n");
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toMatch(/scope:policy/);
  });

  it('accepts an app importing its own domain and shared data access', async () => {
    const errors = await lint(
      'apps/booking-ingest/src/boundary-ok.ts',
      "import { orderBookingEvents } from '@kuruma/domain-booking';\nimport { migrate } from '@kuruma/data-access-db';\nexport const x = [orderBookingEvents, migrate];\n",
    );
    expect(errors).toEqual([]);
  });

  describe('between tools/, test/ and the harness they share', () => {
    const harnessRule = 'kuruma/harness-boundaries';

    it('refuses the harness importing the tests', async () => {
      const errors = await lint('tools/harness/boundary-violation.ts', "import { launchChromium } from '../../test/support/browser';\nexport const x = launchChromium;\n", harnessRule);
      expect(errors).toHaveLength(1);
      expect(errors[0].message).toMatch(/imports neither/);
    });

    it('refuses the harness importing the rest of tools/', async () => {
      const errors = await lint('tools/harness/chaos/boundary-violation.ts', "import { benchmarkTable } from '../../bench/report';\nexport const x = benchmarkTable;\n", harnessRule);
      expect(errors).toHaveLength(1);
    });

    it('refuses a tool importing the tests, by a dynamic import too', async () => {
      const errors = await lint('tools/boundary-violation.ts', "export const load = () => import('../test/support/browser');\n", harnessRule);
      expect(errors).toHaveLength(1);
      expect(errors[0].message).toMatch(/through tools\/harness/);
    });

    it('refuses a test importing tools/ outside the harness', async () => {
      const errors = await lint('test/e2e/boundary-violation.ts', "import { benchmarkTable } from '../../tools/bench/report';\nexport const x = benchmarkTable;\n", harnessRule);
      expect(errors).toHaveLength(1);
    });

    it('refuses the local stack importing the harness outside its specs (the harness imports it)', async () => {
      expect(await lint('infra/local/boundary-violation.ts', "import { TEST_ENV } from '../../tools/harness';\nexport const x = TEST_ENV;\n", harnessRule)).toHaveLength(1);
      expect(await lint('infra/local/boundary-ok.int-spec.ts', "import { TEST_ENV } from '../../tools/harness';\nexport const x = TEST_ENV;\n", harnessRule)).toEqual([]);
    });

    it('accepts tests and tools importing the harness, and the harness importing the local stack', async () => {
      expect(await lint('test/e2e/boundary-ok.ts', "import { KafkaProbe } from '../../tools/harness';\nexport const x = KafkaProbe;\n", harnessRule)).toEqual([]);
      expect(await lint('tools/boundary-ok.ts', "import { KafkaProbe } from './harness';\nexport const x = KafkaProbe;\n", harnessRule)).toEqual([]);
      expect(await lint('tools/harness/boundary-ok.ts', "import { ensureStack } from '../../infra/local/stack-control';\nexport const x = ensureStack;\n", harnessRule)).toEqual([]);
    });
  });
});
