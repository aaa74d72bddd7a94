import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTariffDocument, TariffDocumentError } from './tariff-document';

const shipped = readFileSync(join(__dirname, '../tariffs/kc-carshare-2026-10.json'), 'utf8');
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a test edits arbitrary paths of the JSON, as an attacker would
type Doc = any;
const edited = (change: (doc: Doc) => void): string => {
  const doc = JSON.parse(shipped) as Doc;
  change(doc);
  return JSON.stringify(doc);
};

function issuesOf(text: string): { path: string; message: string }[] {
  try {
    parseTariffDocument(text);
  } catch (error) {
    if (error instanceof TariffDocumentError) return [...error.issues];
    throw error;
  }
  return [];
}

describe('parseTariffDocument', () => {
  it('names a shipped file by its content, whatever its formatting', () => {
    const sut = parseTariffDocument(shipped);
    expect(sut.tariff.version).toBe('kc-carshare-2026-10@dca2c099d01e');
    expect(parseTariffDocument(JSON.stringify(JSON.parse(shipped))).tariff.version).toBe(sut.tariff.version);
  });

  it('gives an edited document a new version', () => {
    expect(parseTariffDocument(edited((d) => (d.licence.gold = 0.85))).tariff.version).not.toBe('kc-carshare-2026-10@dca2c099d01e');
  });

  it('refuses a document that is not JSON, too large, or carries NUL bytes', () => {
    expect(issuesOf('{"id": ')[0]?.message).toMatch(/^not JSON/);
    expect(issuesOf(edited((d) => (d.note = 'x'.repeat(300 * 1024))))[0]?.message).toMatch(/larger than 262144 bytes/);
    expect(issuesOf(edited((d) => (d.note = 'a\u0000b')))).toEqual([{ path: 'note', message: 'contains a NUL byte' }]);
    expect(issuesOf(`{"note":${'['.repeat(100_000)}${']'.repeat(100_000)}}`)).toEqual([{ path: '(document)', message: 'nested deeper than 16 levels' }]);
  });

  it('refuses keys the tariff schema does not know, naming each', () => {
    const sut = issuesOf(
      edited((d) => {
        d.discountForFriends = 0.5;
        d.licence.platinum = 0.5;
      }),
    );
    expect(sut).toEqual(expect.arrayContaining([{ path: 'discountForFriends', message: 'unknown key' }, { path: 'licence.platinum', message: 'unknown key' }]));
  });

  it('refuses keys an object inherits (toString, __proto__) as unknown too', () => {
    const text = edited((d) => (d.licence.toString = 0.5)).replace('"currency":', '"__proto__":{"gold":9},"currency":');
    expect(issuesOf(text)).toEqual(expect.arrayContaining([{ path: 'licence.toString', message: 'unknown key' }, { path: '__proto__', message: 'unknown key' }]));
  });

  it('refuses factors out of range and loadings that leave nothing for claims', () => {
    const sut = issuesOf(
      edited((d) => {
        d.licence.gold = 84;
        d.driverAge.bands[0][2] = 0.05;
        d.loadings.expenseRatio = 0.95;
      }),
    );
    expect(sut.map((i) => i.path)).toEqual(expect.arrayContaining(['licence.gold', 'driverAge.bands.0.2', 'loadings']));
  });

  it('refuses a document the schema rejects, with the path of each problem', () => {
    expect(issuesOf(edited((d) => (d.currency = 'USD'))).map((i) => i.path)).toContain('currency');
  });
});
