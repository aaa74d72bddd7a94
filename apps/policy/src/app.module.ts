import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { Topics } from '@kuruma/contracts';
import { SqlDatabase } from '@kuruma/data-access-db';
import {
  BusinessClock,
  Hops,
  DatabaseModule,
  GovernedTariffsModule,
  JobSchedule,
  KafkaModule,
  KafkaTransportModule,
  LOGGER,
  OutboxRelayModule,
  PartnerAuthModule,
  SERVICE_CONFIG,
  ServiceKitModule,
  ServiceMetrics,
  ShutdownRegistry,
  TopicNames,
} from '@kuruma/service-kit';
import { ApplyBookingEventsUseCase } from './apply-booking-events/apply-booking-events.use-case';
import { BookingPricedKafkaHandler } from './apply-booking-events/booking-priced.kafka-handler';
import { PolicyOutcomes } from './apply-booking-events/policy-outcomes';
import { ExtendLateReturnsJob } from './late-return/extend-late-returns.job';
import { CloseLedgerPeriodsJob } from './ledger/close-ledger-periods.job';
import type { PolicyConfig } from './policy.config';
import { PoliciesController } from './read-policies/policies.controller';
import { RenderStatementUseCase } from './statements/render-statement.use-case';
import { StatementsController } from './statements/statements.controller';

/**
 * Policy: priced booking events bind, extend, end and refund cover, posting the premium ledger;
 * late returns are extended and ledger periods closed on timers; partners read their policies,
 * statements and bordereaux over HTTP. Policy events leave through the outbox, each
 * also to its partner's own topic, the only one that partner may read.
 */
@Module({})
export class PolicyModule {
  static forRoot(config: PolicyConfig): DynamicModule {
    return {
      module: PolicyModule,
      imports: [
        ServiceKitModule.forService(config),
        // Plain SQL only: no Prisma client in this process (its query compiler costs 50-100 MB resident).
        DatabaseModule.forRoot(),
        KafkaModule.forRoot(),
        KafkaTransportModule.forGroup('policy'),
        OutboxRelayModule.forRoot({
          mirrorToPartnerTopics: { sharedTopic: Topics.policyEvents, kind: 'policyEvents' },
          hop: { name: Hops.policyCommitToPublicTopic, topic: Topics.policyEvents },
        }),
        PartnerAuthModule.forRoot(),
        // Endorsements are priced with the version a policy was bound under: every approved version, from Postgres.
        GovernedTariffsModule.forRoot(),
      ],
      controllers: [PoliciesController, StatementsController, BookingPricedKafkaHandler],
      providers: [
        { provide: RenderStatementUseCase, inject: [SqlDatabase], useFactory: (sql: SqlDatabase) => new RenderStatementUseCase(sql) },
        { provide: PolicyOutcomes, inject: [ServiceMetrics], useFactory: (metrics: ServiceMetrics) => new PolicyOutcomes(metrics) },
        {
          provide: ApplyBookingEventsUseCase,
          inject: [SqlDatabase, SERVICE_CONFIG, TopicNames, BusinessClock],
          useFactory: (sql: SqlDatabase, cfg: PolicyConfig, topics: TopicNames, clock: BusinessClock) => new ApplyBookingEventsUseCase(sql, cfg.SERVICE, (base) => topics.of(base), clock),
        },
        {
          provide: ExtendLateReturnsJob,
          inject: [SqlDatabase, SERVICE_CONFIG, TopicNames, LOGGER, BusinessClock],
          useFactory: (sql: SqlDatabase, cfg: PolicyConfig, topics: TopicNames, logger: Logger, clock: BusinessClock) =>
            new ExtendLateReturnsJob(sql, cfg.SERVICE, (base) => topics.of(base), cfg.LATE_RETURN_LEAD_MS, cfg.LATE_RETURN_INTERVAL_MS, logger, clock),
        },
        { provide: JobSchedule, inject: [ExtendLateReturnsJob, ShutdownRegistry], useFactory: (job: ExtendLateReturnsJob, shutdown: ShutdownRegistry) => new JobSchedule('late-return-job', job, shutdown) },
        {
          provide: CloseLedgerPeriodsJob,
          inject: [SqlDatabase, SERVICE_CONFIG, LOGGER, BusinessClock],
          useFactory: (sql: SqlDatabase, cfg: PolicyConfig, logger: Logger, clock: BusinessClock) => new CloseLedgerPeriodsJob(sql, cfg.SERVICE, cfg.LEDGER_CLOSE_INTERVAL_MS, logger, clock),
        },
        {
          provide: 'ledger-close-schedule',
          inject: [CloseLedgerPeriodsJob, ShutdownRegistry],
          useFactory: (job: CloseLedgerPeriodsJob, shutdown: ShutdownRegistry) => new JobSchedule('ledger-close-job', job, shutdown),
        },
      ],
    };
  }
}
