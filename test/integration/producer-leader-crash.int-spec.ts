import { randomUUID } from 'node:crypto';
import { type Kafka, type Message, Partitioners, type PartitionMetadata } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStackConfig } from '@kuruma/config';
import { EventProducer } from '@kuruma/data-access-messaging';
import { kafkaNodePid } from '../../infra/local/kafka-broker';
import { LocalKafkaCluster } from '../../infra/local/kafka-cluster';
import { ADMIN_KAFKA_AUTH, kafkaClientAs, testTopic, waitUntil } from '../../tools/harness';

const cluster = loadStackConfig().KAFKA_CLUSTER_SIZE;
const log = (msg: string) => console.log(`[producer leader crash] ${msg}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const PARTITIONS = 6;

/** A key for each partition, as the Java-compatible partitioner places it. */
function keyPerPartition(partitionMetadata: PartitionMetadata[]): string[] {
  const choose = Partitioners.DefaultPartitioner();
  const keys: string[] = [];
  for (let i = 0; keys.filter(Boolean).length < PARTITIONS; i++) {
    const key = `booking-${i}`;
    const p = choose({ topic: 't', partitionMetadata, message: { key, value: '' } });
    keys[p] ??= key;
  }
  return keys;
}

/**
 * The booking lost in the second broker-failover run (docs/reliability.md): kafkajs 2.2.4's
 * sendBatch keeps each broker's answer across its retries, so when the leader of some partitions
 * dies with the call's request in flight and those partitions move to a broker that has answered
 * for its own meanwhile, the retry sends them nowhere and the call resolves. On a three-node
 * cluster (KAFKA_CLUSTER_SIZE=3), a plain idempotent kafkajs producer (the way EventProducer sent
 * before) and EventProducer each send one record per partition of their own fresh topic, twice:
 * once to warm up (connections and metadata, as a running service has them), then in one call
 * while the leader of most partitions is frozen (SIGSTOP, so the call's request to it is surely
 * in flight, as under load) and then killed with -9. Then each partition's records are counted.
 */
describe.skipIf(cluster < 3)('a send spanning partitions when one of their leaders crashes', () => {
  const kafka = new LocalKafkaCluster(process.env, log);
  const client: Kafka = kafkaClientAs(ADMIN_KAFKA_AUTH, 'producer-leader-crash');
  const admin = client.admin();
  const run = randomUUID().slice(0, 8);
  const plainTopic = testTopic(`producer-crash.${run}.plain.v1`);
  const fixedTopic = testTopic(`producer-crash.${run}.event-producer.v1`);
  let victim = -1;
  /** Per topic, the partitions the killed broker led. */
  const victimPartitions = new Map<string, number[]>();
  const written = new Map<string, number[]>();
  const resends: { messages: number; topics: string[] }[] = [];

  beforeAll(async () => {
    await admin.connect();
    await admin.createTopics({ waitForLeaders: false, topics: [plainTopic, fixedTopic].map((topic) => ({ topic, numPartitions: PARTITIONS, replicationFactor: 3 })) });
    // kafkajs's waitForLeaders gives up when a broker does not know the new topic yet: poll instead.
    const led = async () => (await admin.fetchTopicMetadata({ topics: [plainTopic, fixedTopic] })).topics.every((t) => t.partitions.length === PARTITIONS && t.partitions.every((p) => p.leader >= 0));
    if (!(await waitUntil(() => led().catch(() => false), 60_000, 500))) throw new Error('the test topics have no leaders after 60 s');
    const metadata = await admin.fetchTopicMetadata({ topics: [plainTopic, fixedTopic] });
    victim = await kafka.leaderOfMostPartitions([plainTopic, fixedTopic]);
    for (const t of metadata.topics) victimPartitions.set(t.name, t.partitions.filter((p) => p.leader === victim).map((p) => p.partitionId));
    const keys = keyPerPartition(metadata.topics[0]?.partitions ?? []);
    const messages = (): Message[] => keys.map((key) => ({ key, value: JSON.stringify({ key, at: Date.now() }) }));

    const plain = client.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner, retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 200, maxRetryTime: 5_000 } });
    const fixed = new EventProducer(client, (resend) => resends.push(resend));
    await plain.connect();
    await fixed.connect();
    const sendBoth = () =>
      Promise.all([
        plain.sendBatch({ acks: -1, topicMessages: [{ topic: plainTopic, messages: messages() }] }),
        fixed.send(messages().map((m) => ({ topic: fixedTopic, key: m.key as string, value: m.value as string }))),
      ]);
    await sendBoth();
    const pid = kafkaNodePid((kafka.nodes.find((n) => n.id === victim) as (typeof kafka.nodes)[number]).paths);
    if (pid === null) throw new Error(`Kafka node ${victim} is not running`);
    log(`freezing node ${victim} (pid ${pid}), leader of partitions ${JSON.stringify(Object.fromEntries(victimPartitions))}`);
    process.kill(pid, 'SIGSTOP');
    const started = Date.now();
    const sent = sendBoth();
    await sleep(1_500);
    await kafka.kill(victim);
    await sent;
    log(`both sends resolved ${Date.now() - started} ms after the freeze; EventProducer resent ${JSON.stringify(resends)}`);
    await plain.disconnect();
    await fixed.disconnect();
    await kafka.start(victim);
    await waitUntil(async () => (await kafka.underReplicatedPartitions([plainTopic, fixedTopic])) === 0, 120_000, 1_000);
    for (const topic of [plainTopic, fixedTopic]) {
      const offsets = await admin.fetchTopicOffsets(topic);
      written.set(topic, offsets.sort((a, b) => a.partition - b.partition).map((o) => Number(o.high) - Number(o.low)));
    }
    log(JSON.stringify({ victim, victimPartitions: Object.fromEntries(victimPartitions), written: Object.fromEntries(written) }));
  }, 400_000);

  afterAll(async () => {
    for (const node of kafka.nodes) if (!kafka.running().includes(node.id)) await kafka.start(node.id);
    await admin.deleteTopics({ topics: [plainTopic, fixedTopic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('kafkajs alone resolves the send without writing the partitions the killed broker led (the cause): they hold only the warm-up record', () => {
    const led = victimPartitions.get(plainTopic) ?? [];
    expect(led.length).toBeGreaterThan(0);
    const plain = written.get(plainTopic) ?? [];
    expect(led.map((p) => plain[p])).toEqual(led.map(() => 1));
    expect(plain.filter((n, p) => !led.includes(p) && n === 2)).toHaveLength(PARTITIONS - led.length);
  });

  it('EventProducer sends the unwritten partitions again: every record once, none lost', () => {
    expect(written.get(fixedTopic)).toEqual(Array.from({ length: PARTITIONS }, () => 2));
    expect(resends.reduce((n, r) => n + r.messages, 0)).toBeGreaterThanOrEqual((victimPartitions.get(fixedTopic) ?? []).length);
  });
});
