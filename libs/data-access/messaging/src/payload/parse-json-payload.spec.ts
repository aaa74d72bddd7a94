import { describe, expect, it } from 'vitest';
import { isStorableText } from '@kuruma/contracts';
import { parseJsonPayload } from './parse-json-payload';

describe('finding 5: payloads are parsed strictly, and the reason for a refusal is storable', () => {
  it('parses UTF-8 JSON', () => {
    expect(parseJsonPayload(Buffer.from('{"a":"東京"}'))).toEqual({ ok: true, value: { a: '東京' } });
  });

  it('refuses invalid UTF-8 instead of replacing it', () => {
    expect(parseJsonPayload(Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]))).toEqual({
      ok: false,
      reason: 'invalid-utf8: the payload is not valid UTF-8',
    });
  });

  it('refuses a raw NUL byte with a reason Postgres can store', () => {
    const parsed = parseJsonPayload(Buffer.from('{"a":"x\u0000y"}'));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.reason).toMatch(/^invalid-json: /);
      expect(isStorableText(parsed.reason)).toBe(true);
    }
  });

  it('refuses an empty payload', () => {
    expect(parseJsonPayload(null)).toEqual({ ok: false, reason: 'invalid-json: empty payload' });
  });
});
