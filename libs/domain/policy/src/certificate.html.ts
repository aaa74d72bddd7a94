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

/** A printable certificate of cover (HTML; print to PDF from any browser). */
export function certificateHtml(p: CertificateFacts): string {
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
th,td{text-align:left;padding:.4rem;border-bottom:1px solid #ccc}th{width:35%}footer{margin-top:2rem;font-size:.85rem;color:#444}@media print{body{margin:0}}</style></head>
<body><h1>Kuruma Cover: certificate of per-use car cover</h1><table>${rows.map(([k, v]) => `<tr><th scope="row">${escape(k)}</th><td>${escape(v)}</td></tr>`).join('')}</table>
<footer>Cover applies to the vehicle and booking above for the period shown, for the driver the partner identified. Times are Japan Standard Time (UTC+09:00).</footer></body></html>`;
}
