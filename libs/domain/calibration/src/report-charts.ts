/**
 * Small self-contained SVG charts for calibration reports (no script, no external fonts), so a
 * report renders the same in a browser, in the console and on GitHub.
 */
const WIDTH = 640;
const HEIGHT = 300;
const MARGIN = { left: 56, right: 16, top: 36, bottom: 56 };
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];

const escapeXml = (s: string) => s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c] as string);
const fixed = (n: number) => (Math.round(n * 100) / 100).toString();

function frame(title: string, body: string, yMax: number, yMin = 0): string {
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const ticks = Array.from({ length: 5 }, (_, i) => yMin + ((yMax - yMin) * i) / 4);
  const y = (v: number) => MARGIN.top + plotH - ((v - yMin) / (yMax - yMin || 1)) * plotH;
  const grid = ticks
    .map((t) => `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${fixed(y(t))}" y2="${fixed(y(t))}" stroke="#ddd"/><text x="${MARGIN.left - 6}" y="${fixed(y(t) + 4)}" text-anchor="end">${fixed(t)}</text>`)
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" font-family="sans-serif" font-size="11" role="img" aria-label="${escapeXml(title)}"><title>${escapeXml(title)}</title><rect width="100%" height="100%" fill="#fff"/><text x="${WIDTH / 2}" y="20" text-anchor="middle" font-size="13">${escapeXml(title)}</text>${grid}${body}</svg>`;
}

export interface Series {
  name: string;
  values: readonly number[];
}

/** Lines over categories (lift charts): one colour per series, a legend under the axis. */
export function lineChartSvg(title: string, categories: readonly string[], series: readonly Series[]): string {
  const all = series.flatMap((s) => s.values);
  const yMax = Math.max(1, ...all) * 1.1;
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (i: number) => MARGIN.left + (plotW * (i + 0.5)) / Math.max(1, categories.length);
  const y = (v: number) => MARGIN.top + plotH - (v / yMax) * plotH;
  const lines = series
    .map((s, k) => {
      const colour = COLOURS[k % COLOURS.length];
      const points = s.values.map((v, i) => `${fixed(x(i))},${fixed(y(v))}`).join(' ');
      const dots = s.values.map((v, i) => `<circle cx="${fixed(x(i))}" cy="${fixed(y(v))}" r="3" fill="${colour}"/>`).join('');
      return `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${points}"/>${dots}<rect x="${MARGIN.left + k * 150}" y="${HEIGHT - 18}" width="10" height="10" fill="${colour}"/><text x="${MARGIN.left + k * 150 + 14}" y="${HEIGHT - 9}">${escapeXml(s.name)}</text>`;
    })
    .join('');
  const labels = categories.map((c, i) => `<text x="${fixed(x(i))}" y="${HEIGHT - MARGIN.bottom + 14}" text-anchor="middle">${escapeXml(c)}</text>`).join('');
  return frame(title, lines + labels, yMax);
}

export interface RelativityBar {
  label: string;
  filed: number | null;
  fitted: number;
  lower95: number;
  upper95: number;
  /** The truth, when known (simulated experience). */
  truth?: number;
}

/** Fitted relativities with their 95% intervals (whiskers), filed values (squares) and the truth (diamonds) when known. */
export function relativityChartSvg(title: string, bars: readonly RelativityBar[]): string {
  const yMax = Math.max(1.5, ...bars.map((b) => Math.max(b.upper95, b.filed ?? 0, b.truth ?? 0))) * 1.1;
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (i: number) => MARGIN.left + (plotW * (i + 0.5)) / Math.max(1, bars.length);
  const y = (v: number) => MARGIN.top + plotH - (v / yMax) * plotH;
  const body = bars
    .map((b, i) => {
      const cx = fixed(x(i));
      const filed = b.filed === null ? '' : `<rect x="${fixed(x(i) - 4)}" y="${fixed(y(b.filed) - 4)}" width="8" height="8" fill="none" stroke="${COLOURS[1]}" stroke-width="2"/>`;
      const truth = b.truth === undefined ? '' : `<path d="M${cx} ${fixed(y(b.truth) - 5)} l5 5 l-5 5 l-5 -5 z" fill="${COLOURS[2]}"/>`;
      return (
        `<line x1="${cx}" x2="${cx}" y1="${fixed(y(b.lower95))}" y2="${fixed(y(b.upper95))}" stroke="${COLOURS[0]}" stroke-width="2"/>` +
        `<circle cx="${cx}" cy="${fixed(y(b.fitted))}" r="4" fill="${COLOURS[0]}"/>${filed}${truth}` +
        `<text x="${cx}" y="${HEIGHT - MARGIN.bottom + 14}" text-anchor="middle">${escapeXml(b.label)}</text>`
      );
    })
    .join('');
  const baseline = `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${fixed(y(1))}" y2="${fixed(y(1))}" stroke="#999" stroke-dasharray="4 3"/>`;
  const legend =
    `<circle cx="${MARGIN.left + 4}" cy="${HEIGHT - 13}" r="4" fill="${COLOURS[0]}"/><text x="${MARGIN.left + 12}" y="${HEIGHT - 9}">calibrated, 95% interval</text>` +
    `<rect x="${MARGIN.left + 170}" y="${HEIGHT - 17}" width="8" height="8" fill="none" stroke="${COLOURS[1]}" stroke-width="2"/><text x="${MARGIN.left + 182}" y="${HEIGHT - 9}">filed</text>` +
    (bars.some((b) => b.truth !== undefined) ? `<path d="M${MARGIN.left + 250} ${HEIGHT - 18} l5 5 l-5 5 l-5 -5 z" fill="${COLOURS[2]}"/><text x="${MARGIN.left + 260}" y="${HEIGHT - 9}">true (simulated)</text>` : '');
  return frame(title, baseline + body + legend, yMax);
}

/** Bars over categories (premium impact distribution). */
export function barChartSvg(title: string, categories: readonly string[], values: readonly number[]): string {
  const yMax = Math.max(1, ...values) * 1.1;
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const w = plotW / Math.max(1, categories.length);
  const body = values
    .map((v, i) => {
      const h = (v / yMax) * plotH;
      return `<rect x="${fixed(MARGIN.left + i * w + 2)}" y="${fixed(MARGIN.top + plotH - h)}" width="${fixed(w - 4)}" height="${fixed(h)}" fill="${COLOURS[0]}"/><text x="${fixed(MARGIN.left + (i + 0.5) * w)}" y="${HEIGHT - MARGIN.bottom + 14}" text-anchor="middle" font-size="9">${escapeXml(categories[i] ?? '')}</text>`;
    })
    .join('');
  return frame(title, body, yMax);
}
