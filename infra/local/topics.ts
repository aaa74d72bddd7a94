import { type Admin, Kafka, logLevel } from 'kafkajs';
import { replicationFor, TOPIC_SPECS, type TopicSpec, topicName } from '../../libs/contracts/src/topics';
import { type KafkaAuth, kafkaAuthOptions } from '../../libs/data-access/messaging/src/kafka/kafka-auth';
import { applyGrants, platformGrants } from './kafka-access';

/** An admin client of the platform admin principal (the stack scripts and provisioning). */
export function adminClient(brokers: string[], auth: KafkaAuth, clientId = 'kuruma-topics'): Admin {
  // Freshly created topics answer "not hosted here" for a moment on a busy machine: retry longer.
  return new Kafka({ clientId, brokers, logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 5_000 }, ...kafkaAuthOptions(auth) }).admin();
}

/**
 * Creates every topic of the one declarative list (libs/contracts/src/topics.ts) and the ACLs that
 * let each service use exactly its own, and aligns the configuration of existing topics.
 */
export async function ensureTopics(
  brokers: string[],
  namespace: string,
  groupPrefix: string,
  auth: KafkaAuth,
  say: (msg: string) => void = () => undefined,
): Promise<void> {
  const admin = adminClient(brokers, auth);
  await admin.connect();
  try {
    await ensureTopicSpecs(admin, TOPIC_SPECS, namespace, say);
    // A broker without authentication (PLAINTEXT, development only) has no authorizer either.
    if (auth.securityProtocol !== 'plaintext') await applyGrants(admin, platformGrants(namespace, groupPrefix));
  } finally {
    await admin.disconnect();
  }
}

/**
 * Creates the missing topics of `specs` and aligns existing ones. Partition counts only grow.
 * Replication follows the cluster (libs/contracts TOPIC_REPLICATION: three copies and
 * min.insync.replicas=2 on three brokers or more; one copy on the single development broker).
 */
export async function ensureTopicSpecs(admin: Admin, specs: readonly TopicSpec[], namespace: string, say: (msg: string) => void = () => undefined): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const { replicas, minInsyncReplicas } = replicationFor((await admin.describeCluster()).brokers.length);
  const configEntries = (spec: TopicSpec) => [
    { name: 'cleanup.policy', value: spec.cleanupPolicy },
    { name: 'retention.ms', value: String(spec.retentionMs) },
    { name: 'max.message.bytes', value: String(spec.maxMessageBytes) },
    { name: 'min.insync.replicas', value: String(minInsyncReplicas) },
  ];
  const missing = specs.filter((s) => !existing.has(topicName(s.name, namespace)));
  if (missing.length) {
    await admin.createTopics({
      // kafkajs' own wait gives up on the "not hosted here" a just-created topic answers for a
      // moment on a busy machine; waitForLeaders() below retries it.
      waitForLeaders: false,
      topics: missing.map((spec) => ({
        topic: topicName(spec.name, namespace),
        numPartitions: spec.partitions,
        replicationFactor: replicas,
        configEntries: configEntries(spec),
      })),
    });
    await waitForLeaders(admin, missing.map((s) => topicName(s.name, namespace)));
    say(`created ${missing.length} topic(s): ${missing.map((s) => topicName(s.name, namespace)).join(', ')}`);
  }
  const present = specs.filter((s) => existing.has(topicName(s.name, namespace)));
  if (present.length) {
    const metadata = await admin.fetchTopicMetadata({ topics: present.map((s) => topicName(s.name, namespace)) });
    // kafkajs cannot reassign replicas: a topic created on a smaller cluster keeps its copies until an operator moves them.
    const thin = metadata.topics.filter((t) => t.partitions.some((p) => p.replicas.length < replicas)).map((t) => t.name);
    if (thin.length) say(`warning: ${thin.length} topic(s) have fewer than ${replicas} replicas (created on a smaller cluster): ${thin.join(', ')}`);
    const grow = present.filter((spec) => {
      const found = metadata.topics.find((t) => t.name === topicName(spec.name, namespace));
      return found && found.partitions.length < spec.partitions;
    });
    if (grow.length) await admin.createPartitions({ topicPartitions: grow.map((s) => ({ topic: topicName(s.name, namespace), count: s.partitions })) });
    await admin.alterConfigs({
      validateOnly: false,
      resources: present.map((spec) => ({ type: 2 /* TOPIC */, name: topicName(spec.name, namespace), configEntries: configEntries(spec) })),
    });
  }
}

/** Until every partition of `topics` has a leader (30 s at most). */
async function waitForLeaders(admin: Admin, topics: string[]): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const { topics: found } = await admin.fetchTopicMetadata({ topics });
      if (found.length === topics.length && found.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) throw new Error(`topics without a leader after 30 s: ${topics.join(', ')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
