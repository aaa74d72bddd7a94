/**
 * The life of a tariff version: drafted by one person, approved by a second person who holds the
 * actuary role (four eyes), scheduled from an instant, active while it is the version in force,
 * retired once a later version replaces it or a later approval supersedes it at the same instant.
 *
 * Draft, approval and schedule are facts recorded once; active and retired follow from the
 * schedule and the clock, so no job has to flip a state at midnight for the price to change.
 */

export type TariffLifecycleState = 'draft' | 'approved' | 'scheduled' | 'active' | 'retired';

/** What the governed store records of one version (the document itself is elsewhere). */
export interface TariffVersionRecord {
  /** `id@hash12` of the document. */
  version: string;
  tariffId: string;
  draftedBy: string;
  draftedAt: Date;
  approvedBy: string | null;
  approvedAt: Date | null;
  scheduledBy: string | null;
  scheduledAt: Date | null;
  /** The instant from which the version applies to cover starting then or later. */
  effectiveFrom: Date | null;
}

export interface TariffActor {
  username: string;
  /** Whether the actor holds the actuary role: only actuaries approve. */
  actuary: boolean;
}

export type TariffLifecycleRefusal = 'four-eyes' | 'not-actuary' | 'already-approved' | 'not-approved' | 'already-scheduled' | 'effective-not-in-future' | 'effective-too-far';

/**
 * How far ahead a version may be scheduled. An assumption: rate revisions are filed about a year
 * ahead (the January 2027 revision was announced in 2026); two years leaves room, and an instant
 * centuries ahead is a typing error, not a filing.
 */
export const MAX_SCHEDULE_AHEAD_MS = 2 * 366 * 86_400_000;

/** A lifecycle step refused; `code` says which rule, for the caller's answer and the audit log. */
export class TariffLifecycleError extends Error {
  constructor(
    readonly code: TariffLifecycleRefusal,
    message: string,
  ) {
    super(message);
    this.name = 'TariffLifecycleError';
  }
}

/** A new draft, authored by `author` at `now`. */
export function draftTariffVersion(version: string, tariffId: string, author: string, now: Date): TariffVersionRecord {
  return { version, tariffId, draftedBy: author, draftedAt: now, approvedBy: null, approvedAt: null, scheduledBy: null, scheduledAt: null, effectiveFrom: null };
}

/** Approval: by an actuary who is not the author; once only. */
export function approveTariffVersion(record: TariffVersionRecord, approver: TariffActor, now: Date): TariffVersionRecord {
  if (record.approvedAt) throw new TariffLifecycleError('already-approved', `${record.version} was already approved by ${record.approvedBy}`);
  if (!approver.actuary) throw new TariffLifecycleError('not-actuary', `${approver.username} is not an actuary; only an actuary approves a tariff`);
  if (approver.username === record.draftedBy) {
    throw new TariffLifecycleError('four-eyes', `${approver.username} drafted ${record.version}; a second person must approve it`);
  }
  return { ...record, approvedBy: approver.username, approvedAt: now };
}

/**
 * Schedule: an approved version, once, for an instant after `now` and at most two years ahead (a tariff never changes a price
 * already quoted: cover that started before the instant keeps the version then in force).
 */
export function scheduleTariffVersion(record: TariffVersionRecord, by: string, effectiveFrom: Date, now: Date): TariffVersionRecord {
  if (!record.approvedAt) throw new TariffLifecycleError('not-approved', `${record.version} is not approved yet`);
  if (record.effectiveFrom) throw new TariffLifecycleError('already-scheduled', `${record.version} is already scheduled from ${record.effectiveFrom.toISOString()}`);
  if (!(effectiveFrom.getTime() > now.getTime())) {
    throw new TariffLifecycleError('effective-not-in-future', `effective instant ${effectiveFrom.toISOString()} is not after now (${now.toISOString()})`);
  }
  if (effectiveFrom.getTime() - now.getTime() > MAX_SCHEDULE_AHEAD_MS) {
    throw new TariffLifecycleError('effective-too-far', `effective instant ${effectiveFrom.toISOString()} is more than two years ahead`);
  }
  return { ...record, scheduledBy: by, scheduledAt: now, effectiveFrom };
}

