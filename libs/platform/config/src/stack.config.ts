import { resolve } from 'node:path';
import { z } from 'zod';
import { envInt, envList, envPort, parseEnv } from './parse-env';
import { clusterBrokerAddresses, kafkaAdminVars, kafkaTransportVars } from './kafka.config';
import { checkMqttAccountNames, demoPartnerKafkaVars, mqttVars } from './service-secrets.config';

/** What the local-stack scripts need: where each component lives and where state is kept. */
export function loadStackConfig(env: NodeJS.ProcessEnv = process.env) {
  const config = parseEnv(
    z.object({
      KAFKA_BROKERS: envList('127.0.0.1:9092'),
      KAFKA_TOPIC_NAMESPACE: z.string().regex(/^[a-z0-9._-]*$/).default(''),
      /** The services' consumer group prefix: their group ACLs are granted under it. */
      KAFKA_GROUP_PREFIX: z.string().regex(/^[a-z0-9._-]*$/).default('kuruma'),
      ...kafkaTransportVars,
      ...kafkaAdminVars,
      DATABASE_URL: z.string().url().default('postgresql://postgres@127.0.0.1:5432/kuruma'),
      REDIS_URL: z.string().default('redis://127.0.0.1:6379/0'),
      STACK_STATE_DIR: z
        .string()
        .default('')
        .transform((v) => resolve(v || 'infra/local/.state')),
      KAFKA_HEAP: z.string().default('512m'),
      /**
       * Nodes of the local Kafka cluster (KRaft, each a broker and a controller voter): 1, or 3 for
       * replication factor 3 with min.insync.replicas=2. With 3, a KAFKA_BROKERS naming one address
       * is the first node; the others follow at +2 and +4 (clusterBrokerAddresses).
       */
      KAFKA_CLUSTER_SIZE: envInt(1, 1, 3),
      ...mqttVars,
      /** Port of Mosquitto's TLS listener for devices (certificates from a local CA in the state dir). */
      MQTT_TLS_PORT: envPort(8884),
      /** Port of the listener for devices with a client certificate from the device CA. */
      MQTT_X509_PORT: envPort(8885),
      ...demoPartnerKafkaVars,
    }),
    env,
  );
  checkMqttAccountNames(config);
  return { ...config, KAFKA_BROKERS: clusterBrokerAddresses(config.KAFKA_BROKERS, config.KAFKA_CLUSTER_SIZE) };
}
export type StackConfig = ReturnType<typeof loadStackConfig>;
