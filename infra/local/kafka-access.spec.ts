import { describe, expect, it } from 'vitest';
import { KafkaPrincipals, PartnerTopics, Topics } from '@kuruma/contracts';
import { DefaultKafkaPrincipals } from '../../libs/platform/config/src/kafka.config';
import { partnerGrants, platformGrants } from './kafka-access';

describe('finding 4: Kafka ACL grants (least privilege)', () => {
  const platform = platformGrants('ns.', 'grp');
  const of = (principal: string) => platform.filter((g) => g.principal === principal).map((g) => `${g.operation} ${g.resource} ${g.pattern} ${g.name}`).sort();

  it('lets booking-ingest read the webhook topic and write only what it produces', () => {
    expect(of(KafkaPrincipals.service('booking-ingest'))).toEqual(
      [
        `read topic literal ns.${Topics.bookingEvents}`,
        `write topic literal ns.${Topics.bookingEvents}`,
        `write topic literal ns.${Topics.bookingEventsDlq}`,
        `write topic literal ns.${Topics.bookingAccepted}`,
        'read group prefixed grp.booking-ingest',
      ].sort(),
    );
  });

  it('grants partners nothing on the shared topics', () => {
    expect(platform.filter((g) => g.principal.startsWith('partner.'))).toEqual([]);
  });

  it("gives a partner WRITE on its own booking topic, READ on its own policy and claim topics and its own groups, and the services their side", () => {
    const grants = partnerGrants('acme', 'ns.').map((g) => `${g.principal} ${g.operation} ${g.resource} ${g.pattern} ${g.name}`).sort();
    expect(grants).toEqual(
      [
        `partner.acme write topic literal ns.${PartnerTopics.bookingEvents('acme')}`,
        `partner.acme read topic literal ns.${PartnerTopics.policyEvents('acme')}`,
        `partner.acme read topic literal ns.${PartnerTopics.claimEvents('acme')}`,
        `partner.acme read group prefixed ns.${PartnerTopics.groupPrefix('acme')}`,
        `service.booking-ingest read topic literal ns.${PartnerTopics.bookingEvents('acme')}`,
        `service.policy write topic literal ns.${PartnerTopics.policyEvents('acme')}`,
        `service.claims-trigger write topic literal ns.${PartnerTopics.claimEvents('acme')}`,
      ].sort(),
    );
  });

  it('names the principals the services default to (the config library may not import the contracts)', () => {
    expect(DefaultKafkaPrincipals.admin).toBe(KafkaPrincipals.admin);
    expect(DefaultKafkaPrincipals.service('policy')).toBe(KafkaPrincipals.service('policy'));
  });
});
