import type { PolicyEventType } from '@kuruma/contracts';
import type { PolicySnapshot } from './policy-snapshot';

/** A policy event the aggregate recorded, to be published once its state is stored. */
export interface PolicyEventRecord {
  type: PolicyEventType;
  /** The policy as it stood when the event happened. */
  policy: PolicySnapshot;
  /** What caused it: the booking event (`{partnerId}:{eventId}`) or the late-return step. */
  causationId: string;
  premiumDelta?: number;
  refund?: number;
  reason?: string;
  reasons?: { code: string; message: string }[];
  /** Extensions and ends: the cover end before this change (the premium ledger earns by it). */
  coverEndBefore?: Date | null;
  /** Extensions: the cover end this change bought (a late return's may differ from the policy's later end). */
  coverEndAfter?: Date | null;
}

/** A change to bound cover, kept on the policy's record (one per cause). */
export interface EndorsementRecord {
  kind: 'extension' | 'late-return' | 'end' | 'cancellation' | 'no-show';
  reason: string | null;
  premiumDeltaYen: number;
  refundYen: number;
  coverEndBefore: Date | null;
  coverEndAfter: Date | null;
  causeId: string;
}
