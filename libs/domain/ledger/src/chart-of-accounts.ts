/**
 * The premium ledger's chart of accounts: the few accounts an insurer's premium and claims
 * accounting needs for per-use cover sold through partners (docs/ledger.md has each posting rule).
 * Codes follow the usual order: 1 assets, 2 liabilities, 4 income, 5 expenses.
 */
export const ACCOUNTS = {
  /** The insurer's bank account: partner remittances come in, claim payments go out. */
  '1000': { name: 'Cash at bank', type: 'asset', normal: 'debit' },
  /** Premium the partner collected from its drivers and owes the insurer. */
  '1100': { name: 'Premium receivable from partner', type: 'asset', normal: 'debit' },
  /** Return premium owed back to the partner (for its drivers). */
  '2100': { name: 'Refunds payable to partner', type: 'liability', normal: 'credit' },
  /** Unearned premium reserve: written premium for minutes not yet covered (posted at period close). */
  '2200': { name: 'Unearned premium reserve', type: 'liability', normal: 'credit' },
  /** Case reserves: what open claims are expected to cost. */
  '2300': { name: 'Claim reserves (case reserves)', type: 'liability', normal: 'credit' },
  /** Settled claims not yet paid out: a claim payment takes it down. */
  '2400': { name: 'Claims payable', type: 'liability', normal: 'credit' },
  /** Gross written premium: bind and extension premium. */
  '4100': { name: 'Written premium', type: 'income', normal: 'credit' },
  /** Return premium on early ends, cancellations and no-shows (contra income). */
  '4110': { name: 'Return premium', type: 'income', normal: 'debit' },
  /** Change in the unearned premium reserve (contra income): written - this = earned. */
  '4300': { name: 'Change in unearned premium reserve', type: 'income', normal: 'debit' },
  /** Fees the tariff keeps (no-show). */
  '4200': { name: 'Fee income', type: 'income', normal: 'credit' },
  /** Incurred losses: case reserves opened and raised, less reserves lowered and released. */
  '5100': { name: 'Incurred losses', type: 'expense', normal: 'debit' },
} as const;

export type AccountCode = keyof typeof ACCOUNTS;
export const ACCOUNT_CODES = Object.keys(ACCOUNTS) as AccountCode[];
