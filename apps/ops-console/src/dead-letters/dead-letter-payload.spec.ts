import { describe, expect, it } from 'vitest';
import { payloadView, SHOWN_HEX_BYTES, SHOWN_TEXT_BYTES } from './dead-letter-payload';

describe(payloadView.name, () => {
  it('shows a JSON payload as text with its size', () => {
    const sut = payloadView(Buffer.from('{"type":"com.kurumacover.booking.created"}'));
    expect(sut).toEqual({ size: 42, encoding: 'utf-8', text: '{"type":"com.kurumacover.booking.created"}', hex: null, truncated: false });
  });

  it('escapes a NUL byte and bidi override instead of letting them cut or reorder the text', () => {
    const sut = payloadView(Buffer.from('a\u0000b\u202ec\n'));
    expect(sut.text).toBe('a\\u0000b\\u202ec\n');
  });

  it('shows invalid UTF-8 as hex, not as replacement characters', () => {
    const sut = payloadView(Buffer.from([0x7b, 0xff, 0xfe, 0x00]));
    expect(sut).toMatchObject({ encoding: 'binary', text: null, hex: '7b ff fe 00', size: 4 });
  });

  it('shows only the head of a 6 MiB payload and says how big it is', () => {
    const sut = payloadView(Buffer.alloc(6 * 1024 * 1024, 'x'));
    expect(sut.size).toBe(6 * 1024 * 1024);
    expect(sut.text).toHaveLength(SHOWN_TEXT_BYTES);
    expect(sut.truncated).toBe(true);
  });

  it('keeps a cut payload as text when the cut falls inside a character', () => {
    const sut = payloadView(Buffer.concat([Buffer.alloc(SHOWN_TEXT_BYTES - 1, 'a'), Buffer.from('日本')]));
    expect(sut.encoding).toBe('utf-8');
    expect(sut.truncated).toBe(true);
  });

  it('bounds the hex of a large binary payload', () => {
    const sut = payloadView(Buffer.alloc(1024 * 1024, 0xff));
    expect(sut.hex?.split(' ')).toHaveLength(SHOWN_HEX_BYTES);
    expect(sut.truncated).toBe(true);
  });
});
