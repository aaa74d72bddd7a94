/**
 * `npm run reconcile`: compares the outbox, the public topics and the tables, and lists every
 * difference (0 expected). Read-only and bounded, so it is safe against production:
 *  1. outbox rows still unpublished after a grace period (relay stuck);
 *  2. published outbox events missing from their topic (lost after publish) and events on the
 *     topic that no outbox row explains (phantoms); duplicates on the topic are counted, not
 *     failed, because every consumer de-duplicates by CloudEvent id;
 *  3. policies and claims whose lifecycle event was never enqueued;
 *  4. the premium ledger (docs/ledger.md): entries and periods balance, each policy's ledger premium
 *     and refunds equal its own, every money event has its entry, nothing is posted twice.
 * Only what is younger than the outbox retention (OUTBOX_RETENTION_HOURS) is compared: older
 * published rows have been deleted.
 */
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { z } from 'zod';
import { kafkaClientVars, kafkaCredentials, parseEnv } from '@kuruma/config';
import { KafkaPrincipals, Topics, topicName } from '@kuruma/contracts';
import { kafkaAuthOptions } from '@kuruma/data-access-messaging';
import { checkPremiumLedger, type PremiumLedgerReport } from './harness';

const env = parseEnv(
  z.object({
    DATABASE_URL: z.string().url().default('postgresql://postgres@127.0.0.1:5432/kuruma'),
    KAFKA_BROKERS: z.string().default('127.0.0.1:9092'),
    KAFKA_TOPIC_NAMESPACE: z.string().default(''),
    /** Its own read-only principal, tool.reconcile (READ on the policy and claim topics). */
    ...kafkaClientVars(KafkaPrincipals.tool('reconcile')),
    RECONCILE_GRACE_SECONDS: z.coerce.number().int().min(0).default(60),
    /** The services' outbox retention: rows older than this are deleted, so not compared. */
    OUTBOX_RETENTION_HOURS: z.coerce.number().int().min(2).default(168),
  }),
);

export interface ReconcileReport {
  stuckOutbox: number;
  missingOnTopic: string[];
  phantomOnTopic: string[];
  duplicatesOnTopic: number;
  policiesWithoutEvent: string[];
  claimsWithoutEvent: string[];
  premiumLedger: PremiumLedgerReport | null;
  differences: number;
}

