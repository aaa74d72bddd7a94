import type { CoverScheduleV1 } from '@kuruma/contracts';

/** What a certificate shows; a policy row satisfies it. */
export interface CertificateFacts {
  policyNumber: string | null;
  status: string;
  coverStart: Date | null;
  coverEnd: Date | null;
  plan: string;
  vehicleId: string;
  bookingId: string;
  partnerId: string;
  premiumYen: number;
  refundYen: number;
  tariffVersion: string | null;
  request: unknown;
}

const yen = new Intl.NumberFormat('ja-JP', { style: 'currency', currency: 'JPY' });
const jst = new Intl.DateTimeFormat('ja-JP', { timeZone: 'Asia/Tokyo', dateStyle: 'medium', timeStyle: 'short' });
const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const PLAN_LABELS: Record<string, string> = {
  liability: 'Liability (bodily injury and property damage)',
  standard: 'Standard (liability, personal injury, vehicle damage with 100,000 yen deductible)',
  full: 'Full (liability, personal injury, vehicle damage with 50,000 yen deductible, road assistance)',
};

const PER: Record<string, string> = { victim: 'per victim', accident: 'per accident', occupant: 'per occupant (driver and each passenger)', person: 'per person' };

function limitText(c: CoverScheduleV1['coverages'][number]): string {
  if (c.limit === undefined) return 'not stated in this tariff version';
  const main = c.limit === 'unlimited' ? 'Unlimited' : yen.format(c.limit);
  const subs = (c.sublimits ?? []).map((s) => `; ${s.label} ${yen.format(s.limitYen)} ${PER[s.per] ?? s.per}`).join('');
  return `${main}${c.per ? ` ${PER[c.per] ?? c.per}` : ''}${subs}`;
}

/**
 * The coverages table and the exclusions. The schedule comes from the tariff version the policy
 * was bound under (the rating library, which this one may not import, derives it).
 */
function scheduleHtml(cover: CoverScheduleV1 | undefined): string {
  if (!cover) return '';
  const rows = cover.coverages
    .map((c) => `<tr><td>${escape(c.label)}</td><td>${escape(limitText(c))}</td><td>${escape(c.deductibleYen ? yen.format(c.deductibleYen) : 'None')}</td></tr>`)
    .join('');
  const value = cover.vehicleValue
    ? `<p>Vehicle damage agreed value: ${escape(yen.format(cover.vehicleValue.agreedValueYen))} (value band ${escape(cover.vehicleValue.band)}${
        cover.vehicleValue.defaulted ? ', the default band: the booking gave no vehicle value' : `, declared value ${escape(yen.format(cover.vehicleValue.declaredValueYen ?? 0))}`
      }).</p>`
    : '';
  const note = cover.note ? `<p>${escape(cover.note)}</p>` : '';
  const exclusions = cover.exclusions.length ? `<h2>Not covered</h2><ul>${cover.exclusions.map((e) => `<li>${escape(e.label)}</li>`).join('')}</ul>` : '';
  return `<h2>Coverages</h2><table><thead><tr><th scope="col">Coverage</th><th scope="col">Limit</th><th scope="col">Deductible</th></tr></thead><tbody>${rows}</tbody></table>${value}${note}${exclusions}`;
}

/** A printable certificate of cover (HTML; print to PDF from any browser), with its limits when known. */
export function certificateHtml(p: CertificateFacts, cover?: CoverScheduleV1): string {
  const vehicle = (p.request as { vehicle?: { category?: string } })?.vehicle;
  const rows: [string, string][] = [
    ['Policy number', p.policyNumber ?? '-'],
    ['Status', p.status],
    ['Cover from', p.coverStart ? `${jst.format(p.coverStart)} JST` : '-'],
    ['Cover until', p.coverEnd ? `${jst.format(p.coverEnd)} JST` : '-'],
    ['Plan', PLAN_LABELS[p.plan] ?? p.plan],
    ['Vehicle', `${p.vehicleId}${vehicle?.category ? ` (${vehicle.category})` : ''}`],
    ['Booking', `${p.bookingId} (partner ${p.partnerId})`],
    ['Premium', `${yen.format(p.premiumYen)} (no consumption tax)`],
    ['Refunded', yen.format(p.refundYen)],
    ['Tariff', p.tariffVersion ?? '-'],
  ];
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Certificate of cover ${escape(p.policyNumber ?? '')}</title>
<style>body{font-family:system-ui,sans-serif;max-width:42rem;margin:2rem auto;color:#111}h1{font-size:1.4rem}table{border-collapse:collapse;width:100%}
h2{font-size:1.1rem;margin-top:1.5rem}th,td{text-align:left;padding:.4rem;border-bottom:1px solid #ccc}th[scope=row]{width:35%}footer{margin-top:2rem;font-size:.85rem;color:#444}@media print{body{margin:0}}</style></head>
<body><h1>Kuruma Cover: certificate of per-use car cover</h1><table>${rows.map(([k, v]) => `<tr><th scope="row">${escape(k)}</th><td>${escape(v)}</td></tr>`).join('')}</table>${scheduleHtml(cover)}
<footer>Cover applies to the vehicle and booking above for the period shown, for the driver the partner identified. Times are Japan Standard Time (UTC+09:00).</footer></body></html>`;
}
