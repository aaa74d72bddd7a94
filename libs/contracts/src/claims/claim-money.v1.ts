import { z } from 'zod';
import { storableStrings } from '../text/storable-text';

/**
 * The largest reserve or payment one request may carry, yen: the claim table's INTEGER column
 * (2^31 - 1) with room to spare. Motor bodily-injury cover is unlimited in Japan (domain.md), so
 * this is a storage limit, not a cover limit; a larger loss is reserved on more than one claim.
 */
export const CLAIM_AMOUNT_LIMIT_YEN = 2_000_000_000;

/** `POST /v1/claims/{claimId}/reserve` (ops only): a claims handler's new case reserve for an open claim. */
export const claimReserveChangeV1Schema = storableStrings(
  z.strictObject({
    /** The new case reserve, whole yen. */
    reserveYen: z.number().int().min(0).max(CLAIM_AMOUNT_LIMIT_YEN).describe('The new case reserve, whole yen'),
    /** Why it changed (loss adjuster's estimate, repair quote, ...), kept in the audit log. */
    reason: z.string().trim().min(3).max(500).describe("Why the reserve changed (e.g. the repair shop's estimate); kept in the audit log"),
  }),
);
export type ClaimReserveChangeV1 = z.infer<typeof claimReserveChangeV1Schema>;

/** `POST /v1/claims/{claimId}/payments` (ops only): a payment of a closed claim's settled amount. */
export const claimPaymentV1Schema = storableStrings(
  z.strictObject({
    /** The insurer's own reference of the payment (bank transfer id): the same reference is one payment. */
    paymentReference: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, 'letters, digits and . _ : - (1-64, starting with a letter or digit)')
      .describe("The insurer's reference of the payment (bank transfer id); sending it again is the same payment"),
    /** Whole yen, at most what is still payable on the claim. */
    amountYen: z.number().int().min(1).max(CLAIM_AMOUNT_LIMIT_YEN).describe('Whole yen, at most what is still payable on the claim'),
    /** Who was paid (repair shop, driver, third party), kept in the audit log. */
    payee: z.string().trim().min(1).max(200).describe('Who was paid (repair shop, driver, third party); kept in the audit log'),
  }),
);
export type ClaimPaymentV1 = z.infer<typeof claimPaymentV1Schema>;
