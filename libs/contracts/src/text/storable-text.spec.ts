import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { hasUnstorableText, isStorableText, storableStrings, toStorableText, unstorablePaths } from './storable-text';

const NUL = '\u0000';
const loneSurrogate = fc.oneof(fc.integer({ min: 0xd800, max: 0xdbff }), fc.integer({ min: 0xdc00, max: 0xdfff })).map((c) => String.fromCharCode(c));
/** Any well-formed string ('binary': every code point, surrogates only as pairs) without NUL. */
const storable = fc.string({ unit: 'binary', maxLength: 40 }).map((s) => s.replaceAll(NUL, ''));
/** Any sequence of UTF-16 code units, lone surrogates and NULs included. */
const anyCodeUnits = fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 40 }).map((codes) => String.fromCharCode(...codes));

describe('finding 5: strings Postgres cannot store are refused at the schema', () => {
  it('accepts every well-formed string without NUL', () => {
    fc.assert(
      fc.property(storable, (s) => {
        expect(isStorableText(s)).toBe(true);
      }),
    );
  });

  it('refuses any string with a NUL, wherever it is', () => {
    fc.assert(
      fc.property(anyCodeUnits, anyCodeUnits, (before, after) => {
        expect(isStorableText(before + NUL + after)).toBe(false);
      }),
    );
  });

  it('refuses any string with an unpaired surrogate, wherever it is', () => {
    fc.assert(
      fc.property(storable, loneSurrogate, storable, (before, lone, after) => {
        // Glued to a neighbour it could form a valid pair; a separator keeps it alone.
        expect(isStorableText(`${before}|${lone}|${after}`)).toBe(false);
      }),
    );
  });

  it('names the path of every offending string, object keys and array items included', () => {
    expect(unstorablePaths({ a: 'ok', b: { c: `x${NUL}` }, d: ['fine', '\ud800'], [`k${NUL}`]: 1 })).toEqual([['b', 'c'], ['d', 1], [`k${NUL}`]]);
  });

  it('finds an unstorable string exactly when a path to one exists (the refinement\'s fast check)', () => {
    const text = fc.oneof(storable, anyCodeUnits);
    const json = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, text, fc.integer(), fc.constant(null), fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(text, tie('node'), { maxKeys: 4 })),
    })).node;
    fc.assert(
      fc.property(json, (value) => {
        expect(hasUnstorableText(value)).toBe(unstorablePaths(value).length > 0);
      }),
    );
  });

  it('reports the field by path through the refinement, and passes clean values through unchanged', () => {
    const sut = storableStrings(z.object({ vehicle: z.object({ category: z.string() }), note: z.string().optional() }));
    const refused = sut.safeParse({ vehicle: { category: `small${NUL}` } });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues.map((i) => i.path.join('.'))).toEqual(['vehicle.category']);
    fc.assert(
      fc.property(storable, (s) => {
        expect(sut.parse({ vehicle: { category: s } })).toEqual({ vehicle: { category: s } });
      }),
    );
  });

  it('spells unstorable characters out so a reason about bad input can itself be stored', () => {
    fc.assert(
      fc.property(anyCodeUnits, (s) => {
        expect(isStorableText(toStorableText(s))).toBe(true);
      }),
    );
    expect(toStorableText(`a${NUL}b\udc00`)).toBe('a\\u0000b\ufffd');
  });
});
