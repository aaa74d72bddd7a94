import type { Histogram } from 'prom-client';
import type { ServiceMetrics } from '../metrics/metrics';

/**
 * The per-hop latency contract shared with the bench (bench reads these names and buckets): one
 * histogram, `kuruma_hop_seconds{hop}`, in every back-end service. The buckets are finer than the
 * service-kit default below 50 ms, where a Kafka or Postgres hop lives.
 */
export const HOP_SECONDS_NAME = 'kuruma_hop_seconds';
export const HOP_SECONDS_BUCKETS = [0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 2, 5];

/** The hops a booking and a device alert travel, in order (see docs/tracing.md for who observes each). */
export const Hops = {
  partnerRecordToIngestCommit: 'partner-record->ingest-commit',
  acceptedTopicToPricing: 'accepted-topic->pricing',
  pricingToPricedTopic: 'pricing->priced-topic',
  pricedTopicToPolicyCommit: 'priced-topic->policy-commit',
  policyCommitToPublicTopic: 'policy-commit->public-topic',
  mqttReceiptToClaimsCommit: 'mqtt-receipt->claims-commit',
  claimsCommitToClaimTopic: 'claims-commit->claim-topic',
} as const;

export type HopName = (typeof Hops)[keyof typeof Hops];

/**
 * Observes `kuruma_hop_seconds`. Each hop's labelled child is looked up once, so an observation
 * on the hot path is a bucket search and two additions, no label hashing. Clocks: the start of a
 * hop is often another process's instant (a Kafka timestamp, an outbox row's commit), so hosts
 * need NTP; a negative difference (clock skew) counts as 0.
 */
export class HopLatency {
  private readonly histogram: Histogram<'hop'>;
  private readonly children = new Map<HopName, Histogram.Internal<'hop'>>();

  private constructor(metrics: ServiceMetrics) {
    this.histogram = metrics.histogramWithBuckets(HOP_SECONDS_NAME, 'Latency of one hop of a booking or a device alert, by hop (docs/tracing.md)', ['hop'], HOP_SECONDS_BUCKETS);
  }

  private static readonly perRegistry = new WeakMap<ServiceMetrics, HopLatency>();

  /** The one instance of a service's metrics (a registry refuses a second histogram of the same name). */
  static of(metrics: ServiceMetrics): HopLatency {
    let hops = HopLatency.perRegistry.get(metrics);
    if (!hops) HopLatency.perRegistry.set(metrics, (hops = new HopLatency(metrics)));
    return hops;
  }

  private child(hop: HopName): Histogram.Internal<'hop'> {
    let child = this.children.get(hop);
    if (!child) this.children.set(hop, (child = this.histogram.labels({ hop })));
    return child;
  }

  /** One hop that started at `startMs` (epoch milliseconds) and ended at `endMs`. */
  observe(hop: HopName, startMs: number, endMs = Date.now()): void {
    this.child(hop).observe(endMs > startMs ? (endMs - startMs) / 1000 : 0);
  }

  /** The same hop of several records, each started at its Kafka timestamp (epoch ms as text). */
  observeSinceKafka(hop: HopName, records: readonly { readonly timestamp: string }[], endMs = Date.now()): void {
    const child = this.child(hop);
    for (const r of records) {
      const start = Number(r.timestamp);
      child.observe(endMs > start ? (endMs - start) / 1000 : 0);
    }
  }
}
