import type { CalibrationRun } from './calibration-run';
import { barChartSvg, lineChartSvg, relativityChartSvg } from './report-charts';
import { PROHIBITED_RATING_VARIABLES } from './rating-variables';

/** One filed figure the draft changes: current, indicated by the fit, and what the draft carries (capped). */
export interface FiledFigureMove {
  figure: string;
  current: number;
  indicated: number;
  drafted: number;
  capped: boolean;
}

/** One priced policy of the book the impact is measured on. */
export interface PremiumImpactRow {
  currentYen: number;
  draftYen: number;
  ageBand: string;
  region: string;
}

export interface CalibrationReportInput {
  runId: string;
  periodFrom: string;
  periodTo: string;
  holdOutFrom: string;
  basedOnVersion: string;
  draftVersion: string | null;
  moveCap: number;
  moves: readonly FiledFigureMove[];
  /** Which book the impact was priced on, in words (the in-force policies, or the reference book when none). */
  impactBook: string;
  impact: readonly PremiumImpactRow[];
  /** Variables the draft rates on (the tariff's), checked against the prohibited list. */
  draftVariables: readonly string[];
  /** The true relativity per coverage, variable and level, when the experience was simulated. */
  truth?: (coverage: string, variable: string, level: string) => number | undefined;
}

export interface CalibrationReport {
  json: Record<string, unknown>;
  markdown: string;
  charts: Record<string, string>;
}

const IMPACT_BINS = [-0.15, -0.1, -0.05, -0.02, 0.02, 0.05, 0.1, 0.15] as const;

function impactSummary(rows: readonly PremiumImpactRow[]) {
  const changes = rows.map((r) => (r.currentYen > 0 ? r.draftYen / r.currentYen - 1 : 0)).sort((a, b) => a - b);
  const quantile = (q: number) => changes[Math.min(changes.length - 1, Math.floor(q * changes.length))] ?? 0;
  const labels = ['< -15%', ...IMPACT_BINS.slice(0, -1).map((b, i) => `${Math.round(b * 100)}..${Math.round((IMPACT_BINS[i + 1] as number) * 100)}%`), '> +15%'];
  const counts = labels.map(() => 0);
  for (const c of changes) {
    let bin = IMPACT_BINS.findIndex((b) => c < b);
    if (bin === -1) bin = IMPACT_BINS.length;
    counts[bin] = (counts[bin] as number) + 1;
  }
  const by = (key: 'ageBand' | 'region') => {
    const groups = new Map<string, { current: number; draft: number; n: number }>();
    for (const r of rows) {
      const g = groups.get(r[key]) ?? { current: 0, draft: 0, n: 0 };
      g.current += r.currentYen;
      g.draft += r.draftYen;
      g.n += 1;
      groups.set(r[key], g);
    }
    return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([level, g]) => ({ level, policies: g.n, change: g.current > 0 ? g.draft / g.current - 1 : 0 }));
  };
  const total = rows.reduce((s, r) => s + r.currentYen, 0);
  return {
    policies: rows.length,
    totalChange: total > 0 ? rows.reduce((s, r) => s + r.draftYen, 0) / total - 1 : 0,
    p5: quantile(0.05),
    median: quantile(0.5),
    p95: quantile(0.95),
    histogram: labels.map((label, i) => ({ label, policies: counts[i] as number })),
    byAgeBand: by('ageBand'),
    byRegion: by('region'),
  };
}

const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
const f3 = (x: number) => x.toFixed(3);

