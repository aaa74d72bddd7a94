import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { migrate } from '@kuruma/data-access-db';
import { ensureStack, ensureTopics } from '../../infra/local/stack-control';
import { provisionPartner } from '../../infra/local/partner-provisioning';
import { discardIntakeSessions } from './intake-sessions';
import { seed } from './seed';
import { BUILD_APPS, DIST_DIR, RIVAL_KAFKA_AUTH, RIVAL_PARTNER_ID, TEST_ENV } from './test-env';

const root = resolve(__dirname, '../..');

/**
 * Once per run: start or reuse the real stack, give the run a fresh database (migrated from
 * scratch, which also proves the migrations), its own topics, an intake with no queued alerts
 * from earlier runs, and build the services.
 */
export async function setupStack(): Promise<() => Promise<void>> {
  const started = Date.now();
  const step = (msg: string) => console.log(`[test setup +${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}`);
  step('ensuring Kafka, Postgres, Redis and Mosquitto');
  await ensureStack();
  step('creating a fresh test database');
  await recreateDatabase(TEST_ENV['DATABASE_URL']);
  await migrate(TEST_ENV['DATABASE_URL'], resolve(root, 'prisma/migrations'));
  await seed({ ...process.env, ...TEST_ENV });
  step(`creating topics in namespace "${TEST_ENV['KAFKA_TOPIC_NAMESPACE']}"`);
  await ensureTopics({ ...process.env, ...TEST_ENV });
  step(`provisioning a second partner (${RIVAL_PARTNER_ID}) on Kafka for the isolation tests`);
  await provisionPartner(RIVAL_PARTNER_ID, { password: RIVAL_KAFKA_AUTH.password }, { ...process.env, ...TEST_ENV });
  step('discarding the test intake\'s leftover MQTT sessions');
  await discardIntakeSessions();
  step('building the services');
  const apps = BUILD_APPS.length ? BUILD_APPS : [''];
  for (const app of apps) {
    execFileSync(process.execPath, [resolve(root, 'tools/build-app.mjs'), ...(app ? [app] : [])], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, KURUMA_DIST_DIR: DIST_DIR },
    });
  }
  step('ready');
  return teardownStack;
}

/**
 * After the run, its intake's sessions go too: left offline they would queue every alert later
 * published on the shared broker, and Mosquitto's store, saved whole every second, would grow
 * into the latency of every later run (docs/benchmarks.md, design notes).
 */
export async function teardownStack(): Promise<void> {
  await discardIntakeSessions();
}

/**
 * A database of its own, migrated and seeded like the run's: for a test whose services run on a
 * simulated business clock. Its ledger periods close on that clock; in the shared test database
 * they would close (or find closed) the days every other test posts into.
 */
export async function freshSeededDatabase(url: string): Promise<void> {
  await recreateDatabase(url);
  await migrate(url, resolve(root, 'prisma/migrations'));
  await seed({ ...process.env, ...TEST_ENV, DATABASE_URL: url });
}

async function recreateDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = target.pathname.slice(1);
  target.pathname = '/postgres';
  const admin = new Client({ connectionString: target.toString() });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
}
