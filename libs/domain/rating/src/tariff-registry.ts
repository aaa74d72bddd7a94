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
  effectiveFrom: Date;
}

/** Canonical JSON: keys sorted, so the hash depends on content, not formatting. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

function loadTariff(raw: unknown): Tariff {
  const result = tariffSchema.safeParse(raw);
  if (!result.success) {
    const id = (raw as { id?: string })?.id ?? '(unknown)';
    throw new Error(`tariff ${id} is invalid: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const hash = createHash('sha256').update(canonical(raw)).digest('hex');
  return { data: result.data, hash, version: `${result.data.id}@${hash.slice(0, 12)}`, effectiveFrom: new Date(result.data.effectiveFrom) };
}

/**
 * Every tariff ever in force, validated once at load. Files are imported statically so the
 * bundle carries them: a deployment cannot price with a tariff it has not shipped.
 */
export class TariffRegistry {
  private readonly byEffective: Tariff[];
  /** The versions new cover can be priced with: every one not superseded by another. */
  private readonly pickable: Tariff[];
  private readonly byId = new Map<string, Tariff>();

  constructor(raws: unknown[]) {
    this.byEffective = raws.map(loadTariff).sort((a, b) => a.effectiveFrom.getTime() - b.effectiveFrom.getTime());
    for (const t of this.byEffective) {
      if (this.byId.has(t.data.id)) throw new Error(`duplicate tariff id ${t.data.id}`);
      this.byId.set(t.data.id, t);
      this.byId.set(t.version, t);
    }
    // A corrected version cannot edit a shipped file (its hash is what policies were bound with),
    // so it names the version it replaces; that one stays here for byVersion, never for new cover.
    const superseded = new Set<string>();
    for (const t of this.byEffective) {
      const old = t.data.supersedes;
      if (old === undefined) continue;
      const target = this.byId.get(old);
      if (!target || old === t.data.id) throw new Error(`tariff ${t.data.id} supersedes unknown tariff ${old}`);
      if (target.effectiveFrom.getTime() < t.effectiveFrom.getTime()) {
        throw new Error(`tariff ${t.data.id} takes effect after ${old}, which it supersedes: cover in between would have no corrected version`);
      }
      superseded.add(old);
      // A cycle would leave no version of that period to pick: cover would silently fall back.
      const seen = new Set([t.data.id]);
      for (let next: Tariff | undefined = target; next; next = next.data.supersedes ? this.byId.get(next.data.supersedes) : undefined) {
        if (seen.has(next.data.id)) throw new Error(`tariffs ${t.data.id} and ${old} supersede each other`);
        seen.add(next.data.id);
      }
    }
    this.pickable = this.byEffective.filter((t) => !superseded.has(t.data.id));
  }

  /** The tariff in force at an instant (the cover's start), or undefined before the first one. */
  inForceAt(instant: Date): Tariff | undefined {
    let found: Tariff | undefined;
    for (const t of this.pickable) if (t.effectiveFrom.getTime() <= instant.getTime()) found = t;
    return found;
  }

  /** By id or by full version (`id@hash`); a version whose hash no longer matches is refused. */
  byVersion(version: string): Tariff {
    const tariff = this.byId.get(version) ?? this.byId.get(version.split('@')[0]);
    if (!tariff) throw new Error(`unknown tariff ${version}`);
    if (version.includes('@') && tariff.version !== version) {
      throw new Error(`tariff ${version} has changed since it was used (now ${tariff.version}); prices must never change`);
    }
    return tariff;
  }

  all(): readonly Tariff[] {
    return this.byEffective;
  }
}

export const tariffs = new TariffRegistry([kc202610, kc202612, kc202701, kc202701r2]);
