// Finance (issue #19): premium written, earned and unearned per partner, a 30-day chart, and the
// partners' statements and bordereaux to download. Its own file beside console.js: it joins the
// page's navigation without changing it.
(() => {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const yen = new Intl.NumberFormat('ja-JP', { style: 'currency', currency: 'JPY' });
  const ratio = (incurred, earned) => (earned > 0 ? `${((incurred / earned) * 100).toFixed(1)}%` : '-');
  let chart = null;

  async function load() {
    $('finance-error').textContent = '';
    const response = await fetch('/api/finance', { credentials: 'same-origin' });
    if (response.status === 401) return window.location.assign('/login');
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const f = await response.json();
    const t = f.total;
    $('finance-figures').innerHTML = [
      ['Written premium', yen.format(t.writtenYen)],
      ['Net written premium', yen.format(t.netWrittenYen)],
      ['Earned premium now', yen.format(t.earnedYen)],
      ['Unearned premium now', yen.format(t.unearnedYen)],
    ]
      .map(([label, value]) => `<div class="figure"><div class="label">${esc(label)}</div><div class="value" data-figure="${esc(label)}">${esc(value)}</div></div>`)
      .join('');
    $('finance-partners').innerHTML =
      f.partners
        .map((p) => `<tr data-partner="${esc(p.partnerId)}"><td>${esc(p.partnerId)}</td>${[p.writtenYen, p.returnedYen, p.netWrittenYen, p.earnedYen, p.unearnedYen, p.incurredYen].map((y) => `<td class="num">${yen.format(y)}</td>`).join('')}<td class="num">${ratio(p.incurredYen, p.earnedYen)}</td></tr>`)
        .join('') || '<tr><td colspan="8">No premium in the ledger yet</td></tr>';
    const keep = $('fin-partner').value;
    $('fin-partner').innerHTML = f.partners.map((p) => `<option>${esc(p.partnerId)}</option>`).join('');
    if (keep) $('fin-partner').value = keep;
    $('fin-periods').innerHTML = [...f.closedMonths, ...f.closedDays].map((k) => `<option value="${esc(k)}">`).join('');
    if (!$('fin-period').value) $('fin-period').value = f.daily[f.daily.length - 1].day.slice(0, 7);
    link();
    showRemittanceForm(f.partners.map((p) => p.partnerId));
    const data = [f.daily.map((d) => Date.parse(`${d.day}T00:00:00+09:00`) / 1000), f.daily.map((d) => d.writtenYen), f.daily.map((d) => d.earnedYen), f.daily.map((d) => d.incurredYen)];
    if (!window.uPlot) return;
    if (!chart) {
      chart = new window.uPlot(
        {
          width: 720,
          height: 240,
          title: 'Per day, last 30 days (JST): written and earned premium, incurred losses (yen)',
          tzDate: (ts) => window.uPlot.tzDate(new Date(ts * 1000), 'Asia/Tokyo'),
          series: [{}, { label: 'Written', stroke: '#0b5cad', width: 2 }, { label: 'Earned', stroke: '#2a7d2a', width: 2 }, { label: 'Incurred', stroke: '#a40000', width: 2 }],
        },
        data,
        $('finance-chart'),
      );
    } else chart.setData(data);
  }

  // The download link always names what the form shows; the browser fetches it with the session.
  function link() {
    const q = new URLSearchParams({ partnerId: $('fin-partner').value, period: $('fin-period').value, kind: $('fin-kind').value, format: $('fin-format').value });
    $('fin-link').href = `/api/finance/statements?${q}`;
  }
  for (const id of ['fin-partner', 'fin-period', 'fin-kind', 'fin-format']) $(id).addEventListener('change', link);
  $('fin-period').addEventListener('input', link);

  // Remittances (admins): cash received against the partner's statements; the answer says what it still owes.
  async function showRemittanceForm(partners) {
    const c = window.KurumaConsole;
    const form = $('finance-remittance');
    form.hidden = !c || c.me().role !== 'admin';
    if (form.hidden) return;
    const chosen = $('rem-partner').value;
    $('rem-partner').innerHTML = partners.map((p) => `<option${p === chosen ? ' selected' : ''}>${esc(p)}</option>`).join('');
  }
  $('finance-remittance').addEventListener('submit', async (event) => {
    event.preventDefault();
    const c = window.KurumaConsole;
    $('finance-error').textContent = '';
    const body = { reference: $('rem-reference').value, amountYen: Number($('rem-amount').value), receivedOn: $('rem-date').value };
    try {
      const r = await c.api(`/api/finance/partners/${encodeURIComponent($('rem-partner').value)}/remittances`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      $('rem-result').textContent = `${r.recorded ? 'Recorded' : 'Already recorded'}: ${yen.format(r.amountYen)} from ${r.partnerId} (${r.reference}); still owed ${yen.format(r.balanceDueYen)}.`;
      await load();
    } catch (error) {
      $('finance-error').textContent = [error.message, ...(error.errors || []).map((e) => `${e.field}: ${e.message}`)].join(' ');
    }
  });

  for (const b of document.querySelectorAll('nav button')) {
    b.addEventListener('click', () => {
      const mine = b.dataset.view === 'finance';
      $('view-finance').hidden = !mine;
      if (mine) load().catch((error) => ($('finance-error').textContent = error.message));
    });
  }
})();
