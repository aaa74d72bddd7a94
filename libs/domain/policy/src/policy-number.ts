import { createHash } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** KC-YYYYMMDD-XXXXXXXX: the bind date in Japan and 40 bits from the policy id (Crockford base32). */
export function policyNumber(policyId: string, boundAt: Date): string {
  const jst = new Date(boundAt.getTime() + 9 * 3_600_000).toISOString().slice(0, 10).replace(/-/g, '');
  const digest = createHash('sha256').update(policyId).digest();
  let bits = 0n;
  for (let i = 0; i < 5; i += 1) bits = (bits << 8n) | BigInt(digest[i]);
  let code = '';
  for (let i = 0; i < 8; i += 1) {
    code = ALPHABET[Number(bits & 31n)] + code;
    bits >>= 5n;
  }
  return `KC-${jst}-${code}`;
}
