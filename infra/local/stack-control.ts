import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadStackConfig, type StackConfig } from '../../libs/platform/config/src/stack.config';
import { kafkaPaths, kafkaReady, startKafka, stopKafka } from './kafka-broker';
import { mosquittoConfigOutdated, mosquittoRunning, mqttCanConnect, provisionMosquitto, startMosquitto, stopMosquitto } from './mosquitto-broker';
import { postgresReachable, redisReachable, startPostgres, startRedis, stopLocalPostgres, stopRedis } from './datastores';
import { ensureTopics as createTopics } from './topics';

export type Component = 'kafka' | 'postgres' | 'redis' | 'mosquitto';

export interface StackReport {
  components: { component: Component; status: 'reused' | 'started'; address: string }[];
  startedByThisRun: Component[];
}

const say = (msg: string) => console.log(`[stack] ${msg}`);

/** What the project itself started (so `down` never stops a machine's own services). */
function ownedFile(config: StackConfig): string {
  return join(config.STACK_STATE_DIR, 'owned.json');
}
function readOwned(config: StackConfig): Component[] {
  return existsSync(ownedFile(config)) ? (JSON.parse(readFileSync(ownedFile(config), 'utf8')) as Component[]) : [];
}
function writeOwned(config: StackConfig, owned: Component[]): void {
  mkdirSync(config.STACK_STATE_DIR, { recursive: true });
  writeFileSync(ownedFile(config), JSON.stringify([...new Set(owned)]));
}

const mqttPort = (config: StackConfig) => Number(new URL(config.MQTT_URL).port || 1883);

/**
 * Brings up whatever is missing of Kafka, Postgres, Redis and the project's Mosquitto, reusing
 * what already answers, then creates the topics. Idempotent and quick when everything is up.
 */
export async function ensureStack(env: NodeJS.ProcessEnv = process.env): Promise<StackReport> {
  const config = loadStackConfig(env);
  mkdirSync(config.STACK_STATE_DIR, { recursive: true });
  const report: StackReport = { components: [], startedByThisRun: [] };
  const owned = readOwned(config);
  const started = (component: Component, address: string) => {
    report.components.push({ component, status: 'started', address });
    report.startedByThisRun.push(component);
    owned.push(component);
  };

  if (await postgresReachable(config.DATABASE_URL)) report.components.push({ component: 'postgres', status: 'reused', address: new URL(config.DATABASE_URL).host });
  else {
    say('Postgres not reachable; starting one');
    const where = await startPostgres(config.DATABASE_URL, config.STACK_STATE_DIR, say);
    if (where === 'local') started('postgres', new URL(config.DATABASE_URL).host);
    else report.components.push({ component: 'postgres', status: 'started', address: new URL(config.DATABASE_URL).host });
  }

  if (await redisReachable(config.REDIS_URL)) report.components.push({ component: 'redis', status: 'reused', address: new URL(config.REDIS_URL).host });
  else {
    say('Redis not reachable; starting one');
    await startRedis(config.REDIS_URL, say);
    started('redis', new URL(config.REDIS_URL).host);
  }

  const port = Number(config.KAFKA_BROKERS[0].split(':')[1] ?? 9092);
  if (await kafkaReady(config.KAFKA_BROKERS)) report.components.push({ component: 'kafka', status: 'reused', address: config.KAFKA_BROKERS.join(',') });
  else {
    await startKafka(kafkaPaths(config.STACK_STATE_DIR), port, config.KAFKA_HEAP, say);
    started('kafka', config.KAFKA_BROKERS.join(','));
  }

  const mosquitto = {
    stateDir: config.STACK_STATE_DIR,
    port: mqttPort(config),
    tlsPort: config.MQTT_TLS_PORT,
    x509Port: config.MQTT_X509_PORT,
    adminUser: config.MQTT_ADMIN_USER,
    adminPassword: config.MQTT_ADMIN_PASSWORD,
  };
  // The project's own broker restarts when this checkout's settings differ from the ones it runs
  // with (persistence keeps its sessions); one run elsewhere (Docker) is reused as it is.
  const outdated = mosquittoConfigOutdated(mosquitto);
  if (!outdated && (await mqttCanConnect(config.MQTT_URL, config.MQTT_ADMIN_USER, config.MQTT_ADMIN_PASSWORD))) {
    report.components.push({ component: 'mosquitto', status: 'reused', address: config.MQTT_URL });
  } else {
    if (outdated) say('Mosquitto runs with outdated settings; restarting it');
    if (mosquittoRunning(config.STACK_STATE_DIR)) await stopMosquitto(config.STACK_STATE_DIR, say);
    await startMosquitto(mosquitto, say);
    started('mosquitto', config.MQTT_URL);
  }
  await provisionMosquitto(mosquitto);
  writeOwned(config, owned);

  await createTopics(config.KAFKA_BROKERS, config.KAFKA_TOPIC_NAMESPACE, say);
  console.table(report.components);
  return report;
}

export async function ensureTopics(brokers: string[], namespace: string): Promise<void> {
  await createTopics(brokers, namespace, say);
}

/** Stops what the project started (all of it, or just the listed components). */
export async function stopStack(only?: Component[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = loadStackConfig(env);
  const owned = readOwned(config);
  const targets = only ?? owned;
  if (targets.includes('kafka') || !only) await stopKafka(kafkaPaths(config.STACK_STATE_DIR), say);
  if (targets.includes('mosquitto') || !only) await stopMosquitto(config.STACK_STATE_DIR, say);
  if (targets.includes('postgres') && owned.includes('postgres')) await stopLocalPostgres(config.STACK_STATE_DIR);
  if (targets.includes('redis') && owned.includes('redis')) await stopRedis(config.REDIS_URL);
  writeOwned(config, owned.filter((c) => !targets.includes(c)));
}

export async function stackStatus(env: NodeJS.ProcessEnv = process.env): Promise<Record<Component, boolean>> {
  const config = loadStackConfig(env);
  return {
    postgres: await postgresReachable(config.DATABASE_URL),
    redis: await redisReachable(config.REDIS_URL),
    kafka: await kafkaReady(config.KAFKA_BROKERS),
    mosquitto: await mqttCanConnect(config.MQTT_URL, config.MQTT_ADMIN_USER, config.MQTT_ADMIN_PASSWORD),
  };
}
