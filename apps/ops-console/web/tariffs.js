// Kuruma Cover ops console: the tariffs page (versions, lifecycle, comparison, draft, approve, schedule).
(() => {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const c = window.KurumaConsole;
  const isActuary = () => c.me().role === 'actuary';
  const canDraft = () => ['actuary', 'admin'].includes(c.me().role);
  // A refused document names every problem by its path, so all can be fixed in one go.
  const fail = (error) => ($('tariff-error').textContent = [error.message, ...(error.errors || []).map((e) => `${e.field}: ${e.message}`)].join('\n'));

  async function load() {
    $('tariff-error').textContent = '';
    $('tariff-draft').hidden = !canDraft();
    const { items } = await c.api('/api/tariffs');
    $('tariff-rows').innerHTML =
      items
        .map((t) => `<tr tabindex="0" data-version="${c.esc(t.version)}"><td><code>${c.esc(t.version)}</code></td><td class="state-${c.esc(t.state)}">${c.esc(t.state)}${t.retiredBy ? ` (${c.esc(t.retiredReason)} by ${c.esc(t.retiredBy)})` : ''}</td><td>${c.esc(t.draftedBy)}</td><td>${c.esc(t.approvedBy || '-')}</td><td>${c.esc(c.jst(t.effectiveFrom))}</td></tr>`)
        .join('') || '<tr><td colspan="5">No tariff versions</td></tr>';
    const options = items.map((t) => `<option value="${c.esc(t.version)}">${c.esc(t.version)} (${c.esc(t.state)})</option>`).join('');
    // Keep what the user picked; at first, the two newest versions.
    if (!$('compare-a').dataset.pick && items[0]) {
      $('compare-a').dataset.pick = items[0].version;
      $('compare-b').dataset.pick = (items[1] || items[0]).version;
    }
    for (const id of ['compare-a', 'compare-b']) {
      const keep = $(id).value || $(id).dataset.pick;
      $(id).innerHTML = options;
      if (keep) $(id).value = keep;
    }
  }
  // States follow the clock (scheduled -> active -> retired): opening a version refreshes the list too.
  c.activateRows($('tariff-rows'), 'version', (version) => Promise.all([load(), show(version)]).catch(c.showError($('tariff-detail'))));

  // A datetime-local value read as Japan time, whatever the browser's own zone.
  const fromJapanLocal = (value) => `${value.length === 16 ? `${value}:00` : value}+09:00`;

  async function show(version) {
    const t = await c.api(`/api/tariffs/${encodeURIComponent(version)}`);
    const el = $('tariff-detail');
    el.hidden = false;
    const approve = t.state === 'draft' && isActuary() ? '<button type="button" id="tariff-approve">Approve</button>' : '';
    const schedule =
      t.state === 'approved' && isActuary()
        ? `<form id="tariff-schedule" class="filters"><label for="tariff-effective">Effective from (Japan time)</label><input id="tariff-effective" type="datetime-local" step="1" required><button type="submit">Schedule</button></form>`
        : '';
    el.innerHTML = `<h3>Tariff <code>${c.esc(t.version)}</code> <small>(${c.esc(t.state)})</small></h3>
      <p>Drafted by ${c.esc(t.draftedBy)} at ${c.esc(c.jst(t.draftedAt))}; approved by ${c.esc(t.approvedBy || '-')} at ${c.esc(c.jst(t.approvedAt))}; effective from ${c.esc(c.jst(t.effectiveFrom))}${t.scheduledBy ? ` (scheduled by ${c.esc(t.scheduledBy)})` : ''}.</p>
      <p class="actions">${approve}</p>${schedule}
      <table><caption>Audit</caption><tbody>${t.audit.map((a) => `<tr><td>${c.esc(c.jst(a.at))}</td><td>${c.esc(a.actor)} (${c.esc(a.role)})</td><td>${c.esc(a.action)}</td><td>${c.esc(a.details ? JSON.stringify(a.details) : '')}</td></tr>`).join('')}</tbody></table>
      <details><summary>Document</summary><pre>${c.esc(JSON.stringify(t.document, null, 2))}</pre></details>`;
    $('tariff-approve')?.addEventListener('click', () => act(version, 'approve', {}));
    $('tariff-schedule')?.addEventListener('submit', (event) => {
      event.preventDefault();
      act(version, 'schedule', { effectiveFrom: fromJapanLocal($('tariff-effective').value) });
    });
  }

  async function act(version, action, body) {
    try {
      $('tariff-error').textContent = '';
      await c.api(`/api/tariffs/${encodeURIComponent(version)}/${action}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      await load();
      await show(version);
    } catch (error) {
      fail(error);
    }
  }

  $('tariff-compare').addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const d = await c.api(`/api/tariffs/compare?${new URLSearchParams({ a: $('compare-a').value, b: $('compare-b').value })}`);
      $('tariff-comparison').innerHTML = `
        <table class="diff"><caption>Figures that differ (${d.figures.length})</caption><thead><tr><th scope="col">Figure</th><th scope="col">${c.esc(d.a)}</th><th scope="col">${c.esc(d.b)}</th></tr></thead>
          <tbody>${d.figures.map((f) => `<tr><td><code>${c.esc(f.path)}</code></td><td>${c.esc(f.a ?? '(absent)')}</td><td>${c.esc(f.b ?? '(absent)')}</td></tr>`).join('') || '<tr><td colspan="3">Same figures</td></tr>'}</tbody></table>
        <table class="diff"><caption>Reference book: premium of each booking under each version</caption><thead><tr><th scope="col">Booking</th><th scope="col" class="num">${c.esc(d.a)}</th><th scope="col" class="num">${c.esc(d.b)}</th><th scope="col" class="num">Change</th></tr></thead>
          <tbody>${d.premiums.map((p) => `<tr><td>${c.esc(p.booking)}</td><td class="num">${c.yen.format(p.aYen)}</td><td class="num">${c.yen.format(p.bYen)}</td><td class="num">${p.aYen ? `${(((p.bYen - p.aYen) / p.aYen) * 100).toFixed(1)}%` : '-'}</td></tr>`).join('')}</tbody></table>`;
    } catch (error) {
      fail(error);
    }
  });

  $('tariff-file').addEventListener('change', async () => {
    const file = $('tariff-file').files[0];
    if (file) $('tariff-document').value = await file.text();
  });
  $('tariff-draft').addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      $('tariff-error').textContent = '';
      const r = await c.api('/api/tariffs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ document: $('tariff-document').value }) });
      $('tariff-draft-result').textContent = r.created ? `Drafted ${r.record.version}` : `Already stored as ${r.record.version}`;
      await load();
      await show(r.record.version);
    } catch (error) {
      fail(error);
    }
  });

  window.KurumaTariffs = { load };
})();
