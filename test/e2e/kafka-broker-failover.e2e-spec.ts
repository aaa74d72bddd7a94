import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replicationFor, Topics, TOPIC_SPECS } from '@kuruma/contracts';
import { loadStackConfig } from '@kuruma/config';
import { LocalKafkaCluster } from '../../infra/local/kafka-cluster';
import { ADMIN_KAFKA_AUTH, kafkaClientAs, PlatformProcesses, SteadyBookings, testTopic } from '../../tools/harness';

const cluster = loadStackConfig().KAFKA_CLUSTER_SIZE;
const log = (msg: string) => console.log(`[broker failover] ${msg}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * On a three-node KRaft cluster (KAFKA_CLUSTER_SIZE=3; skipped on one broker): while bookings flow
 * through booking-ingest, pricing and policy, `kill -9` the broker leading the most partitions,
 * keep going, bring it back; then the same with the active controller. Replication factor 3 with
 * min.insync.replicas=2 and acks=all producers must lose nothing and double nothing.
 */
describe.skipIf(cluster < 3)('a three-broker Kafka cluster losing a broker under load', () => {
  const kafka = new LocalKafkaCluster(process.env, log);
  const platform = new PlatformProcesses();
  const flow = new SteadyBookings(23);
  const killed: { role: string; node: number }[] = [];
  let verdict: Awaited<ReturnType<SteadyBookings['stopAndVerify']>>;
  let underReplicatedAfter = -1;

  beforeAll(async () => {
    await platform.start(['booking-ingest', 'pricing', 'policy'], 180_000);
    await flow.start(100);
    await sleep(5_000);
    const ownTopics = TOPIC_SPECS.map((s) => testTopic(s.name));
    const leader = await kafka.leaderOfMostPartitions(ownTopics);
    log(`killing node ${leader}, the leader of the most partitions`);
    await kafka.kill(leader);
    killed.push({ role: 'partition leader', node: leader });
    await sleep(10_000);
    await kafka.start(leader);
    await sleep(5_000);
    const controller = kafka.activeController();
    log(`killing node ${controller}, the active controller`);
    await kafka.kill(controller);
    killed.push({ role: 'active controller', node: controller });
    await sleep(10_000);
    await kafka.start(controller);
    await sleep(5_000);
    verdict = await flow.stopAndVerify();
    for (let i = 0; i < 60 && (underReplicatedAfter = await kafka.underReplicatedPartitions(ownTopics)) > 0; i++) await sleep(1_000);
    log(JSON.stringify({ killed, bookings: verdict.operations.bookings, policies: verdict.policies, policyTopic: verdict.policyTopic, violations: verdict.violations.slice(0, 20) }));
  }, 600_000);
  afterAll(async () => {
    await platform.stopAll();
    // Whatever happened, leave every node running for the next test.
    for (const node of kafka.nodes) if (!kafka.running().includes(node.id)) await kafka.start(node.id);
  });

  it('keeps every topic in three copies and acknowledges a write only once two hold it', async () => {
    const admin = kafkaClientAs(ADMIN_KAFKA_AUTH, 'failover-check').admin();
    await admin.connect();
    try {
      const name = testTopic(Topics.policyEvents);
      const [meta] = (await admin.fetchTopicMetadata({ topics: [name] })).topics;
      expect(meta?.partitions.every((p) => p.replicas.length === 3)).toBe(true);
      const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name, configNames: ['min.insync.replicas'] }] });
      expect(resources[0]?.configEntries[0]?.configValue).toBe(String(replicationFor(3).minInsyncReplicas));
    } finally {
      await admin.disconnect();
    }
  });

  it('killed the broker leading the most partitions and then the active controller', () => {
    expect(killed.map((k) => k.role)).toEqual(['partition leader', 'active controller']);
    expect(kafka.running()).toHaveLength(3);
  });

  it('lost no acknowledged booking and doubled no policy', () => {
    expect(verdict.operations.bookings.ok).toBeGreaterThan(50);
    expect(verdict.policies).toMatchObject({ lost: 0, duplicated: 0, wrongState: 0, missingBoundEvent: 0 });
    expect(verdict.policyTopic.conflicting).toBe(0);
    expect(verdict.violations).toEqual([]);
  });

  it('came back to consumer lag 0 with every partition fully in sync again', () => {
    expect(verdict.lagZeroAt).not.toBeNull();
    expect(underReplicatedAfter).toBe(0);
  });
});