/** Reads a topic from its earliest retained offset to the current end, without joining a group. */
async function readTopicIds(kafka: Kafka, topic: string, since: Date): Promise<{ ids: Map<string, number>; earliest: Date | null }> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const remaining = new Map(ends.filter((p) => BigInt(p.high) > BigInt(p.low)).map((p) => [p.partition, BigInt(p.high)]));
  const ids = new Map<string, number>();
  let earliest: Date | null = null;
  if (remaining.size === 0) return { ids, earliest };
  const consumer = kafka.consumer({ groupId: `reconcile-${process.pid}-${Date.now()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    consumer
      .run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          const ts = new Date(Number(message.timestamp));
          if (!earliest || ts < earliest) earliest = ts;
          try {
            // Older records' outbox rows may have been deleted after the retention period.
            if (ts < since) throw new RangeError('before the outbox retention horizon');
            const id = (JSON.parse(message.value?.toString('utf8') ?? '{}') as { id?: string }).id;
            if (id) ids.set(id, (ids.get(id) ?? 0) + 1);
          } catch (error) {
            // Not a CloudEvent: counted as a phantom below by its offset.
            if (!(error instanceof RangeError)) ids.set(`offset:${partition}:${message.offset}`, 1);
          }
          if (BigInt(message.offset) + 1n >= (remaining.get(partition) ?? 0n)) remaining.delete(partition);
          if (remaining.size === 0) resolve();
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return { ids, earliest };
}

export async function reconcile(): Promise<ReconcileReport> {
  const db = new Client({ connectionString: env.DATABASE_URL, application_name: 'reconcile' });
  await db.connect();
  const auth = kafkaCredentials(env, env.KAFKA_USERNAME, env.KAFKA_PASSWORD);
  const kafka = new Kafka({ clientId: 'kuruma-reconcile', brokers: env.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING, ...kafkaAuthOptions(auth) });
  const report: ReconcileReport = { stuckOutbox: 0, missingOnTopic: [], phantomOnTopic: [], duplicatesOnTopic: 0, policiesWithoutEvent: [], claimsWithoutEvent: [], premiumLedger: null, differences: 0 };
  try {
    const grace = `${env.RECONCILE_GRACE_SECONDS} seconds`;
    // Published outbox rows are deleted after OUTBOX_RETENTION_HOURS; compare only what is younger
    // (with an hour's margin for a prune running meanwhile).
    const retention = `${env.OUTBOX_RETENTION_HOURS - 1} hours`;
    const horizon = new Date(Date.now() - (env.OUTBOX_RETENTION_HOURS - 1) * 3_600_000);
    const stuck = await db.query<{ n: string }>(`SELECT count(*) AS n FROM outbox WHERE published_at IS NULL AND created_at < now() - $1::interval`, [grace]);
    report.stuckOutbox = Number(stuck.rows[0].n);

    for (const base of [Topics.policyEvents, Topics.claimEvents]) {
      const topic = topicName(base, env.KAFKA_TOPIC_NAMESPACE);
      const { ids, earliest } = await readTopicIds(kafka, topic, horizon);
      const rows = await db.query<{ event_id: string; published_at: Date }>(
        `SELECT event_id, published_at FROM outbox WHERE topic = $1 AND published_at IS NOT NULL`,
        [topic],
      );
      const expected = new Set<string>();
      for (const row of rows.rows) {
        expected.add(row.event_id);
        // Events older than what the topic still retains cannot be checked against it.
        if (earliest && row.published_at < earliest) continue;
        if (!ids.has(row.event_id)) report.missingOnTopic.push(`${base}:${row.event_id}`);
      }
      for (const [id, count] of ids) {
        if (!expected.has(id)) report.phantomOnTopic.push(`${base}:${id}`);
        if (count > 1) report.duplicatesOnTopic += count - 1;
      }
    }

    const policies = await db.query<{ id: string }>(`
      SELECT p.id::text FROM policy p
      WHERE p.status IN ('bound', 'active', 'ended', 'cancelled', 'declined')
        AND p.updated_at < now() - $1::interval AND p.updated_at > now() - $2::interval
        AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.producer = 'policy' AND o.key = p.booking_id)
      LIMIT 1000`, [grace, retention]);
    report.policiesWithoutEvent = policies.rows.map((r) => r.id);
    const claims = await db.query<{ id: string }>(`
      SELECT c.id::text FROM claim c
      WHERE c.opened_at < now() - $1::interval AND c.opened_at > now() - $2::interval
        AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.producer = 'claims-trigger' AND o.key = c.vehicle_id
                        AND o.payload::jsonb -> 'data' ->> 'claimId' = c.id::text)
      LIMIT 1000`, [grace, retention]);
    report.claimsWithoutEvent = claims.rows.map((r) => r.id);
    report.premiumLedger = await checkPremiumLedger(db);
  } finally {
    await db.end();
  }
  report.differences =
    report.stuckOutbox + report.missingOnTopic.length + report.phantomOnTopic.length + report.policiesWithoutEvent.length + report.claimsWithoutEvent.length + (report.premiumLedger?.differences ?? 0);
  return report;
}

if (require.main === module) {
  reconcile()
    .then((report) => {
      console.log(JSON.stringify(report, null, 2));
      console.log(report.differences === 0 ? 'reconcile: 0 differences' : `reconcile: ${report.differences} difference(s)`);
      process.exit(report.differences === 0 ? 0 : 2);
    })
    .catch((error: Error) => {
      console.error(`reconcile failed: ${error.message}`);
      process.exit(1);
    });
}
