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
  /** A dead-letter topic: each record carries the original bytes plus the DeadLetterHeaders. */
  readonly deadLetterHeaders?: boolean;
  readonly description: string;
  /** Principals the broker lets write it (ACL WRITE); nobody else can. */
  readonly writers: readonly string[];
  /** Principals the broker lets read it (ACL READ); nobody else can. */
  readonly readers: readonly string[];
}

/**
 * Kafka principals (SASL/SCRAM user names): the broker authenticates every client and its ACLs
 * grant each principal exactly the topics and consumer groups it needs.
 */
export const KafkaPrincipals = {
  /** The platform admin: the only super user (stack scripts, partner provisioning, inter-broker). */
  admin: 'kuruma-admin',
  service: (service: string): string => `service.${service}`,
  partner: (partnerId: string): string => `partner.${partnerId}`,
  tool: (tool: string): string => `tool.${tool}`,
} as const;

const svc = KafkaPrincipals.service;
/**
 * The ops console writes a platform topic only to redrive one of its dead letters, byte for byte,
 * when an admin asks (audited); partners' own topics are never written by it (it would speak as
 * the partner), so their dead letters are resent by the partner.
 */
const REDRIVER = svc('ops-console');

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
  /** Open damage claims per partner vehicle (compacted): the durable record; pricing reads VEHICLE_DAMAGE_FLAG in Redis. */
  vehicleDamage: 'kuruma.vehicle-damage.v1',
  bookingEventsDlq: 'carshare.booking-events.v1.dlq',
  bookingAcceptedDlq: 'kuruma.booking-accepted.v1.dlq',
  bookingPricedDlq: 'kuruma.booking-priced.v1.dlq',
  deviceSignalsDlq: 'kuruma.device-signals.dlq',
  /** Policy and claim events partner-webhooks could not turn into deliveries. */
  partnerWebhooksDlq: 'kuruma.partner-webhooks.dlq',
} as const;

/**
 * A dead letter is its original record plus the x-dlq-* headers: room for the largest source
 * record (6 MiB) and those, or the broker would refuse the dead letter and the partition stop.
 */
const DLQ_MAX_BYTES = SIX_MIB + ONE_MIB;

/**
 * Dead letters are written by the service that consumed the record; the ops console reads them
 * (its dead-letter index, which operators list and redrive from).
 */
const dlq = (name: string, writer: string, description: string, key = 'the original record key'): TopicSpec => ({
  name,
  deadLetterHeaders: true,
  writers: [writer],
  readers: [svc('ops-console')],
  visibility: 'internal',
  key,
  partitions: 3,
  cleanupPolicy: 'delete',
  retentionMs: 30 * DAY_MS,
  maxMessageBytes: DLQ_MAX_BYTES,
  description,
});

/**
 * How every topic (shared, dead-letter and partner topics alike) is replicated on a cluster: three
 * copies, and a write is acknowledged (the producers send acks=all) only once at least two hold it.
 * One broker can then crash or be restarted without losing an acknowledged record and without
 * refusing writes; losing a second refuses writes (NOT_ENOUGH_REPLICAS) rather than risk them.
 */
export const TOPIC_REPLICATION = { replicas: 3, minInsyncReplicas: 2 } as const;

/** The replication a cluster of `brokers` nodes can give: TOPIC_REPLICATION, or all it has (one broker: one copy). */
export function replicationFor(brokers: number): { replicas: number; minInsyncReplicas: number } {
  const replicas = Math.max(1, Math.min(TOPIC_REPLICATION.replicas, brokers));
  return { replicas, minInsyncReplicas: Math.max(1, Math.min(TOPIC_REPLICATION.minInsyncReplicas, replicas - 1)) };
}

