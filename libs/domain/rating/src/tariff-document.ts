import { canonicalTariffJson, loadTariff, type Tariff } from './tariff-registry';
import { tariffSchema } from './tariff.schema';

/** One thing wrong with a proposed tariff document, at a JSON path (`licence.gold`, `(document)`). */
export interface TariffDocumentIssue {
  path: string;
  message: string;
}

/** A proposed tariff document that cannot become a version; `issues` names every problem at once. */
export class TariffDocumentError extends Error {
  constructor(readonly issues: readonly TariffDocumentIssue[]) {
    super(`tariff document refused: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
    this.name = 'TariffDocumentError';
  }
}

/**
 * Largest document accepted. The shipped tariffs are about 8 KiB; 256 KiB leaves room for many
 * more tables (an assumption: no filed tariff we know of needs more) while keeping a hostile
 * upload from costing memory in every pricing and policy instance that loads it.
 */
export const MAX_TARIFF_DOCUMENT_BYTES = 256 * 1024;

/**
 * Plausible bounds for multiplicative factors. An assumption, not a seed figure: the widest real
 * factor in the seeds is the 3.0x age spread cap (seed 001) and the largest discount about 0.45;
 * a factor outside [0.1, 5] is a typing error (a percent typed as a factor), not a rate decision.
 */
const FACTOR_MIN = 0.1;
const FACTOR_MAX = 5;
/** Percentages (vehicle-age discounts, grade changes) stay within what a percentage can mean here. */
const PERCENT_MIN = -100;
const PERCENT_MAX = 300;

/** A tariff nests about five levels; far deeper nesting is an attack on the walkers below (stack depth). */
const MAX_DEPTH = 16;

/** Nesting depth without recursion, so a hostile document cannot exhaust the stack. */
function depthOf(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (depth > deepest) deepest = depth;
    if (deepest > MAX_DEPTH) break;
    if (v && typeof v === 'object') for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return deepest;
}

function pathText(path: readonly (string | number)[]): string {
  return path.length === 0 ? '(document)' : path.join('.');
}

/** Keys the schema does not know: zod drops them silently, but a governed document must say only what is read. */
function unknownKeys(raw: unknown, parsed: unknown, path: (string | number)[], out: TariffDocumentIssue[]): void {
  if (Array.isArray(raw) && Array.isArray(parsed)) {
    raw.forEach((item, i) => unknownKeys(item, parsed[i], [...path, i], out));
    return;
  }
  if (raw && typeof raw === 'object' && parsed && typeof parsed === 'object') {
    for (const key of Object.keys(raw)) {
      if (!Object.hasOwn(parsed, key)) out.push({ path: pathText([...path, key]), message: 'unknown key' });
      else unknownKeys((raw as Record<string, unknown>)[key], (parsed as Record<string, unknown>)[key], [...path, key], out);
    }
  }
}

function nulBytes(value: unknown, path: (string | number)[], out: TariffDocumentIssue[]): void {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) out.push({ path: pathText(path), message: 'contains a NUL byte' });
  } else if (Array.isArray(value)) value.forEach((v, i) => nulBytes(v, [...path, i], out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k.includes('\u0000')) out.push({ path: pathText(path), message: 'a key contains a NUL byte' });
      nulBytes(v, [...path, k], out);
    }
  }
}

function inRange(value: number, min: number, max: number, path: string, out: TariffDocumentIssue[]): void {
  if (!Number.isFinite(value) || value < min || value > max) out.push({ path, message: `${value} is outside [${min}, ${max}]` });
}

/** The factor and percentage figures a typing error would turn into a silly price. */
function outOfRange(t: Tariff, out: TariffDocumentIssue[]): void {
  const d = t.data;
  const factors: [string, number][] = [
    ['licence.gold', d.licence.gold],
    ['licence.blue', d.licence.blue],
    ['licence.green', d.licence.green],
    ['eco.factor', d.eco.factor],
    ['asv.factor', d.asv.factor],
    ['factorCap.floor', d.factorCap.floor],
    ['factorCap.ceiling', d.factorCap.ceiling],
    ...Object.entries(d.modelRatingClass.perClassStep).map(([k, v]): [string, number] => [`modelRatingClass.perClassStep.${k}`, v]),
    ...d.driverAge.bands.map((b, i): [string, number] => [`driverAge.bands.${i}.2`, b[2]]),
  ];
  for (const [path, value] of factors) inRange(value, FACTOR_MIN, FACTOR_MAX, path, out);
  for (const table of ['passengerGrade6S', 'passengerOther', 'keiOther'] as const) {
    d.vehicleAge[table].forEach((row, i) => row.forEach((v, j) => inRange(v, 0, 100, `vehicleAge.${table}.${i}.${j}`, out)));
  }
  d.grade.noAccident.forEach((v, i) => inRange(v, PERCENT_MIN, PERCENT_MAX, `grade.noAccident.${i}`, out));
  d.grade.withAccidentFrom7.forEach((v, i) => inRange(v, PERCENT_MIN, PERCENT_MAX, `grade.withAccidentFrom7.${i}`, out));
  const l = d.loadings;
  if (l.expenseRatio + l.claimHandlingRatio + l.profitRatio >= 1) out.push({ path: 'loadings', message: 'expenses, claim handling and profit must leave part of the premium for claims (sum below 1)' });
  if (d.factorCap.floor > d.factorCap.ceiling) out.push({ path: 'factorCap', message: 'floor is above ceiling' });
}

/**
 * A tariff document as an actuary drafts it (JSON text from the console), checked as hostile
 * input before it can become a version: size, JSON, nesting depth, NUL bytes, the tariff schema, keys the schema
 * does not know, and factors out of plausible range. Every problem is reported at once.
 */
export function parseTariffDocument(text: string): { tariff: Tariff; canonical: string } {
  if (Buffer.byteLength(text, 'utf8') > MAX_TARIFF_DOCUMENT_BYTES) {
    throw new TariffDocumentError([{ path: '(document)', message: `larger than ${MAX_TARIFF_DOCUMENT_BYTES} bytes` }]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new TariffDocumentError([{ path: '(document)', message: `not JSON: ${(error as Error).message}` }]);
  }
  if (depthOf(raw) > MAX_DEPTH) throw new TariffDocumentError([{ path: '(document)', message: `nested deeper than ${MAX_DEPTH} levels` }]);
  const issues: TariffDocumentIssue[] = [];
  nulBytes(raw, [], issues);
  if (issues.length > 0) throw new TariffDocumentError(issues);
  const parsed = tariffSchema.safeParse(raw);
  if (!parsed.success) throw new TariffDocumentError(parsed.error.issues.map((i) => ({ path: pathText(i.path as (string | number)[]), message: i.message })));
  unknownKeys(raw, parsed.data, [], issues);
  const tariff = loadTariff(raw);
  outOfRange(tariff, issues);
  if (issues.length > 0) throw new TariffDocumentError(issues);
  return { tariff, canonical: canonicalTariffJson(raw) };
}
