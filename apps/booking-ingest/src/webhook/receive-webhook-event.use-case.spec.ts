import { describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { AUTHENTICATED_PARTNER_HEADER, CLOUDEVENT_STRUCTURED_CONTENT_TYPE } from '@kuruma/contracts';
import type { PartnerRecord, PartnerRepository } from '@kuruma/data-access-db';
import type { EventProducer, OutgoingRecord } from '@kuruma/data-access-messaging';
import { PartnerAuthenticator } from '@kuruma/service-kit';
import { ReceiveWebhookEventUseCase, type WebhookDelivery } from './receive-webhook-event.use-case';

const SECRET = `whsec_${Buffer.from('demo-partner-webhook-secret-0123').toString('base64')}`;
const demo = { id: 'demo', name: 'Demo', webhookSecret: SECRET } as PartnerRecord;
const event = (partnerId = 'demo') => ({
  specversion: '1.0',
  id: 'b-1-1',
  source: `partner/${partnerId}`,
  type: 'com.kurumacover.booking.created',
  subject: 'b-1',
  time: '2026-12-01T10:00:00Z',
  datacontenttype: 'application/json',
  data: {
    bookingId: 'b-1',
    partnerId,
    startsAt: '2026-12-02T10:00:00+09:00',
    endsAt: '2026-12-02T16:00:00+09:00',
    plan: 'standard',
    vehicle: { vehicleId: 'v-1', category: 'ordinary', modelRatingClass: 5, firstRegistration: '2024-06', eco: false, asv: true, plateClassification: '300', ownership: 'fleet', rental: false },
    driver: { driverId: 'd-1', age: 34, licenceColour: 'gold', grade: 12 },
    sequence: 1,
  },
});
const noSignature = { 'webhook-id': '', 'webhook-timestamp': '', 'webhook-signature': '' };

function setup() {
  const sent: OutgoingRecord[] = [];
  const partners = { findById: async (id: string) => (id === 'demo' ? demo : null), findByApiKey: async (key: string) => (key === 'demo-key' ? demo : null) };
  const producer = { send: async (records: OutgoingRecord[]) => void sent.push(...records) } as unknown as EventProducer;
  const sut = new ReceiveWebhookEventUseCase(new PartnerAuthenticator(partners), partners as unknown as PartnerRepository, producer, (base) => `test.${base}`);
  return { sut, sent };
}
function signed(body: object, secret = SECRET, at = new Date()): WebhookDelivery {
  const raw = JSON.stringify(body);
  const signature = new Webhook(secret).sign('msg-1', at, raw);
  return { rawBody: Buffer.from(raw), body, signature: { 'webhook-id': 'msg-1', 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': signature } };
}
const refusalOf = (promise: Promise<unknown>) => promise.then(() => null, (error: { name: string; detail: string }) => ({ name: error.name, detail: error.detail }));

describe(ReceiveWebhookEventUseCase.name, () => {
  it('forwards a signed event byte for byte, with the partner the signature proved', async () => {
    const { sut, sent } = setup();
    const delivery = signed(event());
    await expect(sut.execute(delivery)).resolves.toEqual({ id: 'b-1-1', status: 'accepted' });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ topic: 'test.carshare.booking-events.v1', key: 'b-1', value: delivery.rawBody?.toString('utf8') });
    expect(sent[0]?.headers).toEqual({ 'content-type': CLOUDEVENT_STRUCTURED_CONTENT_TYPE, 'x-received-via': 'webhook', [AUTHENTICATED_PARTNER_HEADER]: 'demo' });
  });

  it('refuses a signature by another secret, a stale one, and none at all, sending nothing', async () => {
    const { sut, sent } = setup();
    const forged = signed(event(), `whsec_${Buffer.from('another-partner-secret-0123456789').toString('base64')}`);
    expect(await refusalOf(sut.execute(forged))).toMatchObject({ name: 'UnauthenticatedError' });
    expect(await refusalOf(sut.execute(signed(event(), SECRET, new Date(Date.now() - 6 * 60_000))))).toMatchObject({ name: 'UnauthenticatedError' });
    expect(await refusalOf(sut.execute({ body: event(), rawBody: Buffer.from(JSON.stringify(event())), signature: noSignature }))).toEqual({
      name: 'UnauthenticatedError',
      detail: 'send x-api-key or Standard Webhooks signature headers',
    });
    expect(sent).toEqual([]);
  });

  it('refuses, by API key, an event claiming another partner (forbidden) and an invalid one (naming the field)', async () => {
    const { sut } = setup();
    const other = event('acme');
    expect(await refusalOf(sut.execute({ body: other, rawBody: Buffer.from(JSON.stringify(other)), apiKey: 'demo-key', signature: noSignature }))).toMatchObject({ name: 'ForbiddenError' });
    const invalid = { ...event(), data: { ...event().data, plan: 'platinum' } };
    const refusal = await sut.execute({ body: invalid, rawBody: Buffer.from(JSON.stringify(invalid)), apiKey: 'demo-key', signature: noSignature }).catch((error: unknown) => error);
    expect(refusal).toMatchObject({ name: 'InvalidRequestError', errors: [expect.objectContaining({ field: 'data.plan' })] });
  });

  it('refuses bytes that are not UTF-8 before anything else', async () => {
    const { sut } = setup();
    expect(await refusalOf(sut.execute({ body: {}, rawBody: Buffer.from([0x7b, 0xff, 0x7d]), apiKey: 'demo-key', signature: noSignature }))).toEqual({ name: 'InvalidRequestError', detail: 'the body is not valid UTF-8' });
  });
});