export const TOPIC_SPECS: readonly TopicSpec[] = [
  {
    name: Topics.bookingEvents,
    visibility: 'internal',
    key: 'bookingId',
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: 7 * DAY_MS,
    maxMessageBytes: SIX_MIB,
    deadLetter: Topics.bookingEventsDlq,
    description:
      'Booking events received over HTTP (POST /v1/booking-events), written by booking-ingest after it authenticated the partner. Partners cannot write it: they publish to their own partner.{partnerId}.booking-events.v1.',
    writers: [svc('booking-ingest'), REDRIVER],
    readers: [svc('booking-ingest')],
  },
  {
    name: Topics.policyEvents,
    visibility: 'internal',
    key: 'bookingId',
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: 30 * DAY_MS,
    maxMessageBytes: ONE_MIB,
    description: 'The platform publishes policy lifecycle events (CloudEvents 1.0) of every partner, for its own consumers; each partner reads its own on partner.{partnerId}.policy-events.v1.',
    writers: [svc('policy')],
    readers: [svc('ops-console'), svc('partner-webhooks'), KafkaPrincipals.tool('reconcile')],
  },
  {
    name: Topics.claimEvents,
    visibility: 'internal',
    key: 'vehicleId',
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: 30 * DAY_MS,
    maxMessageBytes: ONE_MIB,
    description: 'The platform publishes FNOL claim and uncovered-incident events (CloudEvents 1.0) of every partner, for its own consumers; each partner reads its own on partner.{partnerId}.claim-events.v1.',
    writers: [svc('claims-trigger')],
    readers: [svc('ops-console'), svc('partner-webhooks'), KafkaPrincipals.tool('reconcile')],
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
    writers: [svc('booking-ingest'), REDRIVER],
    readers: [svc('pricing')],
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
    writers: [svc('pricing'), REDRIVER],
    readers: [svc('policy')],
  },
  {
    name: Topics.vehicleDamage,
    visibility: 'internal',
    key: '{partnerId}/{vehicleId}',
    partitions: 3,
    cleanupPolicy: 'compact',
    retentionMs: -1,
    maxMessageBytes: ONE_MIB,
    description:
      "claims-trigger's durable record of each partner vehicle's open damage claims (latest value per partner and vehicle id). No service consumes it: pricing reads the same fact from the Redis key vehicle-damage:{partnerId}/{vehicleId} (VEHICLE_DAMAGE_FLAG), which it needs at quote time.",
    writers: [svc('claims-trigger')],
    readers: [],
  },
  dlq(Topics.bookingEventsDlq, svc('booking-ingest'), 'Booking events that failed validation or authentication, with the reason in headers.'),
  dlq(Topics.bookingAcceptedDlq, svc('pricing'), 'Accepted booking events pricing could not process, with the reason in headers.'),
  dlq(Topics.bookingPricedDlq, svc('policy'), 'Priced booking events policy could not process, with the reason in headers.'),
  dlq(Topics.deviceSignalsDlq, svc('claims-trigger'), 'MQTT device payloads that were malformed, unknown or implausible, with the reason.', 'deviceId'),
  dlq(Topics.partnerWebhooksDlq, svc('partner-webhooks'), 'Policy and claim events partner-webhooks could not record for delivery (schema violations, records its handler kept failing on), with the reason; x-dlq-original-topic says which.'),
];

/** MQTT channels devices publish on, QoS 1. `+` is the device id. */
export const MqttTopics = {
  crash: 'devices/+/crash',
  lock: 'devices/+/lock',
  /** Trip summaries at the end of a booking's trip: the driving score's data. */
  trip: 'devices/+/trip',
} as const;

export const deviceTopic = (deviceId: string, channel: 'crash' | 'lock' | 'trip'): string => `devices/${deviceId}/${channel}`;

/** Header names on dead-letter records, so operators can find the original. */
export const DeadLetterHeaders = {
  reason: 'x-dlq-reason',
  originalTopic: 'x-dlq-original-topic',
  originalPartition: 'x-dlq-original-partition',
  originalOffset: 'x-dlq-original-offset',
  failedAt: 'x-dlq-failed-at',
  service: 'x-dlq-service',
  /** Times the record was tried before it was dead-lettered (1 for bad data, found on the first try). */
  attempts: 'x-dlq-attempts',
} as const;

