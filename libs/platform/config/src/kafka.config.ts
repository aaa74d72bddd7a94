import { z } from 'zod';

/**
 * Default principal names, the same as KafkaPrincipals in libs/contracts/src/topics.ts (this
 * library may import nothing of ours; kafka.config.spec.ts keeps the two equal).
 */
export const DefaultKafkaPrincipals = {
  admin: 'kuruma-admin',
  service: (service: string): string => `service.${service}`,
} as const;

/**
 * The local broker's development password for a principal. Published (it is derived from the
 * name), so production refuses it like every other development secret.
 */
export const devKafkaPassword = (principal: string): string => `${principal}-kafka-dev-password-change-me`;

const SECURITY_PROTOCOLS = ['sasl_plaintext', 'sasl_ssl', 'plaintext'] as const;
const SASL_MECHANISMS = ['scram-sha-256', 'scram-sha-512'] as const;
const lowerEnum = <T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) =>
  z
    .string()
    .default(fallback)
    .transform((v) => v.trim().toLowerCase())
    .pipe(z.enum(values));

/** How a client reaches the broker; the same for services, tools and the stack scripts. */
export const kafkaTransportVars = {
  /** SASL_PLAINTEXT (local broker), SASL_SSL (production), or PLAINTEXT (unauthenticated; refused in production). */
  KAFKA_SECURITY_PROTOCOL: lowerEnum(SECURITY_PROTOCOLS, 'sasl_plaintext'),
  KAFKA_SASL_MECHANISM: lowerEnum(SASL_MECHANISMS, 'scram-sha-256'),
  /** PEM file of the CA that signed the brokers' certificates (SASL_SSL); empty: the system CAs. */
  KAFKA_SSL_CA_FILE: z.string().default(''),
};

/** A service's own principal: `service.<name>` with its development password unless set. */
export const kafkaClientVars = (principal: string) => ({
  ...kafkaTransportVars,
  KAFKA_USERNAME: z.string().min(1).default(principal),
  KAFKA_PASSWORD: z.string().min(8).default(devKafkaPassword(principal)),
});

/** The admin principal, for the stack scripts and partner provisioning. */
export const kafkaAdminVars = {
  KAFKA_ADMIN_USER: z.string().min(1).default(DefaultKafkaPrincipals.admin),
  KAFKA_ADMIN_PASSWORD: z.string().min(8).default(devKafkaPassword(DefaultKafkaPrincipals.admin)),
};

export interface KafkaCredentials {
  securityProtocol: (typeof SECURITY_PROTOCOLS)[number];
  saslMechanism: (typeof SASL_MECHANISMS)[number];
  sslCaFile: string;
  username: string;
  password: string;
}

type TransportConfig = { KAFKA_SECURITY_PROTOCOL: KafkaCredentials['securityProtocol']; KAFKA_SASL_MECHANISM: KafkaCredentials['saslMechanism']; KAFKA_SSL_CA_FILE: string };

/** The credentials of one principal over the configured transport. */
export function kafkaCredentials(transport: TransportConfig, username: string, password: string): KafkaCredentials {
  return { securityProtocol: transport.KAFKA_SECURITY_PROTOCOL, saslMechanism: transport.KAFKA_SASL_MECHANISM, sslCaFile: transport.KAFKA_SSL_CA_FILE, username, password };
}

/**
 * What production must not run with: an unauthenticated connection (anyone who reaches the broker
 * could then act as any partner) or a published development password. Returns the problems.
 */
export function kafkaProductionProblems(config: TransportConfig & { KAFKA_USERNAME: string; KAFKA_PASSWORD: string }): string[] {
  const problems: string[] = [];
  if (config.KAFKA_SECURITY_PROTOCOL === 'plaintext') problems.push('KAFKA_SECURITY_PROTOCOL=PLAINTEXT is an unauthenticated Kafka connection: use SASL_SSL with KAFKA_USERNAME/KAFKA_PASSWORD');
  if (config.KAFKA_PASSWORD === devKafkaPassword(config.KAFKA_USERNAME)) problems.push('KAFKA_PASSWORD is the published development password');
  return problems;
}

/**
 * The client addresses of a local cluster of `size` nodes whose first node listens on `first`:
 * node i (1-based) takes client port `port + 2(i-1)` and its controller listener the next port,
 * so 9092 gives 9092, 9094, 9096 (controllers 9093, 9095, 9097). A list that already names every
 * node is kept as it is.
 */
export function clusterBrokerAddresses(brokers: readonly string[], size: number): string[] {
  if (brokers.length >= size) return [...brokers];
  const [host, port] = (brokers[0] ?? '127.0.0.1:9092').split(':');
  return Array.from({ length: size }, (_, i) => `${host}:${Number(port ?? 9092) + 2 * i}`);
}
