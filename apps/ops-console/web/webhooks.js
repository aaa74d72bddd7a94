// Kuruma Cover ops console: the webhooks page (every partner's endpoints, an endpoint's delivery
// log, and for admins: resend one event, replay everything since an instant, re-enable).
(() => {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const c = window.KurumaConsole;
  const canAct = () => c.me().role === 'admin';
  const status = (text) => ($('wh-status').textContent = text);
  const fail = (error) => status([error.message, ...(error.errors || []).map((e) => `${e.field}: ${e.message}`)].join('; '));
  const post = (path, body) => c.api(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  // ---------- endpoints ----------
  let partner = '';
  let nextEndpoints = null;
  const lastDelivery = (d) => (d ? `${d.state}: ${d.statusCode === null ? 'no answer' : `HTTP ${d.statusCode}`} at ${c.jst(d.at)}${d.error ? ` (${d.error})` : ''}` : 'none yet');

  async function load(append = false) {
    if (!append) status('');
    const params = new URLSearchParams({ limit: '50' });
    if (partner) params.set('partnerId', partner);
    if (append && nextEndpoints) params.set('cursor', nextEndpoints);
    const page = await c.api(`/api/webhooks/endpoints?${params}`);
    nextEndpoints = page.next;
    const rows = page.items.map(
      (e) => `<tr tabindex="0" data-endpoint="${c.esc(e.id)}" data-enabled="${e.enabled}">
        <td>${c.esc(e.partnerId)}</td><td><code>${c.esc(e.url)}</code><br><small>${c.esc(e.id)}</small></td><td>${e.eventTypes.map(c.esc).join(', ')}</td>
        <td>${e.enabled ? 'yes' : 'no'}</td><td>${c.esc(e.disabledReason || '-')}</td><td data-field="last">${c.esc(lastDelivery(e.lastDelivery))}</td><td>${c.esc(c.jst(e.failingSince))}</td>
        <td>${canAct() && !e.enabled ? `<button type="button" data-enable>Re-enable</button>` : ''}</td></tr>`,
    );
    const body = $('wh-endpoints');
    body.innerHTML = (append ? body.innerHTML : '') + (rows.join('') || (append ? '' : '<tr><td colspan="8">No webhook endpoints</td></tr>'));
    $('wh-more').hidden = !nextEndpoints;
  }

  $('wh-filter').addEventListener('submit', (event) => {
    event.preventDefault();
    partner = $('wh-partner').value.trim();
    load().catch(fail);
  });
  $('wh-more').addEventListener('click', () => load(true).catch(fail));
  // A row opens its log (Enter or Space too); its Re-enable button asks first.
  c.activateRows($('wh-endpoints'), 'endpoint', (id) => showLog(id).catch(fail));
  $('wh-endpoints').addEventListener('click', (event) => {
    const id = event.target.closest('tr')?.dataset.endpoint;
    if (id && event.target.matches('[data-enable]')) confirmThen(`Re-enable endpoint ${id}? Its held deliveries are sent at once.`, () => enable(id));
  });

  // ---------- an endpoint's delivery log ----------
  let shown = null;
  let nextDeliveries = null;
  let following = null;
  const attempt = (a) => `<li>${c.esc(c.jst(a.at))}: ${a.statusCode === null ? 'no answer' : `HTTP ${a.statusCode}`}, ${a.latencyMs} ms${a.error ? `, <span class="error">${c.esc(a.error)}</span>` : ''}</li>`;

  async function showLog(id, append = false) {
    const params = new URLSearchParams({ limit: '50' });
    if (append && nextDeliveries) params.set('cursor', nextDeliveries);
    const page = await c.api(`/api/webhooks/endpoints/${encodeURIComponent(id)}/deliveries?${params}`);
    shown = id;
    nextDeliveries = page.nextCursor;
    $('wh-log').hidden = false;
    $('wh-log-title').textContent = `Deliveries to ${id} (partner ${page.partnerId})`;
    $('wh-replay').hidden = !canAct();
    const rows = page.items.map(
      (d) => `<tr data-delivery="${c.esc(d.id)}" data-event="${c.esc(d.eventId)}" data-state="${c.esc(d.state)}">
        <td>${c.esc(c.jst(d.createdAt))}</td><td><code>${c.esc(d.eventId)}</code></td><td>${c.esc(d.eventType)}</td>
        <td>${c.esc(d.state)}${d.replay ? ' (replay)' : ''}</td><td><ol class="attempts">${d.attempts.map(attempt).join('')}</ol></td><td>${c.esc(c.jst(d.nextAttemptAt))}</td>
        <td>${canAct() ? `<button type="button" data-resend aria-label="Resend event ${c.esc(d.eventId)}">Resend</button>` : ''}</td></tr>`,
    );
    const body = $('wh-deliveries');
    body.innerHTML = (append ? body.innerHTML : '') + (rows.join('') || (append ? '' : '<tr><td colspan="7">No deliveries yet</td></tr>'));
    $('wh-log-more').hidden = !nextDeliveries;
    // While the first page has deliveries on their way, it follows them (attempts, states).
    clearTimeout(following);
    if (!append && page.items.some((d) => d.state === 'pending')) following = setTimeout(() => shown === id && !$('view-webhooks').hidden && showLog(id).catch(fail), 2_000);
  }
  $('wh-log-refresh').addEventListener('click', () => shown && showLog(shown).catch(fail));
  $('wh-log-more').addEventListener('click', () => shown && showLog(shown, true).catch(fail));
  $('wh-deliveries').addEventListener('click', (event) => {
    if (!event.target.matches('[data-resend]') || !shown) return;
    const eventId = event.target.closest('tr').dataset.event;
    const id = shown;
    confirmThen(`Resend event ${eventId} to ${id}?`, () => replay(id, { eventId }));
  });

  // A datetime-local value read as Japan time, whatever the browser's own zone.
  const fromJapanLocal = (value) => `${value.length === 16 ? `${value}:00` : value}+09:00`;
  $('wh-replay').addEventListener('submit', (event) => {
    event.preventDefault();
    const value = $('wh-since').value;
    if (!shown || !value) return status('choose the instant to replay from');
    const id = shown;
    const since = fromJapanLocal(value);
    confirmThen(`Send every subscribed event received since ${value.replace('T', ' ')} JST to ${id} again?`, () => replay(id, { since }));
  });

  // ---------- actions, after a confirmation ----------
  async function replay(id, body) {
    const r = await post(`/api/webhooks/endpoints/${encodeURIComponent(id)}/replay`, body);
    await Promise.all([load(), showLog(id)]);
    status(`${r.replayed} event${r.replayed === 1 ? '' : 's'} queued again for ${id}`);
  }
  async function enable(id) {
    const r = await post(`/api/webhooks/endpoints/${encodeURIComponent(id)}/enable`, {});
    await load();
    status(`${id} enabled again; ${r.requeued} held deliver${r.requeued === 1 ? 'y' : 'ies'} due now`);
  }
  let pending = null;
  function confirmThen(question, action) {
    pending = action;
    $('wh-confirm-text').textContent = question;
    $('wh-confirm').showModal();
  }
  $('wh-confirm').addEventListener('close', () => {
    const action = pending;
    pending = null;
    if ($('wh-confirm').returnValue === 'confirm' && action) action().catch(fail);
  });

  window.KurumaWebhooks = { load };
})();
