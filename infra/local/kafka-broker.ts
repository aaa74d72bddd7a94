import { present } from '@kuruma/contracts';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { isPidAlive, streamLines, tail, waitUntil } from './process-utils';

/**
 * A real Apache Kafka broker (KRaft, combined broker+controller, one node) run from the jars
 * Maven fetches from Maven Central: there is no Kafka package and no Docker on these machines.
 */
export interface KafkaPaths {
  stateDir: string;
  libs: string;
  data: string;
  logs: string;
  pidFile: string;
  properties: string;
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

function writeConfig(paths: KafkaPaths, port: number): void {
  mkdirSync(paths.data, { recursive: true });
  mkdirSync(paths.logs, { recursive: true });
  const sixMiB = 6 * 1024 * 1024 + 64 * 1024;
  writeFileSync(
    paths.properties,
    [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@127.0.0.1:${port + 1}`,
      `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${port + 1}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
      'controller.listener.names=CONTROLLER',
      'inter.broker.listener.name=PLAINTEXT',
      'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
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

export async function kafkaReady(brokers: string[]): Promise<boolean> {
  const admin = new Kafka({ clientId: 'kuruma-stack', brokers, logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 1_000 }).admin();
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

/** Starts the broker detached (it outlives this process) and waits until it answers. */
export async function startKafka(paths: KafkaPaths, port: number, heap: string, say: (msg: string) => void): Promise<void> {
  ensureKafkaJars(paths, say);
  writeConfig(paths, port);
  if (!existsSync(join(paths.data, 'meta.properties'))) {
    const id = spawnSync('java', [...java(paths, '128m'), 'kafka.tools.StorageTool', 'random-uuid'], { encoding: 'utf8' }).stdout.trim();
    const format = spawnSync('java', [...java(paths, '256m'), 'kafka.tools.StorageTool', 'format', '--ignore-formatted', '-t', id, '-c', paths.properties], {
      encoding: 'utf8',
    });
    if (format.status !== 0) throw new Error(`formatting Kafka storage failed:\n${tail(format.stdout + format.stderr, 20)}`);
    say(`Kafka storage formatted (cluster ${id})`);
  }
  const out = openSync(join(paths.logs, 'kafka.out'), 'a');
  const child = spawn('java', [...java(paths, heap), 'kafka.Kafka', paths.properties], { detached: true, stdio: ['ignore', out, out] });
  child.unref();
  writeFileSync(paths.pidFile, String(child.pid));
  say(`Kafka starting (pid ${child.pid}, logs ${paths.logs}/kafka.log)`);
  const brokers = [`127.0.0.1:${port}`];
  await waitUntil('Kafka', () => kafkaReady(brokers), 90_000, say, () => {
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
