/** An outbox row as the relay hands it to tracing, before it is sent. */
export interface OutboxRowToSend {
  readonly topic: string;
  readonly headers: Record<string, string> | null;
  /** The row's commit instant (see the outbox migration that sets created_at to clock_timestamp()). */
  readonly created_at: Date;
}

/**
 * What the relay tells tracing about one batch (service-kit implements it): each row about to be
 * sent, whose headers tracing may replace with a child span's, then that Kafka acknowledged them.
 */
export interface OutboxPublishTrace {
  /** The headers to send the row with (its own, or a copy carrying this hop's span). */
  sending(row: OutboxRowToSend): Record<string, string> | undefined;
  acknowledged(): void;
}
