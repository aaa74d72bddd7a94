import { describe, expect, it } from 'vitest';
import { tariffs } from '../tariff-registry';
import { citationProblems, SEED_FILES, tariffSources } from './seed-citations';
import { referenceLossModel } from './reference-loss-model';

/** Tariffs in force from the corrected version on (2026-10 and 2027-01 are closed: docs list their errors). */
const corrected = tariffs.all().filter((t) => t.effectiveFrom.getTime() >= Date.parse('2026-12-08T00:00:00+09:00') && t.data.id !== 'kc-carshare-2027-01');

describe('tariff citations', () => {
  it('covers the corrected tariff', () => {
    expect(corrected.map((t) => t.data.id)).toContain('kc-carshare-2026-12');
  });

  for (const tariff of corrected) {
    it(`every source of ${tariff.data.id} cites a known seed and section, or is an assumption or a derivation`, () => {
      const sources = tariffSources(tariff.data);
      expect(sources.length).toBeGreaterThanOrEqual(14);
      expect(sources.flatMap(({ path, source }) => citationProblems(source).map((p) => `${path}: ${p}`))).toEqual([]);
    });
  }

  it('every input of the expected-loss model is cited the same way', () => {
    const model = referenceLossModel(tariffs.byVersion('kc-carshare-2026-12').data);
    const sources = tariffSources(model).map((s) => s.source);
    expect(sources.length).toBeGreaterThanOrEqual(16);
    expect(sources.flatMap((s) => citationProblems(s))).toEqual([]);
  });
});

describe(citationProblems.name, () => {
  it('accepts a seed with its section, an assumption with its reason and a derivation', () => {
    expect(citationProblems('seed 002 §1-7: エコカー割引 3% -> 1.5%; assumption: carries over to per-use cover')).toEqual([]);
    expect(citationProblems('derived: loss per driving hour x hours')).toEqual([]);
  });

  it('refuses the launch tariff\'s way of citing: a seed without a section, the English summary', () => {
    const launch = tariffs.byVersion('kc-carshare-2026-10').data;
    expect(citationProblems(launch.grade.source).length).toBeGreaterThan(0);
    expect(citationProblems(launch.asv.source).length).toBeGreaterThan(0);
  });

  it('accepts a seed named by its file and an assumption with a note, as other tariff keys write them', () => {
    expect(citationProblems('seed 002_cef75be0bdf92b92.txt, section 1-3 (「車齢別割引」), ① 自家用軽四輪乗用車, rows 6(S)')).toEqual([]);
    expect(citationProblems('assumption (issue #17): seed 002_cef75be0bdf92b92.txt section 1-3 gives the 6(S) column to grade 6(S) alone')).toEqual([]);
    expect(citationProblems('seed 002_0000000000000000.txt section 1-3')).toEqual([expect.stringContaining('seed 002 is 002_cef75be0bdf92b92.txt')]);
  });

  it('reads sources wherever a tariff keeps them, nested keys ending in Source included', () => {
    expect(tariffSources({ a: { source: 'x', b: [{ keiTableSource: 'y' }] }, note: 'z' })).toEqual([
      { path: 'a.source', source: 'x' },
      { path: 'a.b[0].keiTableSource', source: 'y' },
    ]);
  });

  it('refuses a seed that does not exist, a bare label and an empty reason', () => {
    expect(citationProblems('seed 005 §1: made up')).toEqual([expect.stringContaining('not one of 000, 001, 002, 003, 004')]);
    expect(citationProblems('market products')).toHaveLength(1);
    expect(citationProblems('assumption: ')).toHaveLength(1);
    expect(citationProblems('')).toEqual(['empty source']);
  });

  it('knows the five seed files by their file names', () => {
    expect(Object.values(SEED_FILES)).toEqual(['000_9d1cd59daf45c1f3.txt', '001_1a3287422d9e7259.txt', '002_cef75be0bdf92b92.txt', '003_764ccd69bb0fc09b.txt', '004_03ebd66a27848096.txt']);
  });
});