/** Later approval wins; equal approval instants are ordered by version so every instance agrees. */
function approvedLater(a: TariffVersionRecord, b: TariffVersionRecord): boolean {
  const d = (a.approvedAt?.getTime() ?? 0) - (b.approvedAt?.getTime() ?? 0);
  return d !== 0 ? d > 0 : a.version > b.version;
}

export interface TariffTimeline {
  /** The versions that apply from their instant, oldest first: one per scheduled instant. */
  inForce: TariffVersionRecord[];
  /** Scheduled versions that will never apply, each with the version that took its place. */
  superseded: Map<string, string>;
}

/**
 * Which scheduled versions price cover. Two versions scheduled at the same instant: the one
 * approved later wins and the other is superseded (retired without ever applying), so a
 * correction can be filed for an instant already taken, and re-seeding an edited file replaces
 * the old version from the same date while the old version stays resolvable for its policies.
 * `supersededBy` (tariff id -> version) takes tariffs that a scheduled document names in its
 * `supersedes` off the timeline first (see governedSupersessions).
 */
export function tariffTimeline(records: readonly TariffVersionRecord[], supersededBy: ReadonlyMap<string, string> = new Map()): TariffTimeline {
  const winners = new Map<number, TariffVersionRecord>();
  const superseded = new Map<string, string>();
  for (const r of records) {
    if (!r.effectiveFrom || !r.approvedAt) continue;
    const named = supersededBy.get(r.tariffId);
    if (named !== undefined) {
      superseded.set(r.version, named);
      continue;
    }
    const at = r.effectiveFrom.getTime();
    const current = winners.get(at);
    if (!current) winners.set(at, r);
    else if (approvedLater(r, current)) {
      superseded.set(current.version, r.version);
      winners.set(at, r);
    } else superseded.set(r.version, current.version);
  }
  const inForce = [...winners.values()].sort((a, b) => (a.effectiveFrom as Date).getTime() - (b.effectiveFrom as Date).getTime());
  return { inForce, superseded };
}

export interface TariffLifecycleView {
  state: TariffLifecycleState;
  /** For a retired version: the version that took its place. */
  retiredBy?: string;
  retiredReason?: 'superseded' | 'replaced';
}

/** Each version's state at `now` (`supersededBy` as for {@link tariffTimeline}). */
export function tariffLifecycleAt(records: readonly TariffVersionRecord[], now: Date, supersededBy: ReadonlyMap<string, string> = new Map()): Map<string, TariffLifecycleView> {
  const { inForce, superseded } = tariffTimeline(records, supersededBy);
  const views = new Map<string, TariffLifecycleView>();
  const started = inForce.filter((r) => (r.effectiveFrom as Date).getTime() <= now.getTime());
  const active = started.at(-1);
  for (const r of records) {
    const winner = superseded.get(r.version);
    if (!r.approvedAt) views.set(r.version, { state: 'draft' });
    else if (!r.effectiveFrom) views.set(r.version, { state: 'approved' });
    else if (winner) views.set(r.version, { state: 'retired', retiredBy: winner, retiredReason: 'superseded' });
    else if (r.effectiveFrom.getTime() > now.getTime()) views.set(r.version, { state: 'scheduled' });
    else if (r === active) views.set(r.version, { state: 'active' });
    else {
      const next = inForce[inForce.indexOf(r) + 1];
      views.set(r.version, { state: 'retired', retiredBy: next?.version, retiredReason: 'replaced' });
    }
  }
  return views;
}

/** The instant after `now` at which the version in force next changes, if one is scheduled. */
export function nextTariffChangeAfter(records: readonly TariffVersionRecord[], now: Date): Date | undefined {
  return tariffTimeline(records).inForce.find((r) => (r.effectiveFrom as Date).getTime() > now.getTime())?.effectiveFrom ?? undefined;
}
