import { createHash } from 'node:crypto';
import kc202610 from '../tariffs/kc-carshare-2026-10.json';
import kc202612 from '../tariffs/kc-carshare-2026-12.json';
import kc202701 from '../tariffs/kc-carshare-2027-01.json';
import kc202701r2 from '../tariffs/kc-carshare-2027-01-r2.json';
import { type TariffData, tariffSchema } from './tariff.schema';

export interface Tariff {
  data: TariffData;
  /** `id@hash12`: the version quoted on every price, so a price can always be reproduced. */
  version: string;
  /** sha256 of the canonical JSON content. */
  hash: string;
  /**
   * When the version starts to apply to cover: the file's own `effectiveFrom` for a bundled
   * tariff, the instant it was scheduled for when it comes from the governed store.
   */
  effectiveFrom: Date;
}

/** Canonical JSON: keys sorted, so the hash depends on content, not formatting. */
export function canonicalTariffJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalTariffJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalTariffJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Validates a tariff document and names it by content; `effectiveFrom` overrides the document's (a schedule). */
export function loadTariff(raw: unknown, effectiveFrom?: Date): Tariff {
  const result = tariffSchema.safeParse(raw);
  if (!result.success) {
    const id = (raw as { id?: string })?.id ?? '(unknown)';
    throw new Error(`tariff ${id} is invalid: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const hash = createHash('sha256').update(canonicalTariffJson(raw)).digest('hex');
  return { data: result.data, hash, version: `${result.data.id}@${hash.slice(0, 12)}`, effectiveFrom: effectiveFrom ?? new Date(result.data.effectiveFrom) };
}

/** The views a registry answers from (see {@link TariffRegistry.replace}). */
interface RegistryState {
  /** What prices new cover: one version per instant, oldest first. */
  timeline: readonly Tariff[];
  /** Every version held (timeline and resolvable only), oldest first. */
  every: readonly Tariff[];
  byId: ReadonlyMap<string, Tariff>;
}

const byInstant = (a: Tariff, b: Tariff) => a.effectiveFrom.getTime() - b.effectiveFrom.getTime();

function indexed(timeline: readonly Tariff[], resolvableOnly: readonly Tariff[]): RegistryState {
  const sorted = [...timeline].sort(byInstant);
  const byId = new Map<string, Tariff>();
  // A bare id resolves to its latest version in the timeline; versions no longer (or not yet) in
  // the timeline stay resolvable by their full `id@hash12`, so a bound policy never loses its tariff.
  for (const t of resolvableOnly) {
    byId.set(t.version, t);
    if (!byId.has(t.data.id)) byId.set(t.data.id, t);
  }
  for (const t of sorted) {
    byId.set(t.version, t);
    byId.set(t.data.id, t);
  }
  return { timeline: sorted, every: [...sorted, ...resolvableOnly].sort(byInstant), byId };
}

/** The id a tariff names in `supersedes`: a correction that cannot edit a shipped file names the version it replaces. */
export function supersededIdOf(tariff: Tariff): string | undefined {
  return tariff.data.supersedes;
}

/**
 * The ids that other versions supersede, refusing what would leave a period without a version:
 * an unknown target, a replacement that starts after what it replaces, or a cycle.
 */
function supersededIds(loaded: readonly Tariff[]): Set<string> {
  const byId = new Map(loaded.map((t) => [t.data.id, t]));
  const superseded = new Set<string>();
  for (const t of loaded) {
    const old = supersededIdOf(t);
    if (old === undefined) continue;
    const target = byId.get(old);
    if (!target || old === t.data.id) throw new Error(`tariff ${t.data.id} supersedes unknown tariff ${old}`);
    if (target.effectiveFrom.getTime() < t.effectiveFrom.getTime()) {
      throw new Error(`tariff ${t.data.id} takes effect after ${old}, which it supersedes: cover in between would have no corrected version`);
    }
    superseded.add(old);
    const seen = new Set([t.data.id]);
    for (let next: Tariff | undefined = target; next; next = supersededIdOf(next) ? byId.get(supersededIdOf(next) as string) : undefined) {
      if (seen.has(next.data.id)) throw new Error(`tariffs ${t.data.id} and ${old} supersede each other`);
      seen.add(next.data.id);
    }
  }
  return superseded;
}

/**
 * Every tariff version pricing may use or policy may have to resolve, held in memory so the hot
 * path is synchronous (no database round trip per quote). Built from the bundled files, then
 * replaced as a whole from the governed store (Postgres) by the services that load it.
 */
export class TariffRegistry {
  private state: RegistryState;

  constructor(raws: unknown[]) {
    const loaded = raws.map((raw) => loadTariff(raw));
    const ids = new Set<string>();
    for (const t of loaded) {
      if (ids.has(t.data.id)) throw new Error(`duplicate tariff id ${t.data.id}`);
      ids.add(t.data.id);
    }
    const superseded = supersededIds(loaded);
    this.state = indexed(
      loaded.filter((t) => !superseded.has(t.data.id)),
      loaded.filter((t) => superseded.has(t.data.id)),
    );
  }

  /**
   * Swaps in a new set in one assignment, so a quote being priced sees the old set or the new one,
   * never a mix. `timeline` are the versions in force from their `effectiveFrom` (at most one per
   * instant: superseded versions are left out by the caller); `resolvableOnly` are versions that
   * apply to no new cover but must still price the policies bound under them.
   */
  replace(timeline: readonly Tariff[], resolvableOnly: readonly Tariff[] = []): void {
    this.state = indexed(timeline, resolvableOnly);
  }

  /** The tariff in force at an instant (the cover's start), or undefined before the first one. */
  inForceAt(instant: Date): Tariff | undefined {
    let found: Tariff | undefined;
    for (const t of this.state.timeline) if (t.effectiveFrom.getTime() <= instant.getTime()) found = t;
    return found;
  }

  /** By id or by full version (`id@hash`); a version whose hash no longer matches is refused. */
  byVersion(version: string): Tariff {
    const tariff = this.state.byId.get(version) ?? this.state.byId.get(version.split('@')[0]);
    if (!tariff) throw new Error(`unknown tariff ${version}`);
    if (version.includes('@') && tariff.version !== version) {
      throw new Error(`tariff ${version} has changed since it was used (now ${tariff.version}); prices must never change`);
    }
    return tariff;
  }

  /** The versions that price new cover from their instants, oldest first (superseded ones left out). */
  timeline(): readonly Tariff[] {
    return this.state.timeline;
  }

  /** Every version held, superseded and not yet scheduled ones included, oldest first. */
  all(): readonly Tariff[] {
    return this.state.every;
  }
}

/**
 * The tariff documents this build ships, in the order of this list. They are the registry's
 * content until a service loads the governed set from Postgres, and the seed inserts each of them
 * there as an approved version scheduled at its own `effectiveFrom`.
 */
export const shippedTariffDocuments: readonly unknown[] = [kc202610, kc202612, kc202701, kc202701r2];

export const tariffs = new TariffRegistry([...shippedTariffDocuments]);
