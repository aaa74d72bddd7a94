import { createHash } from 'node:crypto';
import { claimsBordereauLineV1Schema, type ClaimsBordereauV1, premiumBordereauLineV1Schema, type PremiumBordereauV1, type StatementKind, type StatementV1, statementV1Schema } from '@kuruma/contracts';
import { toCsv } from './csv';

export type StatementDocument = { kind: 'statement'; body: StatementV1 } | { kind: 'premium-bordereau'; body: PremiumBordereauV1 } | { kind: 'claims-bordereau'; body: ClaimsBordereauV1 };
export type StatementFormat = 'json' | 'csv';

/** A rendered document: its bytes and their SHA-256, the same for the same closed period every time. */
export interface RenderedStatement {
  kind: StatementKind;
  format: StatementFormat;
  /** The period is closed: these bytes are final. */
  closed: boolean;
  contentType: string;
  bytes: Buffer;
  sha256: string;
  filename: string;
}

const PERIOD_COLUMNS = ['partnerId', 'period', 'periodStart', 'periodEnd', 'closed'] as const;
/** Columns in the contract's order, whether or not the period has lines. */
const LINE_COLUMNS = { 'premium-bordereau': Object.keys(premiumBordereauLineV1Schema.shape), 'claims-bordereau': Object.keys(claimsBordereauLineV1Schema.shape) };

/**
 * JSON (keys in the contract's order, one trailing newline) or CSV (the statement as one row;
 * a bordereau as one row per line, each with the period's columns first).
 */
export function renderStatement(doc: StatementDocument, format: StatementFormat): RenderedStatement {
  let text: string;
  if (format === 'json') text = `${JSON.stringify(doc.body, null, 2)}\n`;
  else if (doc.kind === 'statement') text = toCsv(Object.keys(statementV1Schema.shape), [doc.body]);
  else {
    const { lines, ...period } = doc.body;
    const columns = [...PERIOD_COLUMNS, ...LINE_COLUMNS[doc.kind]];
    text = toCsv(columns, (lines as Record<string, string | number | boolean | null>[]).map((l) => ({ ...period, ...l })));
  }
  const bytes = Buffer.from(text, 'utf8');
  return {
    kind: doc.kind,
    format,
    closed: doc.body.closed,
    contentType: format === 'json' ? 'application/json; charset=utf-8' : 'text/csv; charset=utf-8; header=present',
    bytes,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    filename: `${doc.kind}-${doc.body.partnerId}-${doc.body.period}.${format}`,
  };
}
