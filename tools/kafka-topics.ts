/**
 * `kuruma kafka-topics` in the container image (docker compose's one-shot before the services):
 * creates the topics of libs/contracts/src/topics.ts and the services' ACLs on KAFKA_BROKERS as the
 * admin principal, exactly as `npm run stack:up` does. Kubernetes uses Strimzi's KafkaTopic and
 * KafkaUser resources instead (infra/k8s).
 */
import { ensureTopics } from '../infra/local/stack-control';

ensureTopics().catch((error: Error) => {
  console.error(`kafka-topics failed: ${error.message}`);
  process.exit(1);
});
