import { readFileSync } from 'node:fs';
import type { KafkaConfig } from 'kafkajs';

/** One principal's credentials and the transport to the broker (parsed by libs/platform/config). */
export interface KafkaAuth {
  securityProtocol: 'sasl_plaintext' | 'sasl_ssl' | 'plaintext';
  saslMechanism: 'scram-sha-256' | 'scram-sha-512';
  /** PEM CA bundle for SASL_SSL; empty means the system's CAs. */
  sslCaFile: string;
  username: string;
  password: string;
}

/**
 * The kafkajs `sasl` and `ssl` options for a principal. PLAINTEXT sends no credentials at all:
 * only a broker without authentication accepts it (services refuse it in production).
 */
export function kafkaAuthOptions(auth: KafkaAuth): Pick<KafkaConfig, 'sasl' | 'ssl'> {
  if (auth.securityProtocol === 'plaintext') return {};
  const ssl = auth.securityProtocol === 'sasl_ssl' ? (auth.sslCaFile ? { ca: [readFileSync(auth.sslCaFile, 'utf8')] } : true) : undefined;
  const credentials = { username: auth.username, password: auth.password };
  const sasl = auth.saslMechanism === 'scram-sha-512' ? { mechanism: 'scram-sha-512' as const, ...credentials } : { mechanism: 'scram-sha-256' as const, ...credentials };
  return { sasl, ...(ssl ? { ssl } : {}) };
}
