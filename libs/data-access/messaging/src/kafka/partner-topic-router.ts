import type { Admin, Kafka } from 'kafkajs';
import type { Logger } from 'pino';

/** Carried by policy and claim outbox rows: the partner the event belongs to. */
export const PARTNER_ID_HEADER = 'x-partner-id';

export interface PartnerTopicRouterOptions {
  kafka: Kafka;
  /** The shared topic whose rows are mirrored (e.g. `insurance.policy-events.v1`, namespaced). */
  sharedTopic: string;
  /** The partner's own topic for a partner id (namespaced). */
  partnerTopic: (partnerId: string) => string;
  logger: Logger;
  /** How often the list of existing topics is refreshed (default 30 s). */
  refreshMs?: number;
}

/**
 * Decides which partner topic a shared-topic event also goes to: the one of the partner named in
 * the row's `x-partner-id` header, if that partner was provisioned (its topic exists). Events of a
 * partner without Kafka topics (an HTTP-only partner) stay on the shared topic only, so a missing
 * topic can never stall the outbox relay. An unknown topic triggers a refresh (at most every
 * 5 s), so a partner onboarded a moment ago is served from its first event.
 */
export class PartnerTopicRouter {
  private admin?: Admin;
  private known = new Set<string>();
  private refreshedAt = 0;
  private timer?: NodeJS.Timeout;

  constructor(private readonly options: PartnerTopicRouterOptions) {}

  async start(): Promise<void> {
    this.admin = this.options.kafka.admin();
    await this.admin.connect();
    await this.refresh();
    this.timer = setInterval(() => void this.refresh().catch((err: unknown) => this.options.logger.warn({ err }, 'could not list partner topics')), this.options.refreshMs ?? 30_000);
    this.timer.unref();
  }

  private async refresh(): Promise<void> {
    if (!this.admin) return;
    this.refreshedAt = Date.now();
    // The broker lists only the topics this principal may see: the partner topics it may write.
    this.known = new Set(await this.admin.listTopics());
  }

  /** The partner topic a row also goes to, or null. */
  async mirrorOf(row: { topic: string; headers: Record<string, string> | null }): Promise<string | null> {
    const partnerId = row.headers?.[PARTNER_ID_HEADER];
    if (row.topic !== this.options.sharedTopic || !partnerId) return null;
    const target = this.options.partnerTopic(partnerId);
    if (!this.known.has(target) && Date.now() - this.refreshedAt > 5_000) await this.refresh();
    return this.known.has(target) ? target : null;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.admin?.disconnect();
  }
}