/** The run's report: figures as JSON, a markdown page with the SVG charts inline, and the charts alone. */
export function calibrationReport(run: CalibrationRun, input: CalibrationReportInput): CalibrationReport {
  const charts: Record<string, string> = {};
  const categories = run.lift.map((b) => String(b.bucket));
  charts['lift'] = lineChartSvg('Lift on the hold-out period (deciles of the calibrated rate; loss per day / average)', categories, [
    { name: 'actual', values: run.lift.map((b) => b.actual) },
    { name: 'calibrated', values: run.lift.map((b) => b.proposed) },
  ]);
  charts['double-lift'] = lineChartSvg('Double lift (deciles of calibrated / filed)', categories, [
    { name: 'actual', values: run.doubleLift.map((b) => b.actual) },
    { name: 'calibrated', values: run.doubleLift.map((b) => b.proposed) },
    { name: 'filed', values: run.doubleLift.map((b) => b.current) },
  ]);
  for (const fit of run.fits) {
    for (const variable of ['ageBand', 'licence', 'valueBand', 'durationBand']) {
      const levels = fit.levels.filter((l) => l.variable === variable);
      if (levels.length === 0) continue;
      charts[`${fit.coverage}-${variable}`] = relativityChartSvg(
        `${fit.coverage}: ${variable} (pure-premium relativity)`,
        levels.map((l) => {
          const truth = input.truth?.(fit.coverage, l.variable, l.level);
          return { label: l.level, filed: l.filed, fitted: l.relativity, lower95: l.lower95, upper95: l.upper95, ...(truth === undefined ? {} : { truth }) };
        }),
      );
    }
  }
  const impact = impactSummary(input.impact);
  if (input.impact.length) charts['premium-impact'] = barChartSvg(`Premium change, draft against current (${input.impactBook})`, impact.histogram.map((h) => h.label), impact.histogram.map((h) => h.policies));

  const fitted = run.variables.map((v) => v.name);
  const prohibited = [...fitted, ...input.draftVariables].filter((v) => (PROHIBITED_RATING_VARIABLES as readonly string[]).includes(v));
  const json = {
    runId: input.runId,
    period: { from: input.periodFrom, to: input.periodTo, holdOutFrom: input.holdOutFrom },
    basedOnVersion: input.basedOnVersion,
    draftVersion: input.draftVersion,
    training: run.training,
    holdOut: run.holdOut,
    balance: run.balance,
    notFitted: run.notFitted,
    gini: run.gini,
    lift: run.lift,
    doubleLift: run.doubleLift,
    coverages: run.fits.map(({ logRelativity: _omit, ...f }) => f),
    combined: run.combined,
    moveCap: input.moveCap,
    moves: input.moves,
    premiumImpact: { book: input.impactBook, ...impact },
    fairness: { fittedVariables: fitted, draftVariables: input.draftVariables, prohibitedChecked: PROHIBITED_RATING_VARIABLES, prohibitedFound: prohibited },
  };

  const lines: string[] = [];
  lines.push(`# Calibration run ${input.runId}`, '');
  lines.push(`Experience with cover starting ${input.periodFrom} to ${input.periodTo} (Japan time); fitted before ${input.holdOutFrom}, validated after it.`);
  lines.push(`Started from \`${input.basedOnVersion}\`; draft produced: ${input.draftVersion ? `\`${input.draftVersion}\` (a **draft**: it prices nothing until a second actuary approves and schedules it)` : 'none'}.`, '');
  lines.push('| period | intervals | exposure (days) | claims (counted per coverage) | incurred (yen) |', '|---|---|---|---|---|');
  for (const [name, p] of [['training', run.training], ['hold-out', run.holdOut]] as const) lines.push(`| ${name} | ${p.intervals} | ${p.exposureDays.toFixed(0)} | ${p.claims} | ${Math.round(p.incurredYen).toLocaleString('en-US')} |`);
  for (const n of run.notFitted) lines.push('', `**${n.coverage}** not fitted (keeps its filed figures): ${n.reason}.`);
  lines.push('', `Fitted ÷ actual incurred on the training period: overall ${f3(run.balance.overall)}. Gini on the hold-out period: calibrated ${f3(run.gini.proposed)}, filed ${f3(run.gini.current)}.`, '');
  lines.push('## Filed figures the draft changes', '', `Each move is capped at ${input.moveCap * 100}% per revision (assumption, docs/pricing-calibration.md); the indication is shown in full.`, '');
  lines.push('| figure | current | indicated | draft | capped |', '|---|---|---|---|---|');
  for (const m of input.moves) lines.push(`| ${m.figure} | ${f3(m.current)} | ${f3(m.indicated)} | ${f3(m.drafted)} | ${m.capped ? 'yes' : ''} |`);
  lines.push('', '## Relativities per coverage (pure premium, 95% intervals)', '');
  for (const fit of run.fits) {
    lines.push(`### ${fit.coverage}`, '', `${fit.rows} intervals, ${fit.exposureDays.toFixed(0)} exposure days, ${fit.claims} claims; base frequency ${fit.baseFrequencyPerDay.toFixed(4)} per day, base severity ${Math.round(fit.baseSeverityYen).toLocaleString('en-US')} yen.`, '');
    lines.push('| variable | level | filed | calibrated | 95% interval | claims |', '|---|---|---|---|---|---|');
    for (const l of fit.levels) lines.push(`| ${l.variable} | ${l.level} | ${l.filed === null ? '-' : f3(l.filed)} | ${f3(l.relativity)} | ${f3(l.lower95)}-${f3(l.upper95)} | ${l.claims} |`);
    lines.push('');
    for (const variable of ['ageBand', 'licence', 'valueBand']) if (charts[`${fit.coverage}-${variable}`]) lines.push(charts[`${fit.coverage}-${variable}`] as string, '');
  }
  lines.push('## Hold-out validation', '', charts['lift'] as string, '', charts['double-lift'] as string, '');
  lines.push('## Premium impact', '', `Priced on ${input.impactBook}: ${impact.policies} policies; total ${pct(impact.totalChange)}, 5th percentile ${pct(impact.p5)}, median ${pct(impact.median)}, 95th percentile ${pct(impact.p95)}.`, '');
  if (charts['premium-impact']) lines.push(charts['premium-impact'], '');
  lines.push('## Fairness', '');
  lines.push(`Fitted variables: ${fitted.join(', ')}. The draft rates on: ${input.draftVariables.join(', ')}. Prohibited variables checked (${PROHIBITED_RATING_VARIABLES.join(', ')}): ${prohibited.length ? `**found: ${prohibited.join(', ')}**` : 'none used'}.`, '');
  lines.push('| age band | policies | premium change |', '|---|---|---|', ...impact.byAgeBand.map((g) => `| ${g.level} | ${g.policies} | ${pct(g.change)} |`), '');
  lines.push('| region | policies | premium change |', '|---|---|---|', ...impact.byRegion.map((g) => `| ${g.level} | ${g.policies} | ${pct(g.change)} |`), '');
  return { json, markdown: lines.join('\n'), charts };
}
