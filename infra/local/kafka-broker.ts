import { present, replicationFor } from '@kuruma/contracts';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { renameSync, rmSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { type KafkaAuth, kafkaAuthOptions } from '../../libs/data-access/messaging/src/kafka/kafka-auth';
import { isPidAlive, streamLines, tail, waitUntil } from './process-utils';

/**
 * A real Apache Kafka broker (KRaft, combined broker+controller) run from the jars Maven fetches
 * from Maven Central: there is no Kafka package and no Docker on these machines. One node, or a
 * cluster of three (KAFKA_CLUSTER_SIZE=3): each node a broker and a controller voter, topics with
 * three replicas and min.insync.replicas=2 (docs/local-kafka.md, "A three-broker cluster").
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
  /** The broker's own log (log4j) and its stdout/stderr. */
  logFile: string;
  outFile: string;
  log4j: string;
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

/**
 * Where a node keeps its state: the single broker in `kafka/` (as it always has), node `n` of a
 * cluster in `kafka/node-n/`. The jars are shared.
 */
export function kafkaPaths(stateDir: string, nodeId?: number): KafkaPaths {
  const kafka = join(stateDir, 'kafka');
  const root = nodeId === undefined ? kafka : join(kafka, `node-${nodeId}`);
  const suffix = nodeId === undefined ? '' : `-${nodeId}`;
  const logs = join(stateDir, 'logs');
  return {
    stateDir,
    libs: join(kafka, 'libs'),
    data: join(root, 'data'),
    logs,
    logFile: join(logs, `kafka${suffix}.log`),
    outFile: join(logs, `kafka${suffix}.out`),
    log4j: join(root, 'log4j.properties'),
    pidFile: join(root, 'kafka.pid'),
    properties: join(root, 'server.properties'),
    securityMarker: join(root, 'security.json'),
  };
}

/** One node of the local cluster: its id (KRaft node.id), client port (controller: port + 1) and state. */
export interface KafkaNode {
  id: number;
  port: number;
  paths: KafkaPaths;
}

/**
 * The nodes `brokers` (the full list, see clusterBrokerAddresses) describe: one broker with the
 * historical state layout, or a cluster whose node i listens on the i-th address.
 */
export function kafkaNodes(stateDir: string, brokers: readonly string[]): KafkaNode[] {
  const port = (address: string) => Number(address.split(':')[1] ?? 9092);
  if (brokers.length === 1) return [{ id: 1, port: port(brokers[0] as string), paths: kafkaPaths(stateDir) }];
  return brokers.map((address, i) => ({ id: i + 1, port: port(address), paths: kafkaPaths(stateDir, i + 1) }));
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

function writeConfig(node: KafkaNode, cluster: readonly KafkaNode[], admin: ScramUser): void {
  const { paths, port } = node;
  mkdirSync(paths.data, { recursive: true });
  mkdirSync(paths.logs, { recursive: true });
  const sixMiB = 6 * 1024 * 1024 + 64 * 1024;
  const user = jaasValue(admin.username);
  const password = jaasValue(admin.password);
  // Every topic, the internal ones included, as replicated as the cluster allows (3 copies, 2 in sync).
  const { replicas, minInsyncReplicas } = replicationFor(cluster.length);
  writeFileSync(
    paths.properties,
    [
      'process.roles=broker,controller',
      `node.id=${node.id}`,
      `controller.quorum.voters=${cluster.map((n) => `${n.id}@127.0.0.1:${n.port + 1}`).join(',')}`,
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
      `default.replication.factor=${replicas}`,
      `min.insync.replicas=${minInsyncReplicas}`,
      // A replica that was not in sync never becomes leader: that would drop acknowledged records.
      'unclean.leader.election.enable=false',
      `offsets.topic.replication.factor=${replicas}`,
      'offsets.topic.num.partitions=4',
      `transaction.state.log.replication.factor=${replicas}`,
      'transaction.state.log.num.partitions=4',
      `transaction.state.log.min.isr=${minInsyncReplicas}`,
      `share.coordinator.state.topic.replication.factor=${replicas}`,
      `share.coordinator.state.topic.min.isr=${minInsyncReplicas}`,
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
    paths.log4j,
    [
      'log4j.rootLogger=INFO, file',
      'log4j.appender.file=org.apache.log4j.RollingFileAppender',
      `log4j.appender.file.File=${paths.logFile}`,
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
    `-Dlog4j.configuration=file:${paths.log4j}`,
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

/** The cluster id a node's storage was formatted with, if it was. */
function clusterIdOf(paths: KafkaPaths): string | undefined {
  const meta = join(paths.data, 'meta.properties');
  if (!existsSync(meta)) return undefined;
  return /^cluster\.id=(.+)$/m.exec(readFileSync(meta, 'utf8'))?.[1]?.trim();
}

/**
 * Formats fresh storage with the SCRAM credentials bootstrapped into the metadata log (KIP-900):
 * the admin (which the broker itself logs in as) and, saving a JVM start later, `users`. Every
 * node of a cluster gets the same cluster id and the same bootstrap records.
 */
function formatStorage(paths: KafkaPaths, clusterId: string, admin: ScramUser, users: ScramUser[], say: (msg: string) => void): void {
  const scram = [admin, ...users].flatMap((u) => {
    if (/[,[\]=\s"]/.test(u.username + u.password)) throw new Error(`SCRAM user ${u.username}: names and passwords may not contain , [ ] = " or spaces`);
    return ['SCRAM-SHA-256', 'SCRAM-SHA-512'].flatMap((m) => ['--add-scram', `${m}=[name=${u.username},password=${u.password}]`]);
  });
  const format = spawnSync('java', [...java(paths, '256m'), 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', paths.properties, ...scram], { encoding: 'utf8' });
  if (format.status !== 0) throw new Error(`formatting Kafka storage failed:\n${tail(format.stdout + format.stderr, 20)}`);
  writeFileSync(paths.securityMarker, JSON.stringify({ admin: adminFingerprint(admin), formattedAt: new Date().toISOString() }));
  say(`Kafka storage ${paths.data} formatted (cluster ${clusterId}) with SCRAM users ${[admin, ...users].map((u) => u.username).join(', ')}`);
}

export interface KafkaSecurity {
  admin: KafkaAuth;
  bootstrapUsers: ScramUser[];
}

/** Writes every node's configuration and formats the storage of those that have none. */
function prepareNodes(nodes: readonly KafkaNode[], security: KafkaSecurity, say: (msg: string) => void): void {
  const first = nodes[0];
  if (!first) throw new Error('a Kafka cluster needs at least one node');
  const admin = { username: security.admin.username, password: security.admin.password };
  ensureKafkaJars(first.paths, say);
  for (const node of nodes) {
    writeConfig(node, nodes, admin);
    retireStorageWithoutAuth(node.paths, admin, say);
  }
  const unformatted = nodes.filter((n) => clusterIdOf(n.paths) === undefined);
  if (unformatted.length === 0) return;
  const clusterId =
    nodes.map((n) => clusterIdOf(n.paths)).find((id) => id !== undefined) ??
    spawnSync('java', [...java(first.paths, '128m'), 'kafka.tools.StorageTool', 'random-uuid'], { encoding: 'utf8' }).stdout.trim();
  for (const node of unformatted) formatStorage(node.paths, clusterId, admin, security.bootstrapUsers, say);
}

/** Launches one node's JVM detached (it outlives this process); returns its pid. */
function launchNode(node: KafkaNode, heap: string, say: (msg: string) => void): number {
  const { paths } = node;
  const out = openSync(paths.outFile, 'a');
  const child = spawn('java', [...java(paths, heap), 'kafka.Kafka', paths.properties], { detached: true, stdio: ['ignore', out, out] });
  child.unref();
  const pid = present(child.pid, 'kafka pid');
  writeFileSync(paths.pidFile, String(pid));
  say(`Kafka node ${node.id} starting on 127.0.0.1:${node.port} (pid ${pid}, logs ${paths.logFile})`);
  return pid;
}

/** Ids of the brokers the cluster's metadata lists as alive (fenced or stopped ones are left out). */
export async function liveBrokerIds(brokers: string[], auth: KafkaAuth): Promise<number[]> {
  const admin = new Kafka({ clientId: 'kuruma-stack', brokers, logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 1_000, ...kafkaAuthOptions(auth) }).admin();
  try {
    await admin.connect();
    return (await admin.describeCluster()).brokers.map((b) => b.nodeId).sort((a, b) => a - b);
  } catch {
    return [];
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * Starts the nodes that are not running (all of them on a first start: a KRaft quorum needs a
 * majority of its voters before any broker serves) and waits until every node is a live broker
 * the admin can use.
 */
export async function startKafka(nodes: readonly KafkaNode[], heap: string, security: KafkaSecurity, say: (msg: string) => void): Promise<void> {
  prepareNodes(nodes, security, say);
  const pids = new Map<KafkaNode, number>();
  for (const node of nodes) if (!kafkaRunning(node.paths)) pids.set(node, launchNode(node, heap, say));
  const brokers = nodes.map((n) => `127.0.0.1:${n.port}`);
  const everyNode = async () => (await kafkaReady(brokers, security.admin)) && (await liveBrokerIds(brokers, security.admin)).length === nodes.length;
  await waitUntil(nodes.length === 1 ? 'Kafka' : `Kafka (${nodes.length} nodes)`, everyNode, 120_000, say, () => {
    for (const [node, pid] of pids) {
      if (!isPidAlive(pid)) throw new Error(`Kafka node ${node.id} exited during start-up:\n${tail(readFileSync(node.paths.outFile, 'utf8'), 30)}`);
    }
  });
}

/**
 * Starts one node of a running cluster again (after a kill or stop) and waits until it is a live
 * broker again. Its configuration is rewritten from the same layout; its storage is kept.
 */
export async function startKafkaNode(nodes: readonly KafkaNode[], nodeId: number, heap: string, security: KafkaSecurity, say: (msg: string) => void): Promise<void> {
  const node = nodes.find((n) => n.id === nodeId);
  if (!node) throw new Error(`no Kafka node ${nodeId} (the cluster has ${nodes.map((n) => n.id).join(', ')})`);
  if (kafkaRunning(node.paths)) return;
  writeConfig(node, nodes, { username: security.admin.username, password: security.admin.password });
  const pid = launchNode(node, heap, say);
  const brokers = nodes.map((n) => `127.0.0.1:${n.port}`);
  // The cluster lists a killed node as alive until its session times out: ask the node itself too.
  const back = async () => (await kafkaReady([`127.0.0.1:${node.port}`], security.admin)) && (await liveBrokerIds(brokers, security.admin)).includes(nodeId);
  await waitUntil(`Kafka node ${nodeId}`, back, 180_000, say, () => {
    if (!isPidAlive(pid)) throw new Error(`Kafka node ${nodeId} exited during start-up:\n${tail(readFileSync(node.paths.outFile, 'utf8'), 30)}`);
  });
}

/** The pid of a node's JVM while it runs, else null. */
export function kafkaNodePid(paths: KafkaPaths): number | null {
  if (!existsSync(paths.pidFile)) return null;
  const pid = Number(readFileSync(paths.pidFile, 'utf8'));
  return isPidAlive(pid) ? pid : null;
}

/** Stops one node: SIGTERM (a controlled shutdown that moves its leaderships first), or SIGKILL as a crash. */
export async function stopKafkaNode(paths: KafkaPaths, say: (msg: string) => void, signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
  const pid = kafkaNodePid(paths);
  if (pid === null) return;
  say(`${signal === 'SIGKILL' ? 'killing (-9)' : 'stopping'} Kafka (pid ${pid}, ${paths.data})`);
  process.kill(pid, signal);
  await waitUntil('Kafka to stop', async () => !isPidAlive(pid), 30_000, say).catch(() => {
    say('Kafka did not stop in 30 s; killing it');
    process.kill(pid, 'SIGKILL');
  });
}

/** Stops every node this state directory started, single broker and cluster nodes alike. */
export async function stopKafka(stateDir: string, say: (msg: string) => void): Promise<void> {
  const all = [kafkaPaths(stateDir), ...[1, 2, 3].map((id) => kafkaPaths(stateDir, id))];
  await Promise.all(all.map((paths) => stopKafkaNode(paths, say)));
}

export { streamLines };
