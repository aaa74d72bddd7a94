import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadStackConfig, type StackConfig } from '../../libs/platform/config/src/stack.config';
import { KafkaPrincipals } from '../../libs/contracts/src/topics';
import { devPlatformUsers, ensureScramUsers } from './kafka-access';
import { kafkaNodes, kafkaPaths, kafkaReady, kafkaRunning, liveBrokerIds, type ScramUser, startKafka, stopKafka } from './kafka-broker';
import { adminAuth } from './partner-provisioning';
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

  const nodes = kafkaNodes(config.STACK_STATE_DIR, config.KAFKA_BROKERS);
  const kafka = kafkaPaths(config.STACK_STATE_DIR);
  // The platform's own principals and the demo partner, with their development passwords.
  const devUsers: ScramUser[] = [...devPlatformUsers(), { username: KafkaPrincipals.partner('demo'), password: config.DEMO_PARTNER_KAFKA_PASSWORD }];
  const security = { admin: adminAuth(config), bootstrapUsers: devUsers };
  const answers = await kafkaReady(config.KAFKA_BROKERS, security.admin);
  const live = answers ? await liveBrokerIds(config.KAFKA_BROKERS, security.admin) : [];
  if (live.length === nodes.length) report.components.push({ component: 'kafka', status: 'reused', address: config.KAFKA_BROKERS.join(',') });
  else {
    const dir = config.STACK_STATE_DIR;
    // Our own nodes of the other layout (one broker where a cluster is wanted, or the reverse) hold the ports.
    const otherLayout = nodes.length === 1 ? [1, 2, 3].map((id) => kafkaPaths(dir, id)) : [kafkaPaths(dir)];
    if (otherLayout.some(kafkaRunning)) {
      say(`the running Kafka is not the ${nodes.length}-node layout KAFKA_CLUSTER_SIZE asks for; restarting it`);
      await stopKafka(dir, say);
    } else if (!answers && nodes.some((n) => kafkaRunning(n.paths))) {
      // Our broker runs but refuses the admin: it predates authentication (or another admin password).
      say('the running Kafka does not accept the admin credentials (started before SASL/SCRAM?); restarting it secured');
      await stopKafka(dir, say);
    } else if (answers && !nodes.some((n) => kafkaRunning(n.paths))) {
      throw new Error(`Kafka at ${config.KAFKA_BROKERS[0]} has ${live.length} broker(s), not the ${nodes.length} KAFKA_CLUSTER_SIZE asks for, and this state directory did not start it`);
    }
    // Starts what is not running: everything, or the node of a cluster a fault left down.
    await startKafka(nodes, config.KAFKA_HEAP, security, say);
    started('kafka', config.KAFKA_BROKERS.join(','));
  }
  const created = await ensureScramUsers({ libs: kafka.libs, brokers: config.KAFKA_BROKERS, admin: adminAuth(config) }, devUsers);
  if (created.length) say(`Kafka SCRAM users created: ${created.join(', ')}`);

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

  await createTopics(config.KAFKA_BROKERS, config.KAFKA_TOPIC_NAMESPACE, config.KAFKA_GROUP_PREFIX, adminAuth(config), say);
  console.table(report.components);
  return report;
}

/** The topics and service ACLs of the namespace and group prefix `env` names (a test run's own). */
export async function ensureTopics(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = loadStackConfig(env);
  await createTopics(config.KAFKA_BROKERS, config.KAFKA_TOPIC_NAMESPACE, config.KAFKA_GROUP_PREFIX, adminAuth(config), say);
}

/** Stops what the project started (all of it, or just the listed components). */
export async function stopStack(only?: Component[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = loadStackConfig(env);
  const owned = readOwned(config);
  const targets = only ?? owned;
  if (targets.includes('kafka') || !only) await stopKafka(config.STACK_STATE_DIR, say);
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
    kafka: await kafkaReady(config.KAFKA_BROKERS, adminAuth(config)),
    mosquitto: await mqttCanConnect(config.MQTT_URL, config.MQTT_ADMIN_USER, config.MQTT_ADMIN_PASSWORD),
  };
}
