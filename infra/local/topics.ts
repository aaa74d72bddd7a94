import { Kafka, logLevel } from 'kafkajs';
import { TOPIC_SPECS, topicName } from '../../libs/contracts/src/topics';

/**
 * Creates every topic of the one declarative list (libs/contracts/src/topics.ts) and aligns the
 * configuration of existing ones. Partition counts only grow (Kafka cannot shrink them).
 */
export async function ensureTopics(brokers: string[], namespace: string, say: (msg: string) => void = () => undefined): Promise<void> {
  const admin = new Kafka({ clientId: 'kuruma-topics', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const configEntries = (spec: (typeof TOPIC_SPECS)[number]) => [
      { name: 'cleanup.policy', value: spec.cleanupPolicy },
      { name: 'retention.ms', value: String(spec.retentionMs) },
      { name: 'max.message.bytes', value: String(spec.maxMessageBytes) },
    ];
    const missing = TOPIC_SPECS.filter((s) => !existing.has(topicName(s.name, namespace)));
    if (missing.length) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((spec) => ({
          topic: topicName(spec.name, namespace),
          numPartitions: spec.partitions,
          replicationFactor: 1,
          configEntries: configEntries(spec),
        })),
      });
      say(`created ${missing.length} topic(s): ${missing.map((s) => topicName(s.name, namespace)).join(', ')}`);
    }
    const present = TOPIC_SPECS.filter((s) => existing.has(topicName(s.name, namespace)));
    if (present.length) {
      const metadata = await admin.fetchTopicMetadata({ topics: present.map((s) => topicName(s.name, namespace)) });
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
  } finally {
    await admin.disconnect();
  }
}