/** What each dead-letter header says, for the contract documentation (AsyncAPI). */
export const DEAD_LETTER_HEADER_MEANINGS: Readonly<Record<(typeof DeadLetterHeaders)[keyof typeof DeadLetterHeaders], string>> = {
  'x-dlq-reason':
    'Why: `<code>: <detail>` - invalid-json, invalid-utf8, schema-violation, database-rejected (a SQLSTATE the data can never pass), handler-failed (the handler kept failing past CONSUMER_MAX_ATTEMPTS), or a refusal of the consuming service (unknown-partner, partner-mismatch, ...).',
  'x-dlq-original-topic': 'The topic the record was consumed from.',
  'x-dlq-original-partition': 'Its partition there.',
  'x-dlq-original-offset': 'Its offset there (copies with the same topic, partition and offset are redeliveries of one dead letter).',
  'x-dlq-failed-at': 'When it was dead-lettered (ISO-8601 UTC).',
  'x-dlq-service': 'The service that dead-lettered it.',
  'x-dlq-attempts': 'How many times it was tried: 1 for bad data, CONSUMER_MAX_ATTEMPTS for a record its handler kept failing on.',
};

/**
 * Set by booking-ingest's webhook, the only writer of the shared booking topic, to the partner it
 * authenticated over HTTP; the consumer takes the sender from it (partner topics: from the name).
 */
export const AUTHENTICATED_PARTNER_HEADER = 'x-authenticated-partner';

/** The broker-side name of a topic: a namespace prefix isolates test runs; empty in production. */
export const topicName = (base: string, namespace = ''): string => `${namespace}${base}`;

/**
 * Each partner's own topics: it writes its booking events to one and reads its policy and claim
 * events from the others; the broker's ACLs (prefixed by nothing but these exact names) keep every
 * partner out of every other partner's topics and out of the platform's shared ones. Created with
 * the partner's principal by `npm run partner:provision`.
 */
export const PartnerTopics = {
  bookingEvents: (partnerId: string): string => `partner.${partnerId}.booking-events.v1`,
  policyEvents: (partnerId: string): string => `partner.${partnerId}.policy-events.v1`,
  claimEvents: (partnerId: string): string => `partner.${partnerId}.claim-events.v1`,
  /** Consumer group ids a partner may use start with this. */
  groupPrefix: (partnerId: string): string => `partner.${partnerId}.`,
} as const;

/** Partner ids that can name topics and principals: no dots, so a topic name parses one way. */
export const PARTNER_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** The partner owning a partner booking topic (namespace included), or null for any other topic. */
export function partnerOfBookingTopic(topic: string, namespace = ''): string | null {
  if (!topic.startsWith(`${namespace}partner.`)) return null;
  const match = /^partner\.([a-z0-9][a-z0-9-]{0,62})\.booking-events\.v1$/.exec(topic.slice(namespace.length));
  return match ? match[1] : null;
}

/** A partner's three topics, configured like the shared topics they mirror. */
export function partnerTopicSpecs(partnerId: string): TopicSpec[] {
  const partner = KafkaPrincipals.partner(partnerId);
  const shared = (name: string) => TOPIC_SPECS.find((s) => s.name === name) as TopicSpec;
  return [
    {
      ...shared(Topics.bookingEvents),
      name: PartnerTopics.bookingEvents(partnerId),
      visibility: 'public',
      description: 'The partner publishes its booking lifecycle events (CloudEvents 1.0, structured JSON); data.partnerId must be the partner owning the topic, or the event is dead-lettered.',
      writers: [partner],
      readers: [svc('booking-ingest')],
    },
    {
      ...shared(Topics.policyEvents),
      name: PartnerTopics.policyEvents(partnerId),
      visibility: 'public',
      description: "The platform publishes the partner's own policy lifecycle events (CloudEvents 1.0).",
      writers: [svc('policy')],
      readers: [partner],
    },
    {
      ...shared(Topics.claimEvents),
      name: PartnerTopics.claimEvents(partnerId),
      visibility: 'public',
      description: "The platform publishes the partner's own FNOL claim and uncovered-incident events (CloudEvents 1.0).",
      writers: [svc('claims-trigger')],
      readers: [partner],
    },
  ];
}
