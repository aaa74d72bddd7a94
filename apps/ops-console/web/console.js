// Kuruma Cover ops console: plain browser JavaScript, no build step, no CDN.
(() => {
  'use strict';
  const $ = (id) => document.getElementById(id);
  // Yen as ja-JP formats it, with the yen sign U+00A5 rather than the fullwidth U+FFE5, which
  // fonts without CJK coverage (many Linux desks, headless browsers) draw as an empty box.
  const yenFormat = new Intl.NumberFormat('ja-JP', { style: 'currency', currency: 'JPY' });
  const yen = { format: (n) => yenFormat.format(n).replace('\uFFE5', '\u00A5') };
  const jstFormat = new Intl.DateTimeFormat('ja-JP', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const jst = (iso) => (iso ? `${jstFormat.format(new Date(iso))} JST` : '-');
  const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const MAX_ROWS = 500;

  // Changes carry the session's CSRF token (from /api/session), which another site cannot read.
  async function api(path, init = {}) {
    const method = (init.method || 'GET').toUpperCase();
    const headers = method === 'GET' || method === 'HEAD' ? init.headers : { ...init.headers, 'x-csrf-token': me.csrfToken || '' };
    const response = await fetch(path, { credentials: 'same-origin', ...init, headers });
    if (response.status === 401) {
      window.location.assign('/login');
      throw new Error('signed out');
    }
    const body = response.status === 204 ? null : await response.json().catch(() => null);
    if (!response.ok) throw Object.assign(new Error((body && body.detail) || `HTTP ${response.status}`), { errors: (body && body.errors) || [] });
    return body;
  }

  // ---------- session ----------
  let me = { username: null, role: null };
  const canHandleClaims = () => me.role === 'claims-handler' || me.role === 'admin';
  $('sign-out').addEventListener('click', async () => {
    await api('/api/session/end', { method: 'POST' });
    window.location.assign('/login');
  });

  // ---------- navigation ----------
  const views = ['live', 'search', 'claims', 'risk', 'tariffs', 'webhooks'];
  function show(view) {
    for (const v of views) $(`view-${v}`).hidden = v !== view;
    for (const b of document.querySelectorAll('nav button')) b.setAttribute('aria-current', b.dataset.view === view ? 'page' : 'false');
    if (view === 'claims') loadClaims();
    if (view === 'risk') loadRisk();
    if (view === 'tariffs') window.KurumaTariffs?.load().catch(showError($('tariff-detail')));
    if (view === 'webhooks') window.KurumaWebhooks?.load().catch((error) => ($('wh-status').textContent = error.message));
  }
  for (const b of document.querySelectorAll('nav button')) b.addEventListener('click', () => show(b.dataset.view));

  // ---------- live figures ----------
  let chart = null;
  async function loadFigures() {
    const f = await api('/api/figures');
    const cards = [
      ['Policies in force now', f.policiesInForce.toLocaleString('ja-JP')],
      ['Bound today', f.boundToday.toLocaleString('ja-JP')],
      ['Premium written today', yen.format(f.premiumWrittenTodayYen)],
      ['Claims opened today', f.claimsOpenedToday.toLocaleString('ja-JP')],
      ['Open provisional claims', f.openProvisionalClaims.toLocaleString('ja-JP')],
    ];
    $('figures').innerHTML = cards.map(([label, value]) => `<div class="figure"><div class="label">${esc(label)}</div><div class="value" data-figure="${esc(label)}">${esc(value)}</div></div>`).join('');
    $('loss-ratio').innerHTML = f.lossRatioByPlan
      .map((r) => `<tr><td>${esc(r.plan)}</td><td class="num">${yen.format(r.earnedPremiumYen)}</td><td class="num">${yen.format(r.incurredYen)}</td><td class="num">${r.lossRatio === null ? '-' : `${(r.lossRatio * 100).toFixed(1)}%`}</td></tr>`)
      .join('') || '<tr><td colspan="4">No earned premium yet</td></tr>';
    const data = [f.hourly.map((h) => Date.parse(h.hour) / 1000), f.hourly.map((h) => h.bound), f.hourly.map((h) => h.claims)];
    if (!window.uPlot) return;
    if (!chart) {
      chart = new window.uPlot(
        {
          width: 520,
          height: 200,
          title: 'Last 12 hours (JST)',
          tzDate: (ts) => window.uPlot.tzDate(new Date(ts * 1000), 'Asia/Tokyo'),
          series: [{}, { label: 'Policies bound', stroke: '#0b5cad', width: 2 }, { label: 'Claims opened', stroke: '#a40000', width: 2 }],
        },
        data,
        $('chart-hourly'),
      );
    } else chart.setData(data);
  }

  // ---------- live stream (SSE, resumes with Last-Event-ID; de-duplicated by CloudEvent id) ----------
  const seen = new Set();
  const seenOrder = [];
  let rows = [];
  let received = 0;
  let dirty = false;
  let source = null;

  function remember(id) {
    seen.add(id);
    seenOrder.push(id);
    if (seenOrder.length > 50_000) seen.delete(seenOrder.shift());
  }

  function amountOf(e) {
    const d = e.data || {};
    if (e.type === 'com.kurumacover.policy.bound') return yen.format(d.premium);
    if (e.type === 'com.kurumacover.policy.extended') return `+${yen.format(d.premiumDelta)}`;
    if (e.type === 'com.kurumacover.policy.ended' || e.type === 'com.kurumacover.policy.cancelled') return d.refund ? `refund ${yen.format(d.refund)}` : '';
    if (e.type === 'com.kurumacover.policy.cover-limit-reached') return `cover ends ${jst(d.coverEnd)}`;
    if (e.type.startsWith('com.kurumacover.claim.') && d.reserve) return `reserve ${yen.format(d.reserve)}`;
    return '';
  }

  function onEvent(message) {
    const e = JSON.parse(message.data);
    if (seen.has(e.id)) return;
    remember(e.id);
    received++;
    // Newest first by event time, not by arrival: a console that is still reading its backfill
    // delivers older events after newer ones, and those must not push the newest off the list.
    e.at = Date.parse(e.time);
    let lo = 0;
    let hi = rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (rows[mid].at >= e.at) lo = mid + 1;
      else hi = mid;
    }
    if (lo < MAX_ROWS) {
      rows.splice(lo, 0, e);
      if (rows.length > MAX_ROWS) rows.length = MAX_ROWS;
      dirty = true;
    }
  }

  // Rendering is batched to one DOM update per animation frame, so 500 events/s stay smooth.
  function render() {
    if (dirty) {
      dirty = false;
      $('stream-count').textContent = received.toLocaleString('ja-JP');
      $('stream-rows').innerHTML = rows
        .map((e) => {
          const d = e.data || {};
          const ref = d.claimNumber || d.bookingId || '';
          return `<tr data-type="${esc(e.type)}" data-event-id="${esc(e.id)}"><td>${esc(jst(e.time))}</td><td>${esc(e.type)}</td><td>${esc(e.partnerId)}</td><td>${esc(e.vehicleId)}</td><td>${esc(ref)}</td><td class="num">${esc(amountOf(e))}</td></tr>`;
        })
        .join('');
    }
    window.requestAnimationFrame(render);
  }

  const EVENT_TYPES = ['com.kurumacover.policy.bound', 'com.kurumacover.policy.extended', 'com.kurumacover.policy.ended', 'com.kurumacover.policy.cancelled', 'com.kurumacover.policy.declined', 'com.kurumacover.policy.cover-limit-reached', 'com.kurumacover.claim.fnol-opened', 'com.kurumacover.claim.signal-attached', 'com.kurumacover.claim.confirmed', 'com.kurumacover.claim.withdrawn', 'com.kurumacover.incident.uncovered'];
  function connectStream() {
    if (source) source.close();
    const form = new FormData($('stream-filter'));
    const params = new URLSearchParams();
    for (const key of ['partnerId', 'type', 'vehicleId']) if (form.get(key)) params.set(key, form.get(key));
    source = new EventSource(`/api/stream?${params}`);
    for (const type of EVENT_TYPES) source.addEventListener(type, onEvent);
    source.addEventListener('hello', () => ($('stream-state').textContent = 'Live'));
    source.onerror = () => ($('stream-state').textContent = 'Reconnecting...');
  }
  $('stream-filter').addEventListener('submit', (event) => {
    event.preventDefault();
    rows = [];
    seen.clear();
    seenOrder.length = 0;
    received = 0;
    dirty = true;
    connectStream();
  });

  // ---------- search and policy detail ----------
  let searchCursor = null;
  async function search(append) {
    const q = $('q').value;
    const page = await api(`/api/policies?${new URLSearchParams({ q, ...(append && searchCursor ? { cursor: searchCursor } : {}) })}`);
    searchCursor = page.next;
    $('search-more').hidden = !page.next;
    const html = page.items
      .map((p) => `<tr tabindex="0" data-policy-id="${esc(p.id)}"><td>${esc(p.policyNumber || '-')}</td><td>${esc(p.bookingId)}</td><td>${esc(p.partnerId)}</td><td>${esc(p.vehicleId)}</td><td>${esc(p.driverId)}</td><td>${esc(p.plan)}</td><td>${esc(p.status)}</td><td class="num">${yen.format(p.premiumYen)}</td><td>${esc(jst(p.coverStart))} - ${esc(jst(p.coverEnd))}</td></tr>`)
      .join('');
    $('search-rows').innerHTML = append ? $('search-rows').innerHTML + html : html || '<tr><td colspan="9">No policy matches</td></tr>';
  }
  $('search-form').addEventListener('submit', (event) => {
    event.preventDefault();
    search(false).catch(showError($('policy-detail')));
  });
  $('search-more').addEventListener('click', () => search(true));
  activateRows($('search-rows'), 'policyId', (id) => showPolicy(id).catch(showError($('policy-detail'))));

  async function showPolicy(id) {
    const d = await api(`/api/policies/${encodeURIComponent(id)}`);
    const p = d.policy;
    const steps = Array.isArray(d.breakdown) ? d.breakdown : [];
    const el = $('policy-detail');
    el.hidden = false;
    el.innerHTML = `<h3>Policy ${esc(p.policyNumber || p.id)} <small>(${esc(p.status)})</small></h3>
      <p>Booking ${esc(p.bookingId)} of partner ${esc(p.partnerId)}, vehicle ${esc(p.vehicleId)}, driver ${esc(p.driverId)}, plan ${esc(p.plan)}.
      Cover ${esc(jst(p.coverStart))} to ${esc(jst(p.coverEnd))}. Premium <strong>${yen.format(p.premiumYen)}</strong>, refunded ${yen.format(p.refundYen)}. Tariff ${esc(p.tariffVersion || '-')}.
      ${p.policyNumber ? `<a href="/api/policies/${encodeURIComponent(p.id)}/certificate" target="_blank" rel="noopener">Certificate</a>` : ''}</p>
      <table class="breakdown"><caption>Premium breakdown at bind (running amount after each step)</caption>
        <thead><tr><th scope="col">Step</th><th scope="col">Factor</th><th scope="col" class="num">Amount</th></tr></thead>
        <tbody>${steps.map((s) => `<tr><td${s.source ? ` title="${esc(s.source)}"` : ''}>${esc(s.label || s.code)}</td><td>${s.factor === null || s.factor === undefined ? '' : esc(s.factor)}</td><td class="num">${esc(s.amount)}</td></tr>`).join('')}</tbody></table>
      <table><caption>Timeline</caption><thead><tr><th scope="col">Time (JST)</th><th scope="col">What</th><th scope="col">Detail</th><th scope="col" class="num">Premium change</th><th scope="col" class="num">Refund</th></tr></thead>
        <tbody>${d.timeline.map((t) => `<tr><td>${esc(jst(t.at))}</td><td>${esc(t.kind)}</td><td>${esc(t.summary)}</td><td class="num">${t.premiumDeltaYen ? yen.format(t.premiumDeltaYen) : ''}</td><td class="num">${t.refundYen ? yen.format(t.refundYen) : ''}</td></tr>`).join('')}</tbody></table>
      <h4>Claims</h4>${d.claims.length ? `<ul>${d.claims.map((c) => `<li>${esc(c.claimNumber)}: ${esc(c.severity)} ${esc(c.cause)}, ${esc(c.status)}, reserve ${yen.format(c.reserveYen)}</li>`).join('')}</ul>` : '<p>None</p>'}`;
    el.focus?.();
  }

  // ---------- claims queue ----------
  async function loadClaims() {
    const { items } = await api(`/api/claims?status=${encodeURIComponent($('claims-status').value)}`);
    $('claims-rows').innerHTML =
      items
        .map((c) => `<tr tabindex="0" data-claim-id="${esc(c.id)}"><td>${esc(c.claimNumber)}</td><td class="sev-${esc(c.severity)}">${esc(c.severity)}</td><td>${esc(c.cause)}</td><td>${esc(c.vehicleId)}</td><td>${esc(c.policyNumber)}</td><td>${esc(jst(c.occurredAt))}</td><td class="num">${c.signalCount}</td><td class="num">${yen.format(c.reserveYen)}</td></tr>`)
        .join('') || '<tr><td colspan="8">No claims in this state</td></tr>';
  }
  $('claims-status').addEventListener('change', () => loadClaims());
  activateRows($('claims-rows'), 'claimId', (id) => showClaim(id).catch(showError($('claim-detail'))));

  async function showClaim(id) {
    const c = await api(`/api/claims/${encodeURIComponent(id)}`);
    const el = $('claim-detail');
    el.hidden = false;
    const handler = canHandleClaims();
    const open = c.status === 'provisional' || c.status === 'confirmed';
    const money = c.money || { settledYen: 0, paidYen: 0, outstandingYen: 0 };
    const actions =
      (c.status === 'provisional' && handler
        ? `<p class="actions"><button type="button" data-act="confirm">Confirm claim</button><button type="button" data-act="withdraw">Withdraw claim</button></p>`
        : '') +
      (c.status === 'confirmed' && handler ? `<p class="actions"><button type="button" data-act="close">Close claim (settle at its reserve)</button></p>` : '') +
      (open && handler
        ? `<form class="claim-money" data-money="reserve"><fieldset><legend>Change the case reserve</legend>
             <label>New reserve (yen) <input name="reserveYen" type="number" min="0" step="1" required></label>
             <label>Reason <input name="reason" required minlength="3" maxlength="500"></label>
             <button type="submit">Change reserve</button></fieldset></form>`
        : '') +
      (c.status === 'closed'
        ? `<p>Settled <strong>${yen.format(money.settledYen)}</strong>, paid ${yen.format(money.paidYen)}, still payable <strong data-field="outstanding">${yen.format(money.outstandingYen)}</strong>.</p>` +
          (handler && money.outstandingYen > 0
            ? `<form class="claim-money" data-money="payments"><fieldset><legend>Record a payment</legend>
                 <label>Payment reference <input name="paymentReference" required maxlength="64" pattern="[A-Za-z0-9][A-Za-z0-9._:\-]{0,63}"></label>
                 <label>Amount (yen) <input name="amountYen" type="number" min="1" max="${money.outstandingYen}" step="1" required></label>
                 <label>Payee <input name="payee" required maxlength="200"></label>
                 <button type="submit">Record payment</button></fieldset></form>`
            : '')
        : '');
    el.innerHTML = `<h3>Claim ${esc(c.claimNumber)} <small>(${esc(c.status)})</small></h3>
      <p>${esc(c.severity)} ${esc(c.cause)} on vehicle ${esc(c.vehicleId)} at ${esc(jst(c.occurredAt))}; policy ${esc(c.policyNumber)}, booking ${esc(c.bookingId)}, plan ${esc(c.plan)}.</p>
      <p>Responding coverages: ${esc((c.coverages || []).join(', ') || 'none')}. Case reserve <strong data-field="reserve">${yen.format(c.reserveYen)}</strong>.</p>
      ${actions}<p class="error" role="alert" id="claim-error"></p>
      <div class="mini-map">${c.lat !== null && c.lat !== undefined ? mapSvg([{ lat: c.lat, lon: c.lon, weight: 1 }], 0.02, 320, { lat: c.lat, lon: c.lon }) : '<p>No location reported</p>'}</div>
      <table><caption>Signals</caption><thead><tr><th scope="col">Occurred (JST)</th><th scope="col">Channel</th><th scope="col">Device</th><th scope="col">Detail</th></tr></thead>
        <tbody>${c.signals.map((s) => `<tr><td>${esc(jst(s.occurredAt))}</td><td>${esc(s.channel)}</td><td>${esc(s.deviceId)}</td><td><code>${esc(JSON.stringify(s.payload))}</code></td></tr>`).join('')}</tbody></table>
      <table><caption>Audit</caption><tbody>${c.audit.map((a) => `<tr><td>${esc(jst(a.at))}</td><td>${esc(a.actor)} (${esc(a.role)})</td><td>${esc(a.action)}</td></tr>`).join('')}</tbody></table>`;
    for (const form of el.querySelectorAll('form[data-money]')) {
      form.addEventListener('submit', async (event) => {
        event.preventDefault();
        const fields = Object.fromEntries(new FormData(form));
        const body = form.dataset.money === 'reserve'
          ? { reserveYen: Number(fields.reserveYen), reason: fields.reason }
          : { paymentReference: fields.paymentReference, amountYen: Number(fields.amountYen), payee: fields.payee };
        try {
          await api(`/api/claims/${encodeURIComponent(c.id)}/${form.dataset.money}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
          await showClaim(c.id);
          await loadClaims();
        } catch (error) {
          $('claim-error').textContent = [error.message, ...(error.errors || []).map((e) => `${e.field}: ${e.message}`)].join(' ');
        }
      });
    }
    for (const button of el.querySelectorAll('button[data-act]')) {
      button.addEventListener('click', async () => {
        try {
          await api(`/api/claims/${encodeURIComponent(c.id)}/${button.dataset.act}`, { method: 'POST' });
          await showClaim(c.id);
          await loadClaims();
        } catch (error) {
          $('claim-error').textContent = error.message;
        }
      });
    }
  }

  // ---------- risk map (offline: an SVG over prefecture office coordinates, no tiles) ----------
  const BOUNDS = { minLat: 24, maxLat: 46, minLon: 122, maxLon: 146 };
  function mapSvg(cells, cellDeg, width, focus) {
    const b = focus ? { minLat: focus.lat - 1.5, maxLat: focus.lat + 1.5, minLon: focus.lon - 2, maxLon: focus.lon + 2 } : BOUNDS;
    const height = Math.round((width * (b.maxLat - b.minLat)) / (b.maxLon - b.minLon));
    const x = (lon) => ((lon - b.minLon) / (b.maxLon - b.minLon)) * width;
    const y = (lat) => height - ((lat - b.minLat) / (b.maxLat - b.minLat)) * height;
    const max = Math.max(1, ...cells.map((c) => c.weight));
    const rects = cells
      .map((c) => `<rect x="${x(c.lon).toFixed(1)}" y="${y(c.lat + cellDeg).toFixed(1)}" width="${Math.max(2, (x(c.lon + cellDeg) - x(c.lon))).toFixed(1)}" height="${Math.max(2, y(c.lat) - y(c.lat + cellDeg)).toFixed(1)}" fill="rgba(164,0,0,${(0.25 + (0.75 * c.weight) / max).toFixed(2)})"><title>${c.lat.toFixed(2)}, ${c.lon.toFixed(2)}: ${c.weight}</title></rect>`)
      .join('');
    const prefs = (window.PREFECTURES || [])
      .filter(([, lat, lon]) => lat >= b.minLat && lat <= b.maxLat && lon >= b.minLon && lon <= b.maxLon)
      .map(([name, lat, lon]) => `<circle cx="${x(lon).toFixed(1)}" cy="${y(lat).toFixed(1)}" r="2" fill="#0d2b4e"/><text x="${(x(lon) + 3).toFixed(1)}" y="${(y(lat) + 3).toFixed(1)}" font-size="9" fill="#333">${esc(name)}</text>`)
      .join('');
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${prefs}${rects}</svg>`;
  }
  function nearestPrefecture(lat, lon) {
    let best = null;
    for (const [name, plat, plon] of window.PREFECTURES || []) {
      const d = (plat - lat) ** 2 + (plon - lon) ** 2;
      if (!best || d < best.d) best = { name, d };
    }
    return best ? best.name : '-';
  }
  async function loadRisk() {
    if (!$('risk-from').value) {
      // Dates are Japan dates: the last 30 days up to and including today in JST.
      const jstToday = Date.now() + 9 * 3_600_000;
      $('risk-to').value = new Date(jstToday).toISOString().slice(0, 10);
      $('risk-from').value = new Date(jstToday - 30 * 86_400_000).toISOString().slice(0, 10);
    }
    const cell = Number($('risk-cell').value);
    const { cells } = await api(`/api/risk-map?${new URLSearchParams({ from: `${$('risk-from').value}T00:00:00+09:00`, to: new Date(Date.parse(`${$('risk-to').value}T00:00:00+09:00`) + 86_400_000).toISOString(), cell: String(cell) })}`);
    $('risk-map').innerHTML = mapSvg(cells.map((c) => ({ lat: c.lat, lon: c.lon, weight: c.claims + c.incidents })), cell, 640);
    $('risk-rows').innerHTML =
      cells.slice(0, 20).map((c) => `<tr><td>${c.lat.toFixed(2)}, ${c.lon.toFixed(2)}</td><td>${esc(nearestPrefecture(c.lat + cell / 2, c.lon + cell / 2))}</td><td class="num">${c.claims}</td><td class="num">${c.incidents}</td><td class="num">${yen.format(c.reserveYen)}</td></tr>`).join('') ||
      '<tr><td colspan="5">Nothing in this period</td></tr>';
  }
  $('risk-form').addEventListener('submit', (event) => {
    event.preventDefault();
    loadRisk();
  });

  // ---------- helpers ----------
  function activateRows(tbody, key, open) {
    const pick = (target) => target.closest('tr')?.dataset[key];
    tbody.addEventListener('click', (event) => pick(event.target) && open(pick(event.target)));
    tbody.addEventListener('keydown', (event) => {
      if ((event.key === 'Enter' || event.key === ' ') && pick(event.target)) {
        event.preventDefault();
        open(pick(event.target));
      }
    });
  }
  function showError(el) {
    return (error) => {
      el.hidden = false;
      el.innerHTML = `<p class="error" role="alert">${esc(error.message)}</p>`;
    };
  }

  // What tariffs.js and webhooks.js (their pages) share of this file.
  window.KurumaConsole = { api, esc, jst, yen, activateRows, showError, me: () => me };

  // ---------- start ----------
  (async () => {
    me = await api('/api/session');
    $('who').textContent = `${me.username} (${me.role})`;
    connectStream();
    window.requestAnimationFrame(render);
    await loadFigures();
    setInterval(() => loadFigures().catch(() => undefined), 5_000);
  })();
})();
