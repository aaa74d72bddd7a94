import { describe, expect, it } from 'vitest';
import { clusterBrokerAddresses, devKafkaPassword } from './kafka.config';
import { loadStackConfig } from './stack.config';
import { loadServiceConfig } from './service.config';

/** Everything else production needs, so only the Kafka settings decide. */
const productionEnv = {
  APP_ENV: 'production',
  DEMO_PARTNER_API_KEY: 'a-real-partner-api-key-0123456789',
  DEMO_PARTNER_WEBHOOK_SECRET: 'whsec_cmVhbC1zZWNyZXQ=',
  OPS_ADMIN_PASSWORD: 'a-real-admin-password',
  MQTT_ADMIN_PASSWORD: 'a-real-mqtt-admin-password',
  MQTT_SERVICE_PASSWORD: 'a-real-mqtt-service-password',
  OPS_SESSION_SECRET: 'a-real-session-secret-0123456789abcdef0123',
  OPS_SERVICE_TOKEN: 'a-real-ops-service-token',
  OPS_IDENTITY_KEY: 'a-real-ops-identity-key-0123456789abcdef',
  API_CURSOR_KEY: 'a-real-api-cursor-key-0123456789abcdef',
  METRICS_TOKEN: 'a-real-metrics-token',
};
const load = (env: Record<string, string>) => loadServiceConfig('pricing', 3002, {}, env);

describe('finding 4: services refuse an unauthenticated Kafka connection in production', () => {
  it('refuses to start in production with KAFKA_SECURITY_PROTOCOL=PLAINTEXT (no SASL)', () => {
    expect(() => load({ ...productionEnv, KAFKA_SECURITY_PROTOCOL: 'PLAINTEXT', KAFKA_PASSWORD: 'a-real-kafka-password' })).toThrow(/unauthenticated Kafka connection/);
  });

  it("refuses to start in production with the service's published development Kafka password", () => {
    expect(() => load({ ...productionEnv, KAFKA_SECURITY_PROTOCOL: 'SASL_SSL' })).toThrow(/KAFKA_PASSWORD is the published development password/);
  });

  it('starts in production with SASL over TLS and its own password', () => {
    const sut = load({ ...productionEnv, KAFKA_SECURITY_PROTOCOL: 'SASL_SSL', KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512', KAFKA_USERNAME: 'service.pricing', KAFKA_PASSWORD: 'a-real-kafka-password' });
    expect(sut).toMatchObject({ KAFKA_SECURITY_PROTOCOL: 'sasl_ssl', KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_USERNAME: 'service.pricing' });
  });

  it('authenticates as the service\'s own principal with its development password by default (development)', () => {
    const sut = load({});
    expect(sut).toMatchObject({ KAFKA_SECURITY_PROTOCOL: 'sasl_plaintext', KAFKA_USERNAME: 'service.pricing', KAFKA_PASSWORD: devKafkaPassword('service.pricing') });
  });

  it('still allows PLAINTEXT outside production (e.g. a broker without authentication)', () => {
    expect(load({ KAFKA_SECURITY_PROTOCOL: 'plaintext' }).KAFKA_SECURITY_PROTOCOL).toBe('plaintext');
  });
});

describe(clusterBrokerAddresses.name, () => {
  it('gives a three-node cluster the first address and the two after it, two ports apart (each controller takes port + 1)', () => {
    expect(clusterBrokerAddresses(['127.0.0.1:9292'], 3)).toEqual(['127.0.0.1:9292', '127.0.0.1:9294', '127.0.0.1:9296']);
  });

  it('keeps a list that already names every node, and a single broker as it is', () => {
    expect(clusterBrokerAddresses(['a:1', 'b:1', 'c:1'], 3)).toEqual(['a:1', 'b:1', 'c:1']);
    expect(clusterBrokerAddresses(['127.0.0.1:9092'], 1)).toEqual(['127.0.0.1:9092']);
  });

  it('hands the stack scripts and tests every node when KAFKA_CLUSTER_SIZE=3', () => {
    expect(loadStackConfig({ KAFKA_BROKERS: '127.0.0.1:9092', KAFKA_CLUSTER_SIZE: '3' }).KAFKA_BROKERS).toEqual(['127.0.0.1:9092', '127.0.0.1:9094', '127.0.0.1:9096']);
  });
});
