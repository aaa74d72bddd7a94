/**
 * The two environments the manifests are rendered for (infra/k8s/dev, infra/k8s/production). What
 * differs is here; everything else comes from the code (services, topics, ACLs, ports, probes).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export interface Egress {
  /** Where the pods reach it: an address block (a managed service) and its port. */
  cidr: string;
  port: number;
}

export interface DeployEnvironment {
  name: 'dev' | 'production';
  namespace: string;
  appEnv: 'development' | 'production';
  image: string;
  /** Instances each service keeps at least (KEDA's minimum for the Kafka consumers). */
  minReplicas: number;
  kafka: {
    brokers: number;
    /** Replication factor of every topic (Strimzi KafkaTopic `replicas`). */
    replicas: number;
    minInsyncReplicas: number;
    storage: string;
    /** `plain`: SASL_PLAINTEXT on 9092; `tls`: SASL_SSL on 9093 with the cluster CA. */
    listener: 'plain' | 'tls';
  };
  /** Consumer lag per replica above which KEDA adds an instance. */
  lagThreshold: number;
  mqtt: { url: string; publicUrl: string; publicX509Url: string; broker: Egress };
  postgres: Egress;
  redis: Egress;
  /** Partners onboarded on Kafka (their topics, KafkaUser and the services' grants on their topics). */
  partners: readonly string[];
  /** Label of the namespace the partner gateway / ingress controller runs in (may reach the partner APIs and the console). */
  gatewayNamespaceLabel: Record<string, string>;
  /** Label of the namespace Prometheus runs in (may scrape /metrics). */
  monitoringNamespaceLabel: Record<string, string>;
}

const version = (JSON.parse(readFileSync(resolve(__dirname, '../../package.json'), 'utf8')) as { version: string }).version;

/** What both environments share: managed Postgres and Redis on the private network, the usual namespaces. */
const SHARED = {
  image: `kuruma-cover:${version}`,
  lagThreshold: 1000,
  postgres: { cidr: '10.0.0.0/8', port: 5432 },
  redis: { cidr: '10.0.0.0/8', port: 6379 },
  gatewayNamespaceLabel: { 'kubernetes.io/metadata.name': 'ingress' },
  monitoringNamespaceLabel: { 'kubernetes.io/metadata.name': 'monitoring' },
} as const;

export const ENVIRONMENTS: readonly DeployEnvironment[] = [
  {
    ...SHARED,
    name: 'dev',
    namespace: 'kuruma-dev',
    appEnv: 'development',
    minReplicas: 1,
    // One broker: a developer's cluster (kind, minikube) has room for little more.
    kafka: { brokers: 1, replicas: 1, minInsyncReplicas: 1, storage: '10Gi', listener: 'plain' },
    mqtt: { url: 'mqtt://mosquitto.kuruma-dev.svc:1884', publicUrl: 'mqtts://mqtt.dev.kuruma.example:8883', publicX509Url: 'mqtts://mqtt.dev.kuruma.example:8885', broker: { cidr: '10.0.0.0/8', port: 1884 } },
    partners: ['demo'],
  },
  {
    ...SHARED,
    name: 'production',
    namespace: 'kuruma',
    appEnv: 'production',
    minReplicas: 2,
    kafka: { brokers: 3, replicas: 3, minInsyncReplicas: 2, storage: '100Gi', listener: 'tls' },
    mqtt: { url: 'mqtts://mqtt-internal.kuruma.example:8883', publicUrl: 'mqtts://mqtt.kuruma.example:8883', publicX509Url: 'mqtts://mqtt.kuruma.example:8885', broker: { cidr: '10.0.0.0/8', port: 8883 } },
    partners: [],
  },
];
