/** provisional -> confirmed | withdrawn, confirmed -> closed. */
export type ClaimStatus = 'provisional' | 'confirmed' | 'withdrawn' | 'closed';

/** What ops, a partner or the device itself (a score of 0 withdraws) may do to a claim. */
export type ClaimAction = 'confirm' | 'withdraw' | 'close';

const TRANSITIONS: Record<ClaimAction, { from: readonly string[]; to: ClaimStatus; event?: 'com.kurumacover.claim.confirmed' | 'com.kurumacover.claim.withdrawn' }> = {
  confirm: { from: ['provisional'], to: 'confirmed', event: 'com.kurumacover.claim.confirmed' },
  withdraw: { from: ['provisional'], to: 'withdrawn', event: 'com.kurumacover.claim.withdrawn' },
  close: { from: ['confirmed'], to: 'closed' },
};

export type ClaimStatusChange =
  /** Already there: asking twice changes nothing and publishes nothing. */
  | { kind: 'unchanged' }
  | { kind: 'refused' }
  /** `event` is the claim event to publish; closing publishes none. */
  | { kind: 'changed'; to: ClaimStatus; event?: 'com.kurumacover.claim.confirmed' | 'com.kurumacover.claim.withdrawn' };

/** Whether `action` applies to a claim in `status`, and what it leads to. */
export function claimStatusChange(status: string, action: ClaimAction): ClaimStatusChange {
  const transition = TRANSITIONS[action];
  if (status === transition.to) return { kind: 'unchanged' };
  if (!transition.from.includes(status)) return { kind: 'refused' };
  return { kind: 'changed', to: transition.to, ...(transition.event ? { event: transition.event } : {}) };
}
