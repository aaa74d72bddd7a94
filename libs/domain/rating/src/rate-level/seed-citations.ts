/**
 * How a tariff figure names where it comes from. A `source` is one or more clauses separated by
 * "; ", and each clause is one of:
 *  - `seed NNN §section: ...`: the seed document NNN (one of {@link SEED_FILES}) and the section
 *    holding the figure, ideally with the seed's own words;
 *  - `assumption: ...`: not in any seed, with the reason it was chosen;
 *  - `derived: ...`: computed from other cited figures (the derivation is in docs/pricing.md).
 * A seed may also be named by its file (`seed 002_cef75be0bdf92b92.txt, section 1-3`), and an
 * assumption may carry a note before its colon (`assumption (issue #17): ...`). The seeds live
 * outside the repository, so the format and the list of seed files are what a test can check;
 * whether a section really holds a figure is the audit in docs/pricing.md.
 */
export const SEED_FILES: Readonly<Record<string, string>> = {
  '000': '000_9d1cd59daf45c1f3.txt',
  '001': '001_1a3287422d9e7259.txt',
  '002': '002_cef75be0bdf92b92.txt',
  '003': '003_764ccd69bb0fc09b.txt',
  '004': '004_03ebd66a27848096.txt',
};

const SEED_CLAUSE = /^seed (\d{3})(_[0-9a-f]{16}\.txt)?,? (?:§|section )\S+/;
const OTHER_CLAUSE = /^(?:assumption|derived)(?: \([^)]*\))?: \S/;

/** What is wrong with a source string's citations; empty when every clause is well formed. */
export function citationProblems(source: string): string[] {
  const problems: string[] = [];
  if (source.trim() === '') return ['empty source'];
  // The English summary condenses the seeds and names figures that are in none of them.
  if (/domain\.md/.test(source)) problems.push('cites domain.md, a summary: cite the seed and section instead');
  for (const clause of source.split('; ')) {
    const seed = SEED_CLAUSE.exec(clause);
    if (seed) {
      const file = SEED_FILES[seed[1] as string];
      if (!file) problems.push(`names seed ${seed[1]}, which is not one of ${Object.keys(SEED_FILES).join(', ')}`);
      else if (seed[2] && `${seed[1]}${seed[2]}` !== file) problems.push(`names seed file ${seed[1]}${seed[2]}; seed ${seed[1]} is ${file}`);
      continue;
    }
    if (OTHER_CLAUSE.test(clause)) continue;
    problems.push(`clause "${clause.slice(0, 60)}" is neither "seed NNN §section", "assumption: reason" nor "derived: how"`);
  }
  return problems;
}

/** Every source string of a tariff document (a `source` key or one ending in `Source`), with its path. */
export function tariffSources(document: unknown, path = ''): { path: string; source: string }[] {
  if (Array.isArray(document)) return document.flatMap((v, i) => tariffSources(v, `${path}[${i}]`));
  if (document === null || typeof document !== 'object') return [];
  return Object.entries(document).flatMap(([key, value]) =>
    /(^s|S)ource$/.test(key) && typeof value === 'string' ? [{ path: path ? `${path}.${key}` : key, source: value }] : tariffSources(value, path ? `${path}.${key}` : key),
  );
}
