// Dead letters: list by topic and reason, read one safely, redrive (admins) after a confirmation.
// Its own file beside console.js: it joins the page's navigation without changing it.
(() => {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const jstFormat = new Intl.DateTimeFormat('ja-JP', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const jst = (iso) => (iso ? `${jstFormat.format(new Date(iso))} JST` : '-');
  const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const bytes = (n) => (n < 1024 ? `${n} B` : n < 1048576 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1048576).toFixed(1)} MiB`);
  let me = { role: null, csrfToken: '' };
  const isAdmin = () => me.role === 'admin';

  async function api(path, init = {}) {
    const headers = init.method === 'POST' ? { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken || '' } : undefined;
    const response = await fetch(path, { credentials: 'same-origin', ...init, headers });
    if (response.status === 401) {
      window.location.assign('/login');
      throw new Error('signed out');
    }
    const body = await response.json().catch(() => null);
    if (!response.ok) throw new Error((body && body.detail) || `HTTP ${response.status}`);
    return body;
  }

  // ---------- navigation: shown when its nav button is pressed, hidden for every other ----------
  for (const b of document.querySelectorAll('nav button')) {
    b.addEventListener('click', () => {
      const mine = b.dataset.view === 'dead-letters';
      $('view-dead-letters').hidden = !mine;
      if (mine) {
        for (const v of document.querySelectorAll('main > .view')) if (v.id !== 'view-dead-letters') v.hidden = true;
        refresh().catch(showError);
      }
    });
  }

  // ---------- groups and list ----------
  let filter = { topic: '', reason: '' };
  let next = null;

  async function refresh() {
    $('dl-status').textContent = '';
    await Promise.all([loadGroups(), loadList(false)]);
  }

  async function loadGroups() {
    const { items } = await api('/api/dead-letters/groups');
    $('dl-groups').innerHTML =
      items
        .map(
          (g) => `<tr data-topic="${esc(g.topic)}" data-reason="${esc(g.reason)}"><td>${esc(g.topic)}</td><td>${esc(g.reason)}</td><td class="num">${g.waiting}</td><td class="num">${g.total}</td><td>${esc(jst(g.newest))}</td>
            <td><button type="button" data-show>Show</button>${isAdmin() && g.redrivable > 0 ? ` <button type="button" data-redrive-reason data-count="${g.redrivable}">Redrive all ${esc(g.reason)}</button>` : ''}</td></tr>`,
        )
        .join('') || '<tr><td colspan="6">No dead letters</td></tr>';
    const topics = [...new Set(items.map((g) => g.topic))];
    $('dl-topic').innerHTML = `<option value="">all</option>${topics.map((t) => `<option${t === filter.topic ? ' selected' : ''}>${esc(t)}</option>`).join('')}`;
  }

  async function loadList(append) {
    const params = new URLSearchParams({ limit: '50' });
    if (filter.topic) params.set('topic', filter.topic);
    if (filter.reason) params.set('reason', filter.reason);
    if (append && next) params.set('cursor', next);
    const page = await api(`/api/dead-letters?${params}`);
    next = page.next;
    const rows = page.items.map((d) => {
      const selectable = isAdmin() && d.redrivable && !d.redrivenAt;
      const state = d.redrivenAt ? `redriven by ${esc(d.redrivenBy)} at ${esc(jst(d.redrivenAt))} (offset ${esc(d.redrivePartition)}/${esc(d.redriveOffset)})` : d.redrivable ? 'waiting' : 'not redrivable (resent by its sender)';
      return `<tr tabindex="0" data-id="${esc(d.id)}" data-state="${d.redrivenAt ? 'redriven' : 'waiting'}">
        <td>${selectable ? `<input type="checkbox" aria-label="Select dead letter ${esc(d.id)}" data-select value="${esc(d.id)}">` : ''}</td>
        <td>${esc(jst(d.failedAt ?? d.indexedAt))}</td><td>${esc(d.originalTopic)}</td><td title="${esc(d.reason)}">${esc(d.reason.slice(0, 120))}</td>
        <td class="num">${d.attempts}</td><td class="num">${esc(bytes(d.size))}</td><td>${state}</td></tr>`;
    });
    const body = $('dl-rows');
    body.innerHTML = (append ? body.innerHTML : '') + (rows.join('') || (append ? '' : '<tr><td colspan="7">No dead letters match</td></tr>'));
    $('dl-more').hidden = !next;
    $('dl-redrive-selected').hidden = !isAdmin();
  }

  $('dl-filter').addEventListener('submit', (event) => {
    event.preventDefault();
    filter = { topic: $('dl-topic').value, reason: $('dl-reason').value.trim() };
    loadList(false).catch(showError);
  });
  $('dl-more').addEventListener('click', () => loadList(true).catch(showError));
  $('dl-groups').addEventListener('click', (event) => {
    const row = event.target.closest('tr');
    if (!row?.dataset.topic) return;
    if (event.target.matches('[data-show]')) {
      filter = { topic: row.dataset.topic, reason: row.dataset.reason };
      $('dl-reason').value = filter.reason;
      loadGroups().then(() => loadList(false)).catch(showError);
    }
    if (event.target.matches('[data-redrive-reason]')) {
      confirmThen(`Redrive all ${event.target.dataset.count} waiting dead letters of reason ${row.dataset.reason} on ${row.dataset.topic} to their original topic?`, { topic: row.dataset.topic, reason: row.dataset.reason });
    }
  });
  $('dl-redrive-selected').addEventListener('click', () => {
    const ids = [...document.querySelectorAll('#dl-rows input[data-select]:checked')].map((c) => c.value);
    if (ids.length === 0) return showError(new Error('select the dead letters to redrive first'));
    confirmThen(`Redrive ${ids.length} selected dead letter${ids.length === 1 ? '' : 's'} to their original topic?`, { ids });
  });

  // ---------- detail ----------
  const shown = (view) =>
    view.text !== null
      ? `<pre class="payload">${esc(view.text)}</pre>`
      : `<pre class="payload hex">${esc(view.hex)}</pre><p>Not UTF-8: shown as hex.</p>`;
  async function showDetail(id) {
    const d = await api(`/api/dead-letters/${encodeURIComponent(id)}`);
    const el = $('dl-detail');
    el.hidden = false;
    el.innerHTML = `<h3>Dead letter ${esc(d.id)}</h3>
      <dl class="facts">
        <dt>Reason</dt><dd data-field="reason">${esc(d.reason)}</dd>
        <dt>Attempts</dt><dd>${d.attempts}</dd>
        <dt>From</dt><dd>${esc(d.originalTopic)} partition ${esc(d.originalPartition ?? '-')} offset ${esc(d.originalOffset ?? '-')}</dd>
        <dt>Dead-lettered by</dt><dd>${esc(d.service)} at ${esc(jst(d.failedAt))}, on ${esc(d.dlqTopic)} ${esc(d.dlqPartition)}/${esc(d.dlqOffset)}</dd>
        <dt>Redrive</dt><dd>${d.redrivenAt ? `redriven by ${esc(d.redrivenBy)} at ${esc(jst(d.redrivenAt))} to offset ${esc(d.redrivePartition)}/${esc(d.redriveOffset)}` : d.redrivable ? 'not yet' : 'not redrivable: its sender resends it'}</dd>
        ${d.redriveOf ? `<dt>Failed again after the redrive of</dt><dd>${esc(d.redriveOf)}</dd>` : ''}
      </dl>
      <h4>Payload (${esc(bytes(d.payload.size))}${d.payload.truncated ? ', only the beginning shown' : ''})</h4>${shown(d.payload)}
      ${d.key ? `<h4>Key</h4>${shown(d.key)}` : ''}
      <table><caption>Headers (the original ones and the dead-letter ones)</caption><tbody>${Object.entries(d.headers)
        .map(([name, v]) => `<tr><th scope="row">${esc(name)}</th><td><code>${esc(v.text ?? v.hex)}</code></td></tr>`)
        .join('')}</tbody></table>`;
  }
  $('dl-rows').addEventListener('click', (event) => {
    if (event.target.matches('input[data-select]')) return;
    const id = event.target.closest('tr')?.dataset.id;
    if (id) showDetail(id).catch(showError);
  });
  $('dl-rows').addEventListener('keydown', (event) => {
    const id = event.target.closest('tr')?.dataset.id;
    if ((event.key === 'Enter' || event.key === ' ') && id && !event.target.matches('input')) {
      event.preventDefault();
      showDetail(id).catch(showError);
    }
  });

  // ---------- redrive, after a confirmation ----------
  let pending = null;
  function confirmThen(question, selection) {
    pending = selection;
    $('dl-confirm-text').textContent = question;
    $('dl-confirm').showModal();
  }
  $('dl-confirm').addEventListener('close', async () => {
    const selection = pending;
    pending = null;
    if ($('dl-confirm').returnValue !== 'redrive' || !selection) return;
    try {
      const outcome = await api('/api/dead-letters/redrive', { method: 'POST', body: JSON.stringify(selection) });
      const parts = [`${outcome.redriven.length} redriven`];
      if (outcome.skipped) parts.push(`${outcome.skipped} already redriven or not redrivable`);
      if (outcome.more) parts.push('more are waiting: redrive again');
      if (outcome.error) parts.push(outcome.error);
      $('dl-status').textContent = parts.join('; ');
      await Promise.all([loadGroups(), loadList(false)]);
    } catch (error) {
      showError(error);
    }
  });

  function showError(error) {
    $('dl-status').textContent = error.message;
  }

  (async () => {
    me = await api('/api/session');
  })().catch(showError);
})();
