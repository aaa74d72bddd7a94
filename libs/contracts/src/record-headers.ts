/**
 * Kafka record headers the platform sets besides the trace context (TRACE_CONTEXT_MEANINGS) and
 * the dead-letter headers (DEAD_LETTER_HEADER_MEANINGS), with what each says, for the contract
 * documentation (AsyncAPI). The names are the producers' own: booking-ingest's webhook
 * (AUTHENTICATED_PARTNER_HEADER), the outbox rows of policy and claims-trigger (PARTNER_ID_HEADER in
 * data-access-messaging) and the ops console's redrive; tools/asyncapi.spec.ts checks they agree.
 */
export const RecordHeaders = {
  /** CloudEvents Kafka protocol binding, structured mode. */
  contentType: 'content-type',
  authenticatedPartner: 'x-authenticated-partner',
  receivedVia: 'x-received-via',
  partnerId: 'x-partner-id',
  redriveOf: 'x-redrive-of',
  redrivenBy: 'x-redriven-by',
} as const;

/** The content type of a CloudEvent in structured mode (the whole event is the JSON record value). */
export const CLOUDEVENT_STRUCTURED_CONTENT_TYPE = 'application/cloudevents+json';

/** What each header says. */
export const RECORD_HEADER_MEANINGS: Readonly<Record<(typeof RecordHeaders)[keyof typeof RecordHeaders], string>> = {
  'content-type': `\`${CLOUDEVENT_STRUCTURED_CONTENT_TYPE}\`: the record value is one CloudEvent in structured mode (CloudEvents Kafka protocol binding), so CloudEvents SDKs recognise it.`,
  'x-authenticated-partner': 'The partner booking-ingest authenticated over HTTP (API key or signature); the consumer takes the sender from it, never from the body.',
  'x-received-via': '`webhook`: the event came over HTTP (POST /v1/booking-events).',
  'x-partner-id':
    "The partner the event belongs to (data.partnerId); the outbox relay routes a copy to that partner's own topic by it.",
  'x-redrive-of': 'Set on a record an admin redrove from a dead letter: `<dead-letter topic>/<partition>/<offset>` it came from (the dead letter\'s x-dlq-* headers are dropped).',
  'x-redriven-by': 'The ops console user who redrove it (audited).',
};
