/** The stages of a full run, in the order they run; `npm run bench -- --only sustained,fnol` re-measures some. */
export const STAGES = ['engine', 'ceilings', 'quotes', 'bind', 'sustained', 'fnol', 'telemetry'] as const;
export type Stage = (typeof STAGES)[number];

export function selectedStages(argv: string[]): Set<Stage> {
  const at = argv.indexOf('--only');
  if (at < 0) return new Set(STAGES);
  const picked = (argv[at + 1] ?? '').split(',').filter(Boolean);
  const unknown = picked.filter((s) => !(STAGES as readonly string[]).includes(s));
  if (picked.length === 0 || unknown.length > 0) throw new Error(`--only takes a comma-separated list of ${STAGES.join(', ')}; got "${argv[at + 1] ?? ''}"`);
  return new Set(picked as Stage[]);
}
