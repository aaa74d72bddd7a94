// Pricing (issue #21): calibration runs made by `npm run calibrate`, their figures and charts, and
// the draft each produced, handed to the Tariffs page for approval. Its own file beside
// console.js, like finance.js: it joins the page's navigation without changing it.
(() => {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const c = window.KurumaConsole;
  const f3 = (x) => (typeof x === 'number' ? x.toFixed(3) : '-');
  const pct = (x) => (typeof x === 'number' ? `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%` : '-');

  async function load() {
    $('pricing-error').textContent = '';
    const { items } = await c.api('/api/calibration-runs');
    $('calibration-rows').innerHTML =
      items
        .map((r) => `<tr tabindex="0" data-run="${c.esc(r.id)}"><td><code>${c.esc(r.id)}</code></td><td>${c.esc(c.jst(r.periodFrom))} - ${c.esc(c.jst(r.periodTo))}</td><td><code>${c.esc(r.basedOnVersion)}</code></td><td><code>${c.esc(r.draftVersion || '-')}</code></td><td>${c.esc(r.createdBy)}</td><td>${c.esc(c.jst(r.createdAt))}</td></tr>`)
        .join('') || '<tr><td colspan="6">No calibration runs yet (npm run calibrate)</td></tr>';
  }
  c.activateRows($('calibration-rows'), 'run', (id) => show(id).catch(c.showError($('calibration-detail'))));

  async function show(id) {
    const run = await c.api(`/api/calibration-runs/${encodeURIComponent(id)}`);
    const r = run.report;
    const el = $('calibration-detail');
    el.hidden = false;
    const moves = (r.moves || []).map((m) => `<tr><td>${c.esc(m.figure)}</td><td class="num">${f3(m.current)}</td><td class="num">${f3(m.indicated)}</td><td class="num">${f3(m.drafted)}</td><td>${m.capped ? 'capped' : ''}</td></tr>`).join('');
    const impact = r.premiumImpact || {};
    const byAge = (impact.byAgeBand || []).map((g) => `<tr><td>${c.esc(g.level)}</td><td class="num">${c.esc(g.policies)}</td><td class="num">${pct(g.change)}</td></tr>`).join('');
    const charts = run.charts.map((name) => `<figure><img src="/api/calibration-runs/${encodeURIComponent(run.id)}/charts/${encodeURIComponent(name)}" alt="${c.esc(name)}" data-chart="${c.esc(name)}" width="640" height="300"></figure>`).join('');
    el.innerHTML = `<h3>Calibration run <code>${c.esc(run.id)}</code></h3>
      <p>Started from <code>${c.esc(run.basedOnVersion)}</code>; draft <code>${c.esc(run.draftVersion || '-')}</code>
        ${run.draftVersion ? '<button type="button" id="calibration-open-draft">Open the draft in Tariffs</button>' : ''}</p>
      <div class="figures">
        <div class="figure"><div class="label">Gini on the hold-out, calibrated</div><div class="value" data-figure="gini-proposed">${f3(r.gini?.proposed)}</div></div>
        <div class="figure"><div class="label">Gini, filed relativities</div><div class="value" data-figure="gini-current">${f3(r.gini?.current)}</div></div>
        <div class="figure"><div class="label">Fitted / actual incurred</div><div class="value">${f3(r.balance?.overall)}</div></div>
        <div class="figure"><div class="label">Premium change (${c.esc(impact.policies)} policies)</div><div class="value">${pct(impact.totalChange)}</div></div>
      </div>
      <table><caption>Filed figures the draft changes (each move capped at ${c.esc((r.moveCap || 0) * 100)}% per revision)</caption>
        <thead><tr><th scope="col">Figure</th><th scope="col">Current</th><th scope="col">Indicated</th><th scope="col">Draft</th><th scope="col"></th></tr></thead><tbody id="calibration-moves">${moves}</tbody></table>
      <table><caption>Premium change by age band</caption><thead><tr><th scope="col">Age band</th><th scope="col">Policies</th><th scope="col">Change</th></tr></thead><tbody>${byAge}</tbody></table>
      <p>Prohibited variables found: ${c.esc((r.fairness?.prohibitedFound || []).join(', ') || 'none')}.</p>
      ${charts}`;
    $('calibration-open-draft')?.addEventListener('click', () => openDraft(run.draftVersion).catch(c.showError($('calibration-detail'))));
  }

  // Hand-off to the tariff approval: the Tariffs page, with the draft opened.
  async function openDraft(version) {
    document.querySelector('nav button[data-view="tariffs"]').click();
    for (let i = 0; i < 50; i++) {
      const row = [...document.querySelectorAll('#tariff-rows tr[data-version]')].find((tr) => tr.dataset.version === version);
      if (row) return row.click();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`tariff ${version} is not in the Tariffs list`);
  }

  for (const b of document.querySelectorAll('nav button')) {
    b.addEventListener('click', () => {
      const mine = b.dataset.view === 'pricing';
      $('view-pricing').hidden = !mine;
      if (mine) load().catch((error) => ($('pricing-error').textContent = error.message));
    });
  }
})();
