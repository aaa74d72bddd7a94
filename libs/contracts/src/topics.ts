/**
 * Every Kafka topic the platform reads or writes, declared once. The infra scripts create topics
 * from this list (broker-side auto-creation is off), the AsyncAPI check compares against it and
 * the services take their names from it, so a name can never drift between them.
 *
 * Public topics are a contract with partners: never rename one; a breaking change is a new `.vN`.
 */
export interface TopicSpec {
  /** Topic name on the broker. */
  readonly name: string;
  /** Who may rely on it: `public` topics are part of the partner contract. */
  readonly visibility: 'public' | 'internal';
  /** What the record key is; records with one key stay in order on one partition. */
  readonly key: string;
  readonly partitions: number;
  /** `delete` with a retention, or `compact` for latest-value topics. */
  readonly cleanupPolicy: 'delete' | 'compact';
  /** Retention in milliseconds (-1 keeps forever). */
  readonly retentionMs: number;
  /** Largest record the broker accepts on this topic. */
  readonly maxMessageBytes: number;
  /** Dead-letter topic for records of this topic that cannot be processed. */
  readonly deadLetter?: string;
  readonly description: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Default 1 MiB broker limit; producers reject larger records before they reach us. */
const ONE_MIB = 1024 * 1024;
/** Partners' garbage can be large; the ingest topic accepts it so it can be dead-lettered with a reason. */
const SIX_MIB = 6 * 1024 * 1024;

export const Topics = {
  bookingEvents: 'carshare.booking-events.v1',
  policyEvents: 'insurance.policy-events.v1',
  claimEvents: 'insurance.claim-events.v1',
  /** Booking events that passed validation, de-duplication and per-booking ordering. */
  bookingAccepted: 'kuruma.booking-accepted.v1',
  /** Booking events with their price (quote, extension premium or refund) attached. */
  bookingPriced: 'kuruma.booking-priced.v1',
  /** Open damage claims per partner vehicle (compacted) so pricing can decline `vehicle-damage-unresolved`. */
  vehicleDamage: 'kuruma.vehicle-damage.v1',
  bookingEventsDlq: 'carshare.booking-events.v1.dlq',
  bookingAcceptedDlq: 'kuruma.booking-accepted.v1.dlq',
  bookingPricedDlq: 'kuruma.booking-priced.v1.dlq',
  deviceSignalsDlq: 'kuruma.device-signals.dlq',
} as const;

export type TopicName = (typeof Topics)[keyof typeof Topics];

/**
 * A dead letter is its original record plus the x-dlq-* headers: room for the largest source
 * record (6 MiB) and those, or the broker would refuse the dead letter and the partition stop.
 */
const DLQ_MAX_BYTES = SIX_MIB + ONE_MIB;

const dlq = (name: string, description: string): TopicSpec => ({
  name,
  visibility: 'internal',
  key: 'the original record key',
  partitions: 3,
  cleanupPolicy: 'delete',
  retentionMs: 30 * DAY_MS,
  maxMessageBytes: DLQ_MAX_BYTES,
  description,
});

export const TOPIC_SPECS: readonly TopicSpec[] = [
  {
    name: Topics.bookingEvents,
    visibility: 'public',
    key: 'bookingId',
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: 7 * DAY_MS,
    maxMessageBytes: SIX_MIB,
    deadLetter: Topics.bookingEventsDlq,
    description: 'Partners publish booking lifecycle events (CloudEvents 1.0, structured JSON).',
  },
  {
    name: Topics.policyEvents,
    visibility: 'public',
    key: 'bookingId',
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: 30 * DAY_MS,
    maxMessageBytes: ONE_MIB,
    description: 'The platform publishes policy lifecycle events (CloudEvents 1.0).',
  },
  {
    name: Topics.claimEvents,
    visibility: 'public',
    key: 'vehicleId',
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: 30 * DAY_MS,
    maxMessageBytes: ONE_MIB,
    description: 'The platform publishes FNOL claim and uncovered-incident events (CloudEvents 1.0).',
  },
  {
    name: Topics.bookingAccepted,
    visibility: 'internal',
    key: 'bookingId',
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: 7 * DAY_MS,
    maxMessageBytes: ONE_MIB,
    deadLetter: Topics.bookingAcceptedDlq,
    description: 'booking-ingest -> pricing: validated, de-duplicated, ordered booking events.',
  },
  {
    name: Topics.bookingPriced,
    visibility: 'internal',
    key: 'bookingId',
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: 7 * DAY_MS,
    maxMessageBytes: ONE_MIB,
    deadLetter: Topics.bookingPricedDlq,
    description: 'pricing -> policy: booking events with the quote (its breakdown steps without `source`, which the tariff version fixes), extension premium or refund.',
  },
  {
    name: Topics.vehicleDamage,
    visibility: 'internal',
    key: '{partnerId}/{vehicleId}',
    partitions: 3,
    cleanupPolicy: 'compact',
    retentionMs: -1,
    maxMessageBytes: ONE_MIB,
    description: "claims-trigger -> pricing: whether a partner's vehicle has an open damage claim (latest value per partner and vehicle id).",
  },
  dlq(Topics.bookingEventsDlq, 'Booking events that failed validation or authentication, with the reason in headers.'),
  dlq(Topics.bookingAcceptedDlq, 'Accepted booking events pricing could not process, with the reason in headers.'),
  dlq(Topics.bookingPricedDlq, 'Priced booking events policy could not process, with the reason in headers.'),
  dlq(Topics.deviceSignalsDlq, 'MQTT device payloads that were malformed, unknown or implausible, with the reason.'),
];

/** MQTT channels devices publish on, QoS 1. `+` is the device id. */
export const MqttTopics = {
  crash: 'devices/+/crash',
  lock: 'devices/+/lock',
} as const;

export const deviceTopic = (deviceId: string, channel: 'crash' | 'lock'): string => `devices/${deviceId}/${channel}`;

/** Header names on dead-letter records, so operators can find the original. */
export const DeadLetterHeaders = {
  reason: 'x-dlq-reason',
  originalTopic: 'x-dlq-original-topic',
  originalPartition: 'x-dlq-original-partition',
  originalOffset: 'x-dlq-original-offset',
  failedAt: 'x-dlq-failed-at',
  service: 'x-dlq-service',
} as const;

/** The broker-side name of a topic: a namespace prefix isolates test runs; empty in production. */
export const topicName = (base: string, namespace = ''): string => `${namespace}${base}`;
