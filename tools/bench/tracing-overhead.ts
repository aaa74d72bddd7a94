/**
 * CPU per bound booking of the tracing hooks without a collector, as the hot path runs them
 * (docs/tracing.md, "What it costs"): 2 partner records (created, confirmed) -> ingest child and
 * hop (its accepted records carry the child's headers), pricing's two hops and child, policy child, header merge and hop, and
 * the policy relay's mark and hop for the one com.kurumacover.policy.bound. Includes some scaffolding (the arrays
 * and objects standing for records), so it over-counts a little.
 *
 *   npx tsx --tsconfig tsconfig.base.json tools/bench/tracing-overhead.ts
 */
import { ServiceMetrics, ServiceTracing, Hops } from '@kuruma/service-kit';

const tracing = new ServiceTracing('bench', new ServiceMetrics('bench'));
const CHUNK = 500;
const now = Date.now();
const partner = Array.from({ length: CHUNK }, (_, i) => ({ headers: {} as Record<string, string>, timestamp: String(now - i), topic: 't', partition: 0, offset: String(i) }));

function oneChunk(): void {
  // booking-ingest
  const ingest = tracing.begin('ingest', 'consumer', Hops.partnerRecordToIngestCommit);
  const accepted: { headers: Record<string, string>; timestamp: string; topic: string }[] = [];
  for (const r of partner) accepted.push({ headers: ingest.child(r, Number(r.timestamp)) as Record<string, string>, timestamp: String(now), topic: 'acc' });
  ingest.end();
  // pricing
  tracing.hops.observeSinceKafka(Hops.acceptedTopicToPricing, accepted);
  const price = tracing.begin('pricing', 'consumer', Hops.pricingToPricedTopic);
  const priced = accepted.map((a) => ({ headers: price.child(a, now) as Record<string, string>, timestamp: String(now), topic: 'pr' }));
  price.end();
  // policy
  const apply = tracing.begin('policy', 'consumer', Hops.pricedTopicToPolicyCommit);
  const traces = new Map<object, Record<string, string>>();
  for (const p of priced) traces.set(p, apply.child(p, Number(p.timestamp)));
  const events: { headers?: Record<string, string>; topic: string; created_at: Date }[] = [];
  for (let i = 0; i < priced.length; i += 2) {
    const e: { headers?: Record<string, string>; topic: string; created_at: Date } = { headers: { 'x-partner-id': 'demo' }, topic: 'pol', created_at: new Date(now) };
    const trace = traces.get(priced[i + 1]);
    if (trace) e.headers = { ...e.headers, ...trace };
    events.push({ ...e, headers: JSON.parse(JSON.stringify(e.headers)) });
  }
  apply.end();
  const relay2 = tracing.outbox(Hops.policyCommitToPublicTopic, 'pol')();
  for (const row of events) relay2.sending({ ...row, headers: row.headers ?? null });
  relay2.acknowledged();
}

for (let i = 0; i < 200; i++) oneChunk(); // warm up
const rounds = 2_000;
const before = process.cpuUsage();
for (let i = 0; i < rounds; i++) oneChunk();
const used = process.cpuUsage(before);
const bookings = (rounds * CHUNK) / 2;
console.log(`${bookings} bookings: ${((used.user + used.system) / bookings).toFixed(2)} us CPU per bound booking (includes the headers' JSON round trips the outbox does)`);
