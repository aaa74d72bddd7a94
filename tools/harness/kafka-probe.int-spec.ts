import { mkdtempSync, rmSync, symlinkSync, existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStackConfig } from '@kuruma/config';
import { type KafkaNode, kafkaPaths, startKafka, stopKafka } from '../../infra/local/kafka-broker';
import { KafkaProbe, kafkaClientAs } from './kafka-probe';
import { ADMIN_KAFKA_AUTH } from './test-env';

/** A free port whose neighbour (the broker's controller listener) is free too. */
async function freePortPair(): Promise<number> {
  const listen = (port: number) =>
    new Promise<number | null>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(null));
      server.listen(port, '127.0.0.1', () => {
        const bound = (server.address() as { port: number }).port;
        server.close(() => resolve(bound));
      });
    });
  for (;;) {
    const port = await listen(0);
    if (port && port < 65_000 && (await listen(port + 1))) return port;
  }
}

/**
 * The chaos run's observer across a broker restart. It runs its own single-node broker (in a
 * temporary directory, on free ports) and restarts that one: never the stack's, which other tests
 * and engineers share. The chaos run of 2026-12-01 18:26 lost its observer at the first Kafka
 * restart (docs/reliability.md): every record written after it must still be observed, once.
 */
describe(KafkaProbe.name, () => {
  const say = () => undefined;
  const stack = loadStackConfig(process.env);
  const dir = mkdtempSync(join(tmpdir(), 'kuruma-probe-broker-'));
  const paths = kafkaPaths(dir);
  const security = { admin: ADMIN_KAFKA_AUTH, bootstrapUsers: [] };
  const topic = 'probe-restart';
  let port = 0;
  let node: KafkaNode;
  let sut: KafkaProbe;

  beforeAll(async () => {
    // The jars of the stack's broker, rather than a Maven run of its own.
    const libs = kafkaPaths(stack.STACK_STATE_DIR).libs;
    mkdirSync(join(dir, 'kafka'), { recursive: true });
    if (existsSync(libs)) symlinkSync(libs, paths.libs);
    port = await freePortPair();
    node = { id: 1, port, paths };
    await startKafka([node], '256m', security, say);
    const admin = kafkaClientAs(ADMIN_KAFKA_AUTH, 'probe-restart', [`127.0.0.1:${port}`]).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    await admin.disconnect();
    sut = new KafkaProbe({ producerAuth: ADMIN_KAFKA_AUTH, brokers: [`127.0.0.1:${port}`] });
    await sut.observe([topic]);
  }, 180_000);

  afterAll(async () => {
    await sut?.close();
    await stopKafka(dir, say);
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  const batch = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ key: `k${(from + i) % 7}`, value: String(from + i) }));
  const observed = () => sut.records.map((r) => Number(r.value)).sort((a, b) => a - b);

  it('observes every record written before, across and after broker restarts, each once', async () => {
    await sut.produce(topic, batch(0, 50));
    await sut.waitFor((rs) => rs.length >= 50, 30_000, 'the records before the restart');

    for (let restart = 0; restart < 2; restart++) {
      await stopKafka(dir, say);
      await startKafka([node], '256m', security, say);
      // Written while the observer may still be reconnecting: these are the ones the 18:26 run missed.
      await sut.produce(topic, batch(50 + restart * 100, 100));
    }

    await sut.complete(120_000);
    expect(observed()).toEqual(Array.from({ length: 250 }, (_, i) => i));
  }, 300_000);

  it('commits no offsets: its own positions are what it resumes from', async () => {
    // An OffsetCommit after every fetch was half of what the bench's observer asked of the broker,
    // whose CPU counts in the platform's (docs/benchmarks.md, "The observer's share of the broker").
    const admin = kafkaClientAs(ADMIN_KAFKA_AUTH, 'probe-restart', [`127.0.0.1:${port}`]).admin();
    await admin.connect();
    try {
      const { groups } = await admin.listGroups();
      expect(groups.length).toBeGreaterThan(0);
      for (const { groupId } of groups) {
        const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
        expect(offsets?.partitions.map((p) => p.offset)).toEqual(['-1', '-1', '-1']);
      }
    } finally {
      await admin.disconnect();
    }
  });
});
