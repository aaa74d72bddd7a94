import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { type KafkaAuth, kafkaAuthOptions } from '@kuruma/data-access-messaging';
import { kafkaPaths } from '../../infra/local/kafka-broker';

/** The Java tools' client settings for the admin principal (SASL/SCRAM, as every client uses). */
function javaClientProperties(auth: KafkaAuth): string {
  const file = join(mkdtempSync(join(tmpdir(), 'kuruma-kafka-client-')), 'client.properties');
  const mechanism = auth.saslMechanism.toUpperCase();
  writeFileSync(
    file,
    auth.securityProtocol === 'plaintext'
      ? ''
      : [
          `security.protocol=${auth.securityProtocol.toUpperCase()}`,
          `sasl.mechanism=${mechanism}`,
          `sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${auth.username}" password="${auth.password}";`,
          ...(auth.sslCaFile ? ['ssl.truststore.type=PEM', `ssl.truststore.location=${auth.sslCaFile}`] : []),
          '',
        ].join('\n'),
  );
  return file;
}

export interface KafkaCeiling {
  producerRecordsPerSec: number;
  producerMbPerSec: number;
  producerAvgLatencyMs: number;
  endToEndP50Ms: number;
  endToEndP99Ms: number;
}

/**
 * The broker's own tools, with the platform's record size: what this machine's Kafka can do with
 * no application in the way (acks=all, like the platform's idempotent producers).
 */
export async function kafkaCeiling(stateDir: string, brokers: string, recordSize: number, auth: KafkaAuth, say: (m: string) => void): Promise<KafkaCeiling> {
  const topic = 'bench.ceiling';
  const kafka = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING, ...kafkaAuthOptions(auth) });
  const clientProperties = javaClientProperties(auth);
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 6, replicationFactor: 1 }] }).catch(() => false);
  await admin.disconnect();
  const cp = `${kafkaPaths(stateDir).libs}/*`;
  say('Kafka ProducerPerformance: 300,000 records');
  const perf = execFileSync(
    'java',
    ['-Xmx256m', '-cp', cp, 'org.apache.kafka.tools.ProducerPerformance', '--topic', topic, '--num-records', '300000', '--record-size', String(recordSize), '--throughput', '-1', '--producer.config', clientProperties, '--producer-props', `bootstrap.servers=${brokers}`, 'acks=all', 'linger.ms=5', 'batch.size=131072'],
    { encoding: 'utf8' },
  );
  const summary = perf.trim().split('\n').at(-1) ?? '';
  const m = /([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency/.exec(summary);
  say('Kafka EndToEndLatency: 10,000 round trips');
  const e2e = spawnSync('java', ['-Xmx256m', '-cp', cp, 'org.apache.kafka.tools.EndToEndLatency', brokers, topic, '10000', 'all', String(recordSize), clientProperties], { encoding: 'utf8' });
  const p50 = /Percentiles: 50th = ([\d.]+)/.exec(e2e.stdout);
  const p99 = /99th = ([\d.]+)/.exec(e2e.stdout);
  return {
    producerRecordsPerSec: Number(m?.[1] ?? Number.NaN),
    producerMbPerSec: Number(m?.[2] ?? Number.NaN),
    producerAvgLatencyMs: Number(m?.[3] ?? Number.NaN),
    endToEndP50Ms: Number(p50?.[1] ?? Number.NaN),
    endToEndP99Ms: Number(p99?.[1] ?? Number.NaN),
  };
}

export interface PostgresCeiling {
  singleRowInsertsPerSec: number;
  batchedRowsPerSec: number;
}

/** pgbench with insert-only scripts: one row per transaction, and 100 rows per transaction. */
export function postgresCeiling(databaseUrl: string, rowBytes: number, say: (m: string) => void): PostgresCeiling {
  const dir = mkdtempSync(join(tmpdir(), 'kuruma-pgbench-'));
  const payload = 'x'.repeat(rowBytes);
  execFileSync('psql', [databaseUrl, '-qc', 'DROP TABLE IF EXISTS bench_ceiling; CREATE TABLE bench_ceiling (id bigserial PRIMARY KEY, body text NOT NULL, at timestamptz NOT NULL DEFAULT now())']);
  writeFileSync(join(dir, 'single.sql'), `INSERT INTO bench_ceiling(body) VALUES ('${payload}');\n`);
  writeFileSync(join(dir, 'batch.sql'), `INSERT INTO bench_ceiling(body) SELECT '${payload}' FROM generate_series(1, 100);\n`);
  const run = (script: string) => {
    const out = execFileSync('pgbench', ['-n', '-c', '8', '-j', '2', '-T', '8', '-f', join(dir, script), databaseUrl], { encoding: 'utf8' });
    return Number(/tps = ([\d.]+)/.exec(out)?.[1] ?? Number.NaN);
  };
  say('pgbench: single-row inserts, 8 clients, 8 s');
  const single = run('single.sql');
  say('pgbench: 100-row inserts, 8 clients, 8 s');
  const batched = run('batch.sql') * 100;
  // The batched run writes about a gigabyte of WAL: checkpoint now, so its flushing does not
  // land in the platform measurements that follow.
  say('pgbench: checkpoint after the ceiling runs');
  execFileSync('psql', [databaseUrl, '-qc', 'DROP TABLE bench_ceiling']);
  execFileSync('psql', [databaseUrl, '-qc', 'CHECKPOINT']);
  return { singleRowInsertsPerSec: Math.round(single), batchedRowsPerSec: Math.round(batched) };
}
