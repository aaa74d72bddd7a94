/**
 * KEDA scales each Kafka consumer service on its consumer group's lag, up to the partitions the
 * group reads (an instance more would sit idle: a partition is read by one member of a group).
 * The scaler reads the group's offsets as the service's own principal, whose ACLs allow exactly that.
 */
import { KafkaPrincipals, PartnerTopics, partnerTopicSpecs, TOPIC_SPECS } from '../../libs/contracts/src/topics';
import type { DeployedService } from '../../infra/deploy/services';
import type { DeployEnvironment } from './environments';
import { GROUP_PREFIX, type Manifest } from './kafka-cluster';
import { kafkaBootstrap, serviceLabels } from './workloads';

/** The topics a service's consumer group reads in this environment. */
export function consumedTopics(service: DeployedService, env: DeployEnvironment): string[] {
  if (!service.consumer) return [];
  const partnerTopics = service.consumer.partnerBookingTopics ? env.partners.map((p) => PartnerTopics.bookingEvents(p)) : [];
  return [...service.consumer.topics, ...partnerTopics];
}

/** Partitions of those topics: the most instances that can each own one. */
export function partitionsRead(service: DeployedService, env: DeployEnvironment): number {
  const specs = [...TOPIC_SPECS, ...env.partners.flatMap((p) => partnerTopicSpecs(p))];
  return consumedTopics(service, env).reduce((sum, topic) => sum + (specs.find((t) => t.name === topic)?.partitions ?? 0), 0);
}

export function autoscaling(service: DeployedService, env: DeployEnvironment): Manifest[] {
  if (!service.consumer) return [];
  const name = service.name;
  const principal = KafkaPrincipals.service(name);
  const topics = consumedTopics(service, env);
  const tls = env.kafka.listener === 'tls';
  const auth: Manifest = {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'TriggerAuthentication',
    metadata: { name: `kafka-${name}`, namespace: env.namespace, labels: serviceLabels(name) },
    spec: {
      // The user name as the service's container has it; the password from Strimzi's Secret of the KafkaUser.
      env: [{ parameter: 'username', name: 'KAFKA_USERNAME', containerName: name }],
      secretTargetRef: [
        { parameter: 'password', name: principal, key: 'password' },
        ...(tls ? [{ parameter: 'ca', name: 'kuruma-cluster-ca-cert', key: 'ca.crt' }] : []),
      ],
    },
  };
  const scaled: Manifest = {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: { name, namespace: env.namespace, labels: serviceLabels(name) },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      minReplicaCount: env.minReplicas,
      maxReplicaCount: partitionsRead(service, env),
      pollingInterval: 15,
      cooldownPeriod: 300,
      triggers: [
        {
          type: 'kafka',
          metadata: {
            bootstrapServers: kafkaBootstrap(env),
            consumerGroup: `${GROUP_PREFIX}.${service.consumer.group}`,
            // One topic: that one's lag. Several (partner-webhooks), or booking-ingest, whose group
            // also reads every onboarded partner's topic: no topic, so KEDA sums the lag of every
            // topic the group has offsets on.
            ...(topics.length === 1 && !service.consumer.partnerBookingTopics ? { topic: topics[0] } : {}),
            lagThreshold: String(env.lagThreshold),
            offsetResetPolicy: 'earliest',
            allowIdleConsumers: 'false',
            sasl: 'scram_sha512',
            tls: tls ? 'enable' : 'disable',
          },
          authenticationRef: { name: `kafka-${name}` },
        },
      ],
    },
  };
  return [auth, scaled];
}
