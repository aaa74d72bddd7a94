import { describe, expect, it } from 'vitest';
import { ProblemException, validateBody } from '@kuruma/service-kit';
import { deliveryLogParams, endpointIdPipe, endpointListParams, replayBody } from './webhook-inputs';

/** The fields a refusal names, as the console's problem+json carries them. */
function refusedFields(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ProblemException);
    const body = (error as ProblemException).getResponse() as { status: number; errors: { field: string }[] };
    expect(body.status).toBe(400);
    return body.errors.map((e) => e.field);
  }
  throw new Error('accepted');
}

describe('webhook inputs of the ops console', () => {
  it('takes an endpoint id as partner-webhooks makes them and names id otherwise', () => {
    const id = `we_${'0a'.repeat(16)}`;
    expect(endpointIdPipe.transform(id, { type: 'param' })).toBe(id);
    for (const bad of ['we_', `we_${'0'.repeat(31)}`, `WE_${'0'.repeat(32)}`, `we_${'0'.repeat(32)}' OR 1=1`, '../../v1']) {
      expect(refusedFields(() => endpointIdPipe.transform(bad, { type: 'param' }))).toEqual(['id']);
    }
  });

  it('filters by a partner id only, and names partnerId, limit or cursor when they are wrong', () => {
    expect(validateBody(endpointListParams, { partnerId: 'demo' })).toEqual({ partnerId: 'demo', limit: 50 });
    expect(refusedFields(() => validateBody(endpointListParams, { partnerId: 'Demo Partner' }))).toEqual(['partnerId']);
    expect(refusedFields(() => validateBody(endpointListParams, { limit: '0' }))).toEqual(['limit']);
    expect(refusedFields(() => validateBody(deliveryLogParams, { cursor: '-1' }))).toEqual(['cursor']);
    expect(validateBody(deliveryLogParams, { cursor: '42', limit: '10' })).toEqual({ cursor: '42', limit: 10 });
  });

  it('replays one event or since an instant with its zone, as the partner API takes it', () => {
    expect(validateBody(replayBody, { since: '2026-12-01T09:00:00+09:00' })).toEqual({ since: '2026-12-01T09:00:00+09:00' });
    expect(validateBody(replayBody, { eventId: 'evt-1' })).toEqual({ eventId: 'evt-1' });
    expect(refusedFields(() => validateBody(replayBody, { since: '2026-12-01T09:00:00' }))).toContain('since');
    expect(refusedFields(() => validateBody(replayBody, {})).length).toBeGreaterThan(0);
  });

  it('refuses NUL bytes, lone surrogates and huge values in every field, naming it', () => {
    const nul = 'demo\u0000';
    const surrogate = 'demo\uD800';
    const huge = 'a'.repeat(100_000);
    const id = `we_${'0a'.repeat(16)}`;
    for (const bad of [`${id}\u0000`, `${id}\uDC00`, `we_${'0'.repeat(100_000)}`]) expect(refusedFields(() => endpointIdPipe.transform(bad, { type: 'param' }))).toEqual(['id']);
    for (const bad of [nul, surrogate, huge]) expect(refusedFields(() => validateBody(endpointListParams, { partnerId: bad }))).toEqual(['partnerId']);
    for (const bad of ['42\u0000', '4\uD8002', '9'.repeat(100_000)]) expect(refusedFields(() => validateBody(deliveryLogParams, { cursor: bad }))).toEqual(['cursor']);
    expect(refusedFields(() => validateBody(deliveryLogParams, { limit: '10\u0000' }))).toEqual(['limit']);
    expect(refusedFields(() => validateBody(replayBody, { eventId: 'evt\u0000' }))).toContain('eventId');
    expect(refusedFields(() => validateBody(replayBody, { eventId: `evt${surrogate}` }))).toContain('eventId');
    expect(refusedFields(() => validateBody(replayBody, { eventId: huge }))).toContain('eventId');
    expect(refusedFields(() => validateBody(replayBody, { since: '2026-12-01T09:00:00+09:00\u0000' }))).toContain('since');
  });
});
