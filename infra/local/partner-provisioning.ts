import { randomBytes } from 'node:crypto';
import { KafkaPrincipals, PARTNER_ID_PATTERN, partnerTopicSpecs } from '../../libs/contracts/src/topics';
import { loadStackConfig, type StackConfig } from '../../libs/platform/config/src/stack.config';
import type { KafkaAuth } from '../../libs/data-access/messaging/src/kafka/kafka-auth';
import { applyGrants, ensureScramUsers, partnerGrants } from './kafka-access';
import { ensureKafkaJars, kafkaPaths } from './kafka-broker';
import { adminClient, ensureTopicSpecs } from './topics';

export interface ProvisionedPartner {
  principal: string;
  topics: string[];
  /** The password, when this run set it (given, or generated for a new principal); else null. */
  password: string | null;
}

/** The platform admin's credentials from the stack configuration. */
export function adminAuth(config: StackConfig): KafkaAuth {
  return {
    securityProtocol: config.KAFKA_SECURITY_PROTOCOL,
    saslMechanism: config.KAFKA_SASL_MECHANISM,
    sslCaFile: config.KAFKA_SSL_CA_FILE,
    username: config.KAFKA_ADMIN_USER,
    password: config.KAFKA_ADMIN_PASSWORD,
  };
}

/**
 * Onboards a partner on the broker, idempotently, as the admin: its SCRAM principal
 * `partner.<id>`, its three topics and the ACLs that let it write its booking events and read its
 * own policy and claim events (and let the services serve those topics). Without a password an
 * existing principal keeps its own and a new one gets a generated one, returned once.
 */
export async function provisionPartner(
  partnerId: string,
  options: { password?: string; say?: (msg: string) => void } = {},
  env: NodeJS.ProcessEnv = process.env,
): Promise<ProvisionedPartner> {
  if (!PARTNER_ID_PATTERN.test(partnerId)) throw new Error(`partner id "${partnerId}" must match ${PARTNER_ID_PATTERN} (it names topics and a principal)`);
  const say = options.say ?? (() => undefined);
  const config = loadStackConfig(env);
  const admin = adminAuth(config);
  const paths = kafkaPaths(config.STACK_STATE_DIR);
  ensureKafkaJars(paths, say);
  const principal = KafkaPrincipals.partner(partnerId);
  const password = options.password ?? randomBytes(24).toString('base64url');
  const set = await ensureScramUsers({ libs: paths.libs, brokers: config.KAFKA_BROKERS, admin, keepExisting: options.password === undefined }, [{ username: principal, password }]);
  const client = adminClient(config.KAFKA_BROKERS, admin, 'kuruma-provisioning');
  await client.connect();
  try {
    const specs = partnerTopicSpecs(partnerId);
    await ensureTopicSpecs(client, specs, config.KAFKA_TOPIC_NAMESPACE, say);
    if (admin.securityProtocol !== 'plaintext') await applyGrants(client, partnerGrants(partnerId, config.KAFKA_TOPIC_NAMESPACE));
    return { principal, topics: specs.map((s) => `${config.KAFKA_TOPIC_NAMESPACE}${s.name}`), password: set.includes(principal) ? password : null };
  } finally {
    await client.disconnect();
  }
}
