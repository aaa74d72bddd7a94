import { z } from 'zod';
import { storableStrings } from '../text/storable-text';

const yen = z.number().int();
const japanInstant = z.string();

/** What `GET /v1/statements` renders: the statement, or one of the two bordereaux. */
export const STATEMENT_KINDS = ['statement', 'premium-bordereau', 'claims-bordereau'] as const;
export type StatementKind = (typeof STATEMENT_KINDS)[number];

const periodFields = {
  /** The partner the document is for (always the caller). */
  partnerId: z.string(),
  /** The period: a Japan month `YYYY-MM` or day `YYYY-MM-DD`. */
  period: z.string(),
  /** Start of the period (Japan midnight), inclusive. */
  periodStart: japanInstant,
  /** End of the period (the next Japan midnight), exclusive. */
  periodEnd: japanInstant,
  /** True once the period is closed: the document then never changes (same bytes, same SHA-256). */
  closed: z.boolean(),
};

/** A partner's statement for a period: what was written, returned and kept, and what the partner owes. */
export const statementV1Schema = z.object({
  ...periodFields,
  /** Policies bound (premium written at bind) in the period. */
  policiesBound: z.number().int(),
  /** Gross written premium: bind, extension and late-return premium, yen. */
  writtenPremiumYen: yen,
  /** Return premium: refunds plus the premium of no-shows, yen. */
  returnPremiumYen: yen,
  /** Refunds owed back to the partner for its drivers, yen. */
  refundsYen: yen,
  /** Fees kept (no-show), yen. */
  feesYen: yen,
  /** What the partner owes for the period: written premium - refunds, yen. */
  netAmountDueYen: yen,
  /** Case reserves opened on the partner's claims, yen. */
  claimReservesOpenedYen: yen,
  /** Case reserves released (withdrawn claims), yen. */
  claimReservesReleasedYen: yen,
  /** Claims settled (closed) at their reserve, yen. */
  claimsSettledYen: yen,
  /** Entries of the period that adjust an earlier, closed day (late events). */
  adjustments: z.number().int(),
  /** Case reserves changed by claims handlers (signed: raised > 0, lowered < 0), yen. Added 2026-12-01, after the other fields. */
  claimReservesAdjustedYen: yen,
  /** Claims paid out, yen. Added 2026-12-01. */
  claimsPaidYen: yen,
  /** Money received from the partner in the period (its remittances), yen. Added 2026-12-01. */
  remittancesReceivedYen: yen,
});
export type StatementV1 = z.infer<typeof statementV1Schema>;

/** One premium transaction of a policy: its bind, or an endorsement that moved premium or cover. */
export const premiumBordereauLineV1Schema = z.object({
  /** Certificate (policy) number. */
  policyNumber: z.string(),
  /** The partner's booking the cover follows. */
  bookingId: z.string(),
  /** new | extension | late-return | return-premium | no-show | cover-shortened. */
  transactionType: z.string(),
  /** When the change happened (Japan time). */
  transactionDate: japanInstant,
  /** The Japan day it is accounted in. */
  accountingDay: z.string(),
  /** Set for an adjustment: the closed day the transaction belongs to. */
  originalDay: z.string().nullable(),
  /** Plan bought. */
  plan: z.string(),
  /** Start of cover (risk inception). */
  riskInception: japanInstant.nullable(),
  /** Cover end after this transaction (risk expiry). */
  riskExpiry: japanInstant.nullable(),
  /** Tariff version the premium came from. */
  tariffVersion: z.string().nullable(),
  /** Gross premium written by this transaction, yen. */
  grossPremiumYen: yen,
  /** Premium returned by this transaction, yen. */
  returnPremiumYen: yen,
  /** Fee kept by this transaction, yen. */
  feeYen: yen,
  /** Owed by the partner for this transaction: gross - refund, yen. */
  netDueYen: yen,
  /** The event that caused it (CloudEvent id): the line's unique reference. */
  reference: z.string(),
});

export const premiumBordereauV1Schema = z.object({ ...periodFields, lines: z.array(premiumBordereauLineV1Schema) });
export type PremiumBordereauV1 = z.infer<typeof premiumBordereauV1Schema>;
export type PremiumBordereauLineV1 = z.infer<typeof premiumBordereauLineV1Schema>;

/** One claim with its reserve movements in the period. */
export const claimsBordereauLineV1Schema = z.object({
  /** Claim number. */
  claimNumber: z.string(),
  /** Certificate (policy) number the claim is on. */
  policyNumber: z.string(),
  /** The partner's booking. */
  bookingId: z.string(),
  /** Date of loss (Japan time). */
  lossDate: japanInstant,
  /** Date notified: when the claim opened (Japan time). */
  notifiedDate: japanInstant,
  /** Cause of loss, e.g. `collision`. */
  cause: z.string(),
  /** Reserve opened in the period, yen. */
  reserveOpenedYen: yen,
  /** Reserve released in the period (withdrawn), yen. */
  reserveReleasedYen: yen,
  /** Settled (closed) in the period, yen. */
  settledYen: yen,
  /** Incurred movement in the period: opened + adjusted - released, yen. */
  incurredMovementYen: yen,
  /** Case reserve outstanding at the end of the period, yen. */
  outstandingReserveYen: yen,
  /** Reserve changed by a claims handler in the period (signed: raised > 0, lowered < 0), yen. Added 2026-12-01, after the other columns. */
  reserveAdjustedYen: yen,
  /** Paid out on the claim in the period, yen. Added 2026-12-01. */
  paidYen: yen,
  /** Settled but not yet paid at the end of the period, yen. Added 2026-12-01. */
  outstandingPayableYen: yen,
});

export const claimsBordereauV1Schema = z.object({ ...periodFields, lines: z.array(claimsBordereauLineV1Schema) });
export type ClaimsBordereauV1 = z.infer<typeof claimsBordereauV1Schema>;
export type ClaimsBordereauLineV1 = z.infer<typeof claimsBordereauLineV1Schema>;

/**
 * The ops console's record of money received from a partner (admins only; docs/ledger.md):
 * `POST /api/finance/partners/{partnerId}/remittances`.
 */
export const partnerRemittanceV1Schema = storableStrings(
  z.strictObject({
    /** The insurer's reference of the receipt (bank statement line): the same reference is one remittance. */
    reference: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, 'letters, digits and . _ : - (1-64, starting with a letter or digit)'),
    /** Whole yen received. */
    amountYen: z.number().int().min(1).max(1_000_000_000_000),
    /** The Japan date the money arrived. */
    receivedOn: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'a Japan date YYYY-MM-DD'),
  }),
);
export type PartnerRemittanceV1 = z.infer<typeof partnerRemittanceV1Schema>;
