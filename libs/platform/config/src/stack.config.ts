import { resolve } from 'node:path';
import { z } from 'zod';
import { envList, parseEnv } from './parse-env';
import { kafkaAdminVars, kafkaTransportVars } from './kafka.config';
import { demoPartnerKafkaVars, mqttVars } from './service-secrets.config';

/** What the local-stack scripts need: where each component lives and where state is kept. */
export function loadStackConfig(env: NodeJS.ProcessEnv = process.env) {
  return parseEnv(
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
      ...mqttVars,
      ...demoPartnerKafkaVars,
    }),
    env,
  );
}
export type StackConfig = ReturnType<typeof loadStackConfig>;
