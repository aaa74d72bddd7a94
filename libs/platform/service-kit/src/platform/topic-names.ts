import { PartnerTopics, partnerOfBookingTopic, topicName } from '@kuruma/contracts';

/**
 * The topic names of this deployment: the public names under the configured namespace (empty in
 * production, a prefix per test run). One provider, injected where a name is needed.
 */
export class TopicNames {
  constructor(readonly namespace: string) {}

  /** The deployed name of a public topic (`Topics.*`). */
  of(base: string): string {
    return topicName(base, this.namespace);
  }

  /** The deployed name of one of a partner's own topics (`PartnerTopics.*`). */
  ofPartner(kind: 'bookingEvents' | 'policyEvents' | 'claimEvents', partnerId: string): string {
    return topicName(PartnerTopics[kind](partnerId), this.namespace);
  }

  /** The partner whose own booking topic `name` is, or null. */
  partnerOfBookingTopic(name: string): string | null {
    return partnerOfBookingTopic(name, this.namespace);
  }
}
