import { Kafka, logLevel as KafkaLogLevel, type LogEntry } from 'kafkajs';
import type { Logger } from 'pino';
import { type KafkaAuth, kafkaAuthOptions } from './kafka-auth';
import { useNativeCrc32c } from './native-crc32c';
import { noDelaySocketFactory } from './no-delay-socket-factory';
import { usePresizedRecordEncoder } from './presized-record-encoder';
import { stopIdleRequestQueueTimers } from './request-queue-timer';

export interface KafkaConnection {
  brokers: string[];
  clientId: string;
  /** The principal this client authenticates as (SASL/SCRAM, optionally over TLS). */
  auth: KafkaAuth;
}

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [KafkaLogLevel.ERROR]: 'error',
  [KafkaLogLevel.WARN]: 'warn',
  [KafkaLogLevel.INFO]: 'info',
  [KafkaLogLevel.DEBUG]: 'debug',
};

/** kafkajs with its logs in the service's JSON stream and retries sized for a broker restart. */
export function createKafka(connection: KafkaConnection, logger: Logger): Kafka {
  const kafkaLogger = logger.child({ component: 'kafkajs' });
  // Produce-path replacements (docs/benchmarks.md); if kafkajs loaded its own first, it keeps them.
  if (!useNativeCrc32c()) kafkaLogger.warn('kafkajs loaded its JavaScript CRC-32C before the native one could be put in place; producing stays correct, at more CPU');
  stopIdleRequestQueueTimers();
  if (!usePresizedRecordEncoder()) kafkaLogger.warn('kafkajs loaded its record encoder before the presized one could be put in place; producing stays correct, at more CPU');
  return new Kafka({
    clientId: connection.clientId,
    brokers: connection.brokers,
    ...kafkaAuthOptions(connection.auth),
    socketFactory: noDelaySocketFactory,
    connectionTimeout: 3_000,
    requestTimeout: 30_000,
    // A broker restart takes ~10 s here; retry long enough to ride it out instead of crashing.
    retry: { initialRetryTime: 200, retries: 12, maxRetryTime: 5_000 },
    logLevel: KafkaLogLevel.WARN,
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, ...rest } = log;
        kafkaLogger[LEVELS[level] ?? 'info'](rest, message);
      },
  });
}
