/**
 * Kafka on Kubernetes with Strimzi (kafka.strimzi.io/v1, operator 1.2): a KRaft cluster of one node
 * pool whose nodes are both controllers and brokers, SCRAM-SHA-512 listeners and simple
 * authorization; KafkaTopic resources generated from the one topic table (libs/contracts/src/topics.ts)
 * and KafkaUser resources carrying the grants of infra/local/kafka-access.ts, so the principals and
 * ACLs are those the local broker enforces and the security tests exercise.
 */
import { KafkaPrincipals, partnerTopicSpecs, TOPIC_SPECS, type TopicSpec } from '../../libs/contracts/src/topics';
import { type AclGrant, partnerGrants, platformGrants, SERVICES } from '../../infra/local/kafka-access';
import type { DeployEnvironment } from './environments';
import { KEDA_NAMESPACE_LABEL } from './network-policies';
import { KAFKA_CLUSTER, PART_OF } from './workloads';

/** Kafka version of the brokers: Strimzi 1.2's default. */
export const KAFKA_VERSION = '4.3.1';
/** The services' consumer groups are `<KAFKA_GROUP_PREFIX>.<service>`. */
export const GROUP_PREFIX = 'kuruma';

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
}

const clusterLabels = { 'strimzi.io/cluster': KAFKA_CLUSTER, 'app.kubernetes.io/part-of': PART_OF };
/** Kubernetes names: a topic or principal name as it is, where it is a valid one (all of ours are). */
const resourceName = (name: string): string => {
  if (!/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/.test(name)) throw new Error(`${name} is not a valid Kubernetes resource name`);
  return name;
};

export function kafkaCluster(env: DeployEnvironment): Manifest[] {
  const listener = (name: string, port: number, tls: boolean) => ({
    name,
    port,
    type: 'internal',
    tls,
    authentication: { type: 'scram-sha-512' },
    // Strimzi turns these into the NetworkPolicy of the listener: only the platform's pods and
    // KEDA's operator (it reads the consumer groups' lag) reach it.
    networkPolicyPeers: [{ podSelector: { matchLabels: { 'kuruma.io/kafka-client': 'true' } } }, { namespaceSelector: { matchLabels: KEDA_NAMESPACE_LABEL } }],
  });
  const largest = Math.max(...TOPIC_SPECS.map((t) => t.maxMessageBytes));
  return [
    {
      apiVersion: 'kafka.strimzi.io/v1',
      kind: 'KafkaNodePool',
      metadata: { name: 'dual-role', namespace: env.namespace, labels: clusterLabels },
      spec: {
        replicas: env.kafka.brokers,
        roles: ['controller', 'broker'],
        storage: { type: 'jbod', volumes: [{ id: 0, type: 'persistent-claim', size: env.kafka.storage, deleteClaim: false, kraftMetadata: 'shared' }] },
        resources: { requests: { cpu: '500m', memory: '2Gi' }, limits: { memory: '2Gi' } },
        jvmOptions: { '-Xms': '1g', '-Xmx': '1g' },
      },
    },
    {
      apiVersion: 'kafka.strimzi.io/v1',
      kind: 'Kafka',
      metadata: { name: KAFKA_CLUSTER, namespace: env.namespace, labels: { 'app.kubernetes.io/part-of': PART_OF } },
      spec: {
        kafka: {
          version: KAFKA_VERSION,
          listeners: [listener('plain', 9092, false), listener('tls', 9093, true)],
          authorization: { type: 'simple', superUsers: [KafkaPrincipals.admin] },
          config: {
            'auto.create.topics.enable': false,
            'default.replication.factor': env.kafka.replicas,
            'min.insync.replicas': env.kafka.minInsyncReplicas,
            'offsets.topic.replication.factor': env.kafka.replicas,
            'transaction.state.log.replication.factor': env.kafka.replicas,
            'transaction.state.log.min.isr': env.kafka.minInsyncReplicas,
            // The ingest topic accepts 6 MiB records and the dead-letter topics 7 MiB (topic-level max.message.bytes).
            'message.max.bytes': largest,
            'replica.fetch.max.bytes': largest,
          },
        },
        entityOperator: { topicOperator: {}, userOperator: {} },
        // Consumer lag per group as kafka_consumergroup_lag (the PrometheusRule's lag alert).
        kafkaExporter: { groupRegex: '.*', topicRegex: '.*' },
      },
    },
  ];
}

export function kafkaTopic(spec: TopicSpec, env: DeployEnvironment): Manifest {
  return {
    apiVersion: 'kafka.strimzi.io/v1',
    kind: 'KafkaTopic',
    metadata: { name: resourceName(spec.name), namespace: env.namespace, labels: clusterLabels },
    spec: {
      topicName: spec.name,
      partitions: spec.partitions,
      replicas: env.kafka.replicas,
      config: {
        'cleanup.policy': spec.cleanupPolicy,
        'retention.ms': spec.retentionMs,
        'max.message.bytes': spec.maxMessageBytes,
        'min.insync.replicas': env.kafka.minInsyncReplicas,
      },
    },
  };
}

/** Strimzi ACL rules of one principal's grants. READ and WRITE imply DESCRIBE on the broker, as locally. */
export function aclRules(grants: readonly AclGrant[]) {
  return grants.map((g) => ({
    type: 'allow',
    resource: { type: g.resource, name: g.name, patternType: g.pattern === 'literal' ? 'literal' : 'prefix' },
    operations: [g.operation === 'read' ? 'Read' : 'Write'],
    host: '*',
  }));
}

export function kafkaUser(principal: string, grants: readonly AclGrant[], env: DeployEnvironment): Manifest {
  return {
    apiVersion: 'kafka.strimzi.io/v1',
    kind: 'KafkaUser',
    metadata: { name: resourceName(principal), namespace: env.namespace, labels: clusterLabels },
    spec: {
      authentication: { type: 'scram-sha-512' },
      authorization: { type: 'simple', acls: aclRules(grants.filter((g) => g.principal === principal)) },
    },
  };
}

/**
 * The platform's topics and principals (the services and the reconcile tool) and those of the
 * environment's partners, with their ACLs. A partner is onboarded by adding its id to the
 * environment (tools/k8s/environments.ts) and rendering again: its three topics, its KafkaUser and
 * the services' grants on its topics (the same as `npm run partner:provision` creates locally).
 */
export function kafkaAccess(env: DeployEnvironment): Manifest[] {
  const grants = [...platformGrants('', GROUP_PREFIX), ...env.partners.flatMap((p) => partnerGrants(p, ''))];
  const topics = [...TOPIC_SPECS, ...env.partners.flatMap((p) => partnerTopicSpecs(p))];
  const principals = [...SERVICES.map((s) => KafkaPrincipals.service(s)), KafkaPrincipals.tool('reconcile'), ...env.partners.map((p) => KafkaPrincipals.partner(p))];
  // The admin is a super user (no ACLs): operators' tools, `kuruma kafka-topics` outside Strimzi.
  const admin: Manifest = {
    apiVersion: 'kafka.strimzi.io/v1',
    kind: 'KafkaUser',
    metadata: { name: KafkaPrincipals.admin, namespace: env.namespace, labels: clusterLabels },
    spec: { authentication: { type: 'scram-sha-512' } },
  };
  return [...topics.map((t) => kafkaTopic(t, env)), ...principals.map((p) => kafkaUser(p, grants, env)), admin];
}
