import { present } from '@kuruma/contracts';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { renameSync, rmSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { type KafkaAuth, kafkaAuthOptions } from '../../libs/data-access/messaging/src/kafka/kafka-auth';
import { isPidAlive, streamLines, tail, waitUntil } from './process-utils';

/**
 * A real Apache Kafka broker (KRaft, combined broker+controller, one node) run from the jars
 * Maven fetches from Maven Central: there is no Kafka package and no Docker on these machines.
 *
 * Secured like production (docs/local-kafka.md): clients authenticate with SASL/SCRAM on the
 * CLIENT listener and are authorized by ACL (StandardAuthorizer, deny when no ACL matches); the
 * platform admin is the only super user and the inter-broker identity; the controller listener
 * (loopback) takes SASL/PLAIN with a static JAAS entry for the admin, because SCRAM credentials
 * live in the metadata log the controller serves and cannot authenticate the controller itself.
 */
export interface KafkaPaths {
  stateDir: string;
  libs: string;
  data: string;
  logs: string;
  pidFile: string;
  properties: string;
  /** Written after a successful format: which admin the storage's SCRAM credentials were made for. */
  securityMarker: string;
}

/** A SCRAM user to create: the admin at format time, then services, tools and partners. */
export interface ScramUser {
  username: string;
  password: string;
}

export function kafkaPaths(stateDir: string): KafkaPaths {
  const root = join(stateDir, 'kafka');
  return {
    stateDir,
    libs: join(root, 'libs'),
    data: join(root, 'data'),
    logs: join(stateDir, 'logs'),
    pidFile: join(root, 'kafka.pid'),
    properties: join(root, 'server.properties'),
    securityMarker: join(root, 'security.json'),
  };
}

const POM = resolve(__dirname, 'kafka/pom.xml');

/** Fetches the broker's classpath once (Maven keeps its own cache in ~/.m2). */
export function ensureKafkaJars(paths: KafkaPaths, say: (msg: string) => void): void {
  if (existsSync(paths.libs) && readdirSync(paths.libs).some((f) => f.startsWith('kafka_2.13'))) return;
  mkdirSync(paths.libs, { recursive: true });
  say('fetching Apache Kafka 3.9.1 jars with Maven (first run only)...');
  let downloaded = 0;
  const result = spawnSync(
    'mvn',
    ['-B', '-f', POM, 'dependency:copy-dependencies', `-DoutputDirectory=${paths.libs}`, '-DincludeScope=runtime'],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  for (const line of (result.stdout ?? '').split('\n')) if (line.includes('Downloaded from')) downloaded += 1;
  if (result.status !== 0) {
    throw new Error(`Maven could not fetch the Kafka jars (exit ${result.status}):\n${tail(result.stdout + result.stderr, 30)}`);
  }
  say(`Kafka jars ready (${readdirSync(paths.libs).length} jars, ${downloaded} downloaded)`);
}

/** JAAS values are double-quoted; a quote or backslash in a password would end them early. */
function jaasValue(value: string): string {
  if (/["\\\n]/.test(value)) throw new Error('KAFKA_ADMIN_PASSWORD may not contain quotes, backslashes or newlines');
  return `"${value}"`;
}

function writeConfig(paths: KafkaPaths, port: number, admin: ScramUser): void {
  mkdirSync(paths.data, { recursive: true });
  mkdirSync(paths.logs, { recursive: true });
  const sixMiB = 6 * 1024 * 1024 + 64 * 1024;
  const user = jaasValue(admin.username);
  const password = jaasValue(admin.password);
  writeFileSync(
    paths.properties,
    [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@127.0.0.1:${port + 1}`,
      `listeners=CLIENT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${port + 1}`,
      `advertised.listeners=CLIENT://127.0.0.1:${port}`,
      'controller.listener.names=CONTROLLER',
      'inter.broker.listener.name=CLIENT',
      'listener.security.protocol.map=CONTROLLER:SASL_PLAINTEXT,CLIENT:SASL_PLAINTEXT',
      // Clients: SCRAM (either hash); the broker itself logs in as the admin.
      'listener.name.client.sasl.enabled.mechanisms=SCRAM-SHA-256,SCRAM-SHA-512',
      'sasl.mechanism.inter.broker.protocol=SCRAM-SHA-256',
      `listener.name.client.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=${user} password=${password};`,
      `listener.name.client.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=${user} password=${password};`,
      // Controller: PLAIN with the admin as its only static user, on loopback.
      'listener.name.controller.sasl.enabled.mechanisms=PLAIN',
      'sasl.mechanism.controller.protocol=PLAIN',
      `listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=${user} password=${password} user_${admin.username}=${password};`,
      'authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer',
      'allow.everyone.if.no.acl.found=false',
      `super.users=User:${admin.username}`,
      `log.dirs=${paths.data}`,
      'num.partitions=3',
      'offsets.topic.replication.factor=1',
      'offsets.topic.num.partitions=4',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'share.coordinator.state.topic.replication.factor=1',
      'share.coordinator.state.topic.min.isr=1',
      'group.initial.rebalance.delay.ms=0',
      'num.network.threads=2',
      'num.io.threads=2',
      'auto.create.topics.enable=false',
      'delete.topic.enable=true',
      `message.max.bytes=${sixMiB}`,
      `replica.fetch.max.bytes=${sixMiB}`,
      'log.segment.bytes=67108864',
      'offsets.retention.minutes=10080',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(paths.stateDir, 'kafka', 'log4j.properties'),
    [
      'log4j.rootLogger=INFO, file',
      'log4j.appender.file=org.apache.log4j.RollingFileAppender',
      `log4j.appender.file.File=${join(paths.logs, 'kafka.log')}`,
      'log4j.appender.file.MaxFileSize=20MB',
      'log4j.appender.file.MaxBackupIndex=3',
      'log4j.appender.file.layout=org.apache.log4j.PatternLayout',
      'log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n',
      'log4j.logger.kafka=INFO',
      'log4j.logger.org.apache.kafka=INFO',
      '',
    ].join('\n'),
  );
}

function java(paths: KafkaPaths, heap: string): string[] {
  return [
    `-Xms${heap}`,
    `-Xmx${heap}`,
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    `-Dlog4j.configuration=file:${join(paths.stateDir, 'kafka', 'log4j.properties')}`,
    '-cp',
    `${paths.libs}/*`,
  ];
}

/** Whether the broker answers an authenticated client (`auth` is normally the admin). */
export async function kafkaReady(brokers: string[], auth: KafkaAuth): Promise<boolean> {
  const admin = new Kafka({ clientId: 'kuruma-stack', brokers, logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 1_000, ...kafkaAuthOptions(auth) }).admin();
  try {
    await admin.connect();
    await admin.listTopics();
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Whether the broker this state directory started is still running (it may predate authentication). */
export function kafkaRunning(paths: KafkaPaths): boolean {
  return existsSync(paths.pidFile) && isPidAlive(Number(readFileSync(paths.pidFile, 'utf8')));
}

const adminFingerprint = (admin: ScramUser) => createHash('sha256').update(`${admin.username}\u0000${admin.password}`).digest('hex');

/**
 * Storage formatted before authentication (no marker), or for another admin password, cannot log
 * its own broker in: it holds development data only, so it is moved aside and formatted again.
 */
function retireStorageWithoutAuth(paths: KafkaPaths, admin: ScramUser, say: (msg: string) => void): void {
  if (!existsSync(join(paths.data, 'meta.properties'))) return;
  const marker = existsSync(paths.securityMarker) ? (JSON.parse(readFileSync(paths.securityMarker, 'utf8')) as { admin?: string }) : {};
  if (marker.admin === adminFingerprint(admin)) return;
  const aside = `${paths.data}.before-auth`;
  say(
    marker.admin
      ? `Kafka storage in ${paths.data} was formatted for another KAFKA_ADMIN_PASSWORD; reformatting (old development data moved to ${aside})`
      : `Kafka storage in ${paths.data} was formatted without authentication (before SASL/SCRAM and ACLs); reformatting (old development data moved to ${aside})`,
  );
  rmSync(aside, { recursive: true, force: true });
  renameSync(paths.data, aside);
  mkdirSync(paths.data, { recursive: true });
}

/**
 * Formats fresh storage with the SCRAM credentials bootstrapped into the metadata log (KIP-900):
 * the admin (which the broker itself logs in as) and, saving a JVM start later, `users`.
 */
function formatStorage(paths: KafkaPaths, admin: ScramUser, users: ScramUser[], say: (msg: string) => void): void {
  const id = spawnSync('java', [...java(paths, '128m'), 'kafka.tools.StorageTool', 'random-uuid'], { encoding: 'utf8' }).stdout.trim();
  const scram = [admin, ...users].flatMap((u) => {
    if (/[,[\]=\s"]/.test(u.username + u.password)) throw new Error(`SCRAM user ${u.username}: names and passwords may not contain , [ ] = " or spaces`);
    return ['SCRAM-SHA-256', 'SCRAM-SHA-512'].flatMap((m) => ['--add-scram', `${m}=[name=${u.username},password=${u.password}]`]);
  });
  const format = spawnSync('java', [...java(paths, '256m'), 'kafka.tools.StorageTool', 'format', '-t', id, '-c', paths.properties, ...scram], { encoding: 'utf8' });
  if (format.status !== 0) throw new Error(`formatting Kafka storage failed:\n${tail(format.stdout + format.stderr, 20)}`);
  writeFileSync(paths.securityMarker, JSON.stringify({ admin: adminFingerprint(admin), formattedAt: new Date().toISOString() }));
  say(`Kafka storage formatted (cluster ${id}) with SCRAM users ${[admin, ...users].map((u) => u.username).join(', ')}`);
}

/** Starts the broker detached (it outlives this process) and waits until the admin can use it. */
export async function startKafka(
  paths: KafkaPaths,
  port: number,
  heap: string,
  security: { admin: KafkaAuth; bootstrapUsers: ScramUser[] },
  say: (msg: string) => void,
): Promise<void> {
  const admin = { username: security.admin.username, password: security.admin.password };
  ensureKafkaJars(paths, say);
  writeConfig(paths, port, admin);
  retireStorageWithoutAuth(paths, admin, say);
  if (!existsSync(join(paths.data, 'meta.properties'))) formatStorage(paths, admin, security.bootstrapUsers, say);
  const out = openSync(join(paths.logs, 'kafka.out'), 'a');
  const child = spawn('java', [...java(paths, heap), 'kafka.Kafka', paths.properties], { detached: true, stdio: ['ignore', out, out] });
  child.unref();
  writeFileSync(paths.pidFile, String(child.pid));
  say(`Kafka starting (pid ${child.pid}, logs ${paths.logs}/kafka.log)`);
  const brokers = [`127.0.0.1:${port}`];
  await waitUntil('Kafka', () => kafkaReady(brokers, security.admin), 90_000, say, () => {
    if (!isPidAlive(present(child.pid, 'kafka pid'))) throw new Error(`Kafka exited during start-up:\n${tail(readFileSync(join(paths.logs, 'kafka.out'), 'utf8'), 30)}`);
  });
}

export async function stopKafka(paths: KafkaPaths, say: (msg: string) => void): Promise<void> {
  if (!existsSync(paths.pidFile)) return;
  const pid = Number(readFileSync(paths.pidFile, 'utf8'));
  if (!isPidAlive(pid)) return;
  say(`stopping Kafka (pid ${pid})`);
  process.kill(pid, 'SIGTERM');
  await waitUntil('Kafka to stop', async () => !isPidAlive(pid), 30_000, say).catch(() => {
    say('Kafka did not stop in 30 s; killing it');
    process.kill(pid, 'SIGKILL');
  });
}

export { streamLines };
