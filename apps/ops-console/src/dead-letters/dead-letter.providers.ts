import type { Provider } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { SqlDatabase, type SqlTx } from '@kuruma/data-access-db';
import { JobSchedule, KAFKA, SERVICE_KIT, type ServiceKit, ShutdownRegistry, TopicNames } from '@kuruma/service-kit';
import { AuditLog } from '../audit/audit-log';
import type { OpsConsoleConfig } from '../ops-console.config';
import { CONFIG } from '../tokens';
import { DeadLetterIndex } from './dead-letter-index';
import { DeadLetterIndexer } from './dead-letter-indexer';
import { DeadLetterRetentionJob } from './dead-letter-retention.job';
import { DeadLetterQueries } from './dead-letter.queries';
import { RedriveDeadLettersUseCase, redriveTargets } from './redrive-dead-letters.use-case';
import { RedriveProducer } from './redrive-producer';

/**
 * The console's dead-letter side: the indexer tailing every `*.dlq` topic (started with the app,
 * stopped by the ordered drain), the list and detail queries, and redrive with its producer.
 */
export const deadLetterProviders: Provider[] = [
  {
    provide: DeadLetterIndexer,
    inject: [KAFKA, SqlDatabase, TopicNames, CONFIG, SERVICE_KIT],
    useFactory: async (kafka: Kafka, db: SqlDatabase, topics: TopicNames, cfg: OpsConsoleConfig, kit: ServiceKit) => {
      const indexer = new DeadLetterIndexer(kafka, db, topics, `${cfg.KAFKA_GROUP_PREFIX}.ops-console.dead-letters`, kit);
      await indexer.start();
      return indexer;
    },
  },
  {
    provide: DeadLetterRetentionJob,
    inject: [SqlDatabase, CONFIG, SERVICE_KIT],
    useFactory: (db: SqlDatabase, cfg: OpsConsoleConfig, kit: ServiceKit) =>
      new DeadLetterRetentionJob(new DeadLetterIndex(db), cfg.DEAD_LETTER_RETENTION_DAYS, cfg.DEAD_LETTER_PURGE_INTERVAL_MS, kit.logger),
  },
  {
    provide: JobSchedule,
    inject: [DeadLetterRetentionJob, ShutdownRegistry],
    useFactory: (job: DeadLetterRetentionJob, shutdown: ShutdownRegistry) => new JobSchedule('dead-letter-retention-job', job, shutdown),
  },
  { provide: DeadLetterQueries, inject: [SqlDatabase, TopicNames], useFactory: (db: SqlDatabase, topics: TopicNames) => new DeadLetterQueries(db, redriveTargets(topics)) },
  {
    provide: RedriveProducer,
    inject: [KAFKA, SERVICE_KIT],
    useFactory: (kafka: Kafka, kit: ServiceKit) => {
      const producer = new RedriveProducer(kafka);
      kit.shutdown.register('redrive-producer', () => producer.disconnect(), 'producer');
      return producer;
    },
  },
  {
    provide: RedriveDeadLettersUseCase,
    inject: [SqlDatabase, RedriveProducer, TopicNames],
    useFactory: (db: SqlDatabase, producer: RedriveProducer, topics: TopicNames) => new RedriveDeadLettersUseCase(db, producer, topics, (tx: SqlTx) => new AuditLog(tx)),
  },
];
