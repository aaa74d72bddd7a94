import { type DynamicModule, Inject, Injectable, Module, type OnApplicationBootstrap, Optional } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { SqlDatabase } from '@kuruma/data-access-db';
import { EventProducer, OutboxRelay, PartnerTopicRouter } from '@kuruma/data-access-messaging';
import type { ServiceKit } from '../service-kit.module';
import type { PlatformConfig } from './platform-config';
import { TopicNames } from './topic-names';
import { KAFKA, SERVICE_CONFIG, SERVICE_KIT } from './tokens';
import type { HopName } from '../tracing/hop-latency';

export interface OutboxRelayModuleOptions {
  /**
   * Also send each event of this shared topic (a public name) to the partner's own topic named by
   * its `x-partner-id` header, the only topic that partner may read.
   */
  mirrorToPartnerTopics?: { sharedTopic: string; kind: 'policyEvents' | 'claimEvents' };
  /** The hop its rows of `topic` (a public name) travel, commit -> acknowledged (kuruma_hop_seconds). */
  hop?: { name: HopName; topic: string };
}

/** Starts the relay (and the partner-topic router) once the app is up; the ordered drain stops them. */
@Injectable()
export class OutboxPublishing implements OnApplicationBootstrap {
  constructor(
    @Inject(OutboxRelay) private readonly relay: OutboxRelay,
    @Inject(SERVICE_KIT) private readonly kit: ServiceKit,
    @Optional() @Inject(PartnerTopicRouter) private readonly router?: PartnerTopicRouter,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { router, relay, kit } = this;
    if (router) {
      await router.start();
      kit.shutdown.register('partner-topic-router', () => router.stop(), 'relay');
    }
    await relay.start();
    kit.health.register({ name: 'outbox-relay', check: () => relay.check() });
    kit.shutdown.register('outbox-relay', () => relay.stop(), 'relay');
  }
}

/** Publishes the service's committed outbox rows to Kafka (OutboxRelay), with its metrics. */
@Module({})
export class OutboxRelayModule {
  static forRoot(options: OutboxRelayModuleOptions = {}): DynamicModule {
    const mirror = options.mirrorToPartnerTopics;
    const routerProvider = mirror
      ? [
          {
            provide: PartnerTopicRouter,
            inject: [KAFKA, TopicNames, SERVICE_KIT],
            useFactory: (kafka: Kafka, topics: TopicNames, kit: ServiceKit) =>
              new PartnerTopicRouter({ kafka, sharedTopic: topics.of(mirror.sharedTopic), partnerTopic: (id) => topics.ofPartner(mirror.kind, id), logger: kit.logger }),
          },
        ]
      : [];
    const { hop } = options;
    const relay = {
      provide: OutboxRelay,
      inject: [SERVICE_CONFIG, SERVICE_KIT, SqlDatabase, EventProducer, TopicNames, { token: PartnerTopicRouter, optional: true }],
      useFactory: (config: PlatformConfig, kit: ServiceKit, sql: SqlDatabase, producer: EventProducer, topics: TopicNames, router?: PartnerTopicRouter) => {
        const published = kit.metrics.counter('kuruma_outbox_published_total', 'Outbox rows published to Kafka');
        const pruned = kit.metrics.counter('kuruma_outbox_pruned_total', 'Published outbox rows deleted after the retention period');
        const delay = kit.metrics.histogram('kuruma_outbox_publish_delay_seconds', 'Commit of the oldest row of a batch -> acknowledged by Kafka');
        const reads = kit.metrics.counter('kuruma_outbox_reads_total', "Reads of the outbox by the relay (rows this process's writers handed over need none)");
        const relay: OutboxRelay = new OutboxRelay({
          producer: kit.name,
          db: sql,
          databaseUrl: config.DATABASE_URL,
          kafka: producer,
          logger: kit.logger.child({ component: 'outbox-relay' }),
          retentionMs: config.OUTBOX_RETENTION_HOURS * 3_600_000,
          ...(router ? { mirror: (row: { topic: string; headers: Record<string, string> | null }) => router.mirrorOf(row) } : {}),
          ...(hop ? { trace: kit.tracing.outbox(hop.name, topics.of(hop.topic)) } : {}),
          onRead: () => reads.inc(),
          onPruned: (n) => pruned.inc(n),
          onPublished: (n, oldest) => {
            published.inc(n);
            if (oldest) delay.observe((Date.now() - oldest.getTime()) / 1000);
          },
        });
        // With several instances exactly one publishes (the holder of the Postgres advisory lock).
        kit.metrics.gauge('kuruma_outbox_held_rows', "Rows written by this process and held for its relay until their commit is announced", [], (g) => g.set(relay.heldRows()));
        kit.metrics.gauge('kuruma_outbox_relay_leader', '1 on the instance whose outbox relay holds the lock and publishes, 0 on a standby', [], (g) => g.set(relay.isLeader() ? 1 : 0));
        return relay;
      },
    };
    return { module: OutboxRelayModule, providers: [...routerProvider, relay, OutboxPublishing] };
  }
}
