import { describe, expect, it } from 'vitest';
import { redriveSelection } from './redrive-selection';

describe('redriveSelection', () => {
  const id = '0190c5a2-7b1e-7000-8000-000000000001';

  it('takes chosen ids or one reason of one dead-letter topic', () => {
    expect(redriveSelection.parse({ ids: [id] })).toEqual({ ids: [id] });
    expect(redriveSelection.parse({ topic: 'kuruma.booking-priced.v1.dlq', reason: 'handler-failed' })).toEqual({ topic: 'kuruma.booking-priced.v1.dlq', reason: 'handler-failed' });
  });

  it.each([
    ['no ids', { ids: [] }],
    ['a repeated id (one record redriven twice in one call)', { ids: [id, id] }],
    ['more than 200 ids', { ids: Array.from({ length: 201 }, (_, i) => `0190c5a2-7b1e-7000-8000-${String(i).padStart(12, '0')}`) }],
    ['a NUL byte in the topic', { topic: 'a\u0000b', reason: 'handler-failed' }],
    ['both forms at once', { ids: [id], topic: 't', reason: 'r' }],
    ['a reason that is not a code', { topic: 't', reason: "x' OR 1=1" }],
  ])('refuses %s', (_what, body) => {
    expect(redriveSelection.safeParse(body).success).toBe(false);
  });
});
