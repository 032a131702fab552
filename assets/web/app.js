// The lineage dashboard: one page, one view per tab, every number fetched from the JSON API
// that `lineage serve` answers from the same library functions as the command line.
"use strict";

const PALETTE = ["#2a62c9", "#e4572e", "#29a36a", "#f2a541", "#8e44ad", "#17becf", "#c0392b",
  "#7f8c8d", "#bcbd22", "#d35fb7", "#1f3a93", "#6c5b32"];
// Model types in the order of the types view, so each keeps its colour across views.
const TYPE_ORDER = ["pretrained", "continuously pretrained", "fine-tuned", "chat", "merge", "multimodal", "unknown"];
const TYPE_COLOURS = Object.fromEntries(TYPE_ORDER.map((t, i) => [t, PALETTE[i]]));
// The same colours as the report's charts (src/render/palette.rs, edge_kind).
const KIND_COLOR = { finetune: "#2a62c9", adapter: "#29a36a", quantized: "#7f8c8d", merge: "#e4572e", unspecified: "#b8a25a" };

// What each view last drew, for people reading the page source and for the browser tests:
// the request, its JSON, and every plotted series as plain numbers.
window.dashboard = { views: {}, busy: 0, labels: {} };

const $ = (sel, root = document) => root.querySelector(sel);
const esc = (s) => String(s ?? "").replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]));
const fmt = (x, d = 2) => (x === null || x === undefined || Number.isNaN(x)) ? "-" : (Number.isInteger(x) ? x.toLocaleString("en") : x.toFixed(d));

async function api(url) {
  window.dashboard.busy++;
  try {
    const r = await fetch(url);
    const text = await r.text();
    let body;
    try { body = JSON.parse(text); } catch { body = { error: text }; }
    if (!r.ok) throw new Error(body.error + (body.accepted ? ` (accepted: ${[].concat(body.accepted).join(", ")})` : "") + (body.suggestions && body.suggestions.length ? ` (did you mean ${body.suggestions.join(", ")}?)` : ""));
    return body;
  } finally { window.dashboard.busy--; }
}

function status(view, text, isError = false) {
  const el = $(`#${view}-status`);
  if (el) { el.textContent = text; el.classList.toggle("error", isError); }
}

function record(view, url, json, x, series) {
  window.dashboard.views[view] = { url, json, x, series, at: Date.now() };
}

// "2024-01" or "2024-01-15" -> seconds since 1970 (UTC).
function periodTime(label) {
  const [y, m, d] = String(label).split("-").map(Number);
  return Date.UTC(y, (m || 1) - 1, d || 1) / 1000;
}

// ---- charts (uPlot) ----

const charts = {};
window.dashboard.charts = charts;

function drawChart(id, { x, series, stacked = false, xTime = true, yLabel = "", xLabel = "", height = 360, points = false, hooks = {}, yRange }) {
  const el = document.getElementById(id);
  if (charts[id]) { charts[id].destroy(); delete charts[id]; }
  el.innerHTML = "";
  if (!x.length || !series.length) { el.innerHTML = '<p class="status">Nothing to show for these settings.</p>'; return null; }
  const raw = series.map((s) => s.values);
  let plotted = raw;
  if (stacked) {
    plotted = [];
    let acc = x.map(() => 0);
    for (const vals of raw) { acc = acc.map((a, i) => a + (vals[i] ?? 0)); plotted.push(acc.slice()); }
  }
  const opts = {
    width: Math.max(400, el.clientWidth - 12), height,
    scales: { x: { time: xTime }, y: yRange ? { range: yRange } : {} },
    axes: [{ label: xLabel }, { label: yLabel, size: 60 }],
    series: [{ label: xTime ? "period" : xLabel, value: xTime ? (u, v) => v == null ? "-" : new Date(v * 1000).toISOString().slice(0, 10) : undefined }].concat(series.map((s, i) => ({
      label: s.label,
      stroke: s.color || PALETTE[i % PALETTE.length],
      fill: stacked ? (s.color || PALETTE[i % PALETTE.length]) + "88" : undefined,
      width: s.width ?? (points || s.points ? 0 : 1.6),
      points: { show: points || !!s.points, size: s.size || 6 },
      spanGaps: !!s.spanGaps,
      paths: s.stepped ? uPlot.paths.stepped({ align: 1 }) : undefined,
      value: (u, v, si, i) => { const r = raw[si - 1][i]; return r == null ? "-" : fmt(r, s.decimals ?? 2) + (s.hover ? s.hover(i) : ""); },
    }))),
    bands: stacked ? series.slice(1).map((_, i) => ({ series: [i + 2, i + 1] })) : undefined,
    legend: { live: true },
    cursor: { drag: { x: true, y: false } },
    hooks,
  };
  if (stacked) opts.series.forEach((s, i) => { if (i > 0) s.fill = undefined; });
  if (stacked) opts.bands = series.map((_, i) => ({ series: [i + 1, i === 0 ? null : i], fill: (series[i].color || PALETTE[i % PALETTE.length]) + "99" })).filter((b) => b.series[1] !== null);
  if (stacked) opts.series[1].fill = (series[0].color || PALETTE[0]) + "99";
  const u = new uPlot(opts, [x, ...plotted], el);
  charts[id] = u;
  return u;
}

window.addEventListener("resize", () => {
  for (const [id, u] of Object.entries(charts)) { const el = document.getElementById(id); u.setSize({ width: Math.max(400, el.clientWidth - 12), height: u.height }); }
});

// ---- shared controls ----

function addCommon(form) {
  const want = (form.dataset.common || "").split(" ");
  const html = [];
  if (want.includes("range")) html.push('<label>From <input name="from" type="date"></label><label>To <input name="to" type="date"></label>');
  if (want.includes("unit")) html.push('<label>Per <select name="unit"><option>day</option><option selected>week</option><option>month</option></select></label>');
  form.insertAdjacentHTML("afterbegin", html.join(""));
}

function formValues(form) {
  const out = {};
  for (const el of form.elements) {
    if (!el.name) continue;
    if (el.type === "checkbox") out[el.name] = el.checked;
    else out[el.name] = el.value;
  }
  return out;
}

function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== "" && v !== undefined && v !== null) q.append(k, v);
  const s = q.toString();
  return s ? `?${s}` : "";
}

// Checkboxes for series, keeping what was unticked across updates.
function picks(view, names, onChange, checkedByDefault = () => true) {
  const box = $(`#${view}-picks`);
  const before = {};
  for (const el of box.querySelectorAll("input")) before[el.value] = el.checked;
  box.innerHTML = names.map((n, i) => `<label><input type="checkbox" value="${esc(n)}" ${(before[n] ?? checkedByDefault(n, i)) ? "checked" : ""}> <span style="color:${PALETTE[i % PALETTE.length]}">&#9632;</span> ${esc(n)}</label>`).join("");
  box.onchange = onChange;
  return () => new Set([...box.querySelectorAll("input:checked")].map((el) => el.value));
}

function table(columns, rows) {
  return `<tr>${columns.map((c) => `<th class="${c.n ? "n" : ""}">${esc(c.label)}</th>`).join("")}</tr>` +
    rows.map((r) => `<tr>${columns.map((c) => `<td class="${c.n ? "n" : ""}">${c.html ? c.html(r) : esc(c.n ? fmt(r[c.key], c.d ?? 2) : r[c.key])}</td>`).join("")}</tr>`).join("");
}

// An analysis's JSON: the table called `name` (the main one by default) as objects.
function rowsOf(json, suffix = "") {
  const t = json.tables.find((t) => t.name === json.name + suffix) || json.tables[0];
  return { columns: t.columns, rows: t.rows.map((r) => Object.fromEntries(t.columns.map((c, i) => [c, r[i]]))) };
}

async function analysis(view, name, params) {
  const url = `/api/analyses/${name}${query(params)}`;
  const t0 = performance.now();
  const json = await api(url);
  status(view, `${json.notes.join("; ")}${json.notes.length ? "; " : ""}answered in ${Math.round(performance.now() - t0)} ms`);
  return { url, json };
}

// Places each label at the first of eight spots around its point where it overlaps no
// label or point already placed and stays inside `box`; a label with no free spot is left
// out. Returns the placed boxes ({x, y, w, h, text}, y at the text's top).
function placeLabels(items, box, h, width, pad) {
  const taken = items.map((it) => ({ x: it.px - pad, y: it.py - pad, w: 2 * pad, h: 2 * pad }));
  const meets = (r) => taken.some((q) => r.x < q.x + q.w && q.x < r.x + r.w && r.y < q.y + q.h && q.y < r.y + r.h);
  const inside = (r) => r.x >= box.left && r.x + r.w <= box.right && r.y >= box.top && r.y + r.h <= box.bottom;
  const placed = [];
  for (const it of items) {
    const w = width(it.text);
    const spots = [[pad, -pad - h], [pad, pad], [-pad - w, -pad - h], [-pad - w, pad],
      [pad, -2 * pad - 2 * h], [-pad - w, -2 * pad - 2 * h], [pad, 2 * pad + h], [-pad - w, 2 * pad + h]];
    const r = spots.map(([dx, dy]) => ({ x: it.px + dx, y: it.py + dy, w, h, text: it.text })).find((c) => inside(c) && !meets(c));
    if (r) { taken.push(r); placed.push(r); }
  }
  return placed;
}

// ---- views ----

const views = {};

views.overview = async () => {
  const info = await api("/api/info");
  const cards = [["models", info.models], ["described", info.described], ["stubs", info.stubs], ["scored", info.scored], ["flagged", info.flagged],
    ["edges", info.edges], ["cycles", info.cycles], ["authors", info.authors], ["owners", info.owners], ["committing", info.contributors]];
  $("#info-cards").innerHTML = cards.map(([k, v]) => `<div class="card"><b>${fmt(v)}</b><span>${k}</span></div>`).join("") +
    `<div class="card"><b>${esc(info.first_created ?? "-")}</b><span>first created</span></div><div class="card"><b>${esc(info.last_created ?? "-")}</b><span>last created</span></div>`;
  $("#info-kinds").innerHTML = table([{ key: "kind", label: "kind" }, { key: "edges", label: "edges", n: true }], Object.entries(info.edges_by_kind).map(([kind, edges]) => ({ kind, edges })));
  $("#info-sources").innerHTML = table([{ key: "path", label: "file" }, { key: "format", label: "format" }, { key: "rows", label: "rows", n: true }, { key: "records", label: "records", n: true }], info.sources);
  record("overview", "/api/info", info, [], []);
  try {
    const rep = await api("/api/report");
    const flat = Object.entries(rep).filter(([, v]) => typeof v !== "object" || v === null);
    const lists = Object.entries(rep).filter(([, v]) => v && typeof v === "object");
    $("#build-report").innerHTML = `<table>${flat.map(([k, v]) => `<tr><th>${esc(k)}</th><td class="n">${esc(typeof v === "number" ? fmt(v) : v)}</td></tr>`).join("")}</table>` +
      lists.map(([k, v]) => `<details><summary>${esc(k)}</summary><pre>${esc(JSON.stringify(v, null, 1).slice(0, 20000))}</pre></details>`).join("");
  } catch (e) {
    $("#build-report").innerHTML = `<p class="status">${esc(e.message)}</p>`;
  }
};

views.types = async (form) => {
  const v = formValues(form);
  const { url, json } = await analysis("types", "new-models-by-type", { unit: v.unit, from: v.from, to: v.to });
  const { columns, rows } = rowsOf(json);
  const types = columns.filter((c) => c !== "period" && c !== "total" && !c.startsWith("share "));
  const chosen = picks("types", types, () => views.types(form));
  const x = rows.map((r) => periodTime(r.period));
  const series = types.map((t, i) => ({ label: t, color: PALETTE[i % PALETTE.length], values: rows.map((r) => v.mode === "shares" ? r["share " + t] : r[t]), decimals: v.mode === "shares" ? 3 : 0 }))
    .filter((s) => chosen().has(s.label));
  drawChart("types-chart", { x, series, stacked: true, yLabel: v.mode === "shares" ? "share of new models" : `new models per ${v.unit}` });
  record("types", url, json, x, series.map((s) => ({ label: s.label, values: s.values })));
};

views.authors = async (form) => {
  const v = formValues(form);
  const { url, json } = await analysis("authors", "top-authors", { unit: v.unit, from: v.from, to: v.to, top: v.top });
  const main = rowsOf(json).rows;
  const activity = rowsOf(json, "-activity").rows;
  const needle = (v.find || "").toLowerCase();
  const names = main.map((r) => r.author).filter((a) => !needle || a.toLowerCase().includes(needle));
  const chosen = picks("authors", names, () => views.authors(form));
  const periods = [...new Set(activity.map((r) => r.period))].sort();
  const x = periods.map(periodTime);
  const index = new Map(periods.map((p, i) => [p, i]));
  const shown = names.filter((a) => chosen().has(a));
  let series;
  if (v.colour === "type") {
    // The ticked authors' models per period, stacked by model type.
    const byType = rowsOf(json, "-types").rows.filter((r) => shown.includes(r.author));
    const types = TYPE_ORDER.filter((t) => byType.some((r) => r.type === t));
    series = types.map((t) => {
      const vals = periods.map(() => 0);
      for (const r of byType) if (r.type === t) vals[index.get(r.period)] += r.models;
      return { label: t, color: TYPE_COLOURS[t], values: vals, decimals: 0 };
    });
  } else {
    series = shown.map((a) => {
      const vals = periods.map(() => 0);
      for (const r of activity) if (r.author === a) vals[index.get(r.period)] = r.models;
      const i = names.indexOf(a);
      return { label: a, color: PALETTE[i % PALETTE.length], values: vals, decimals: 0 };
    });
  }
  drawChart("authors-chart", { x, series, stacked: v.colour === "type", yLabel: `models per ${v.unit}` });
  $("#authors-table").innerHTML = table([{ key: "author", label: "author" }, { key: "models", label: "models", n: true }, { key: "scored", label: "scored", n: true },
    { key: "mean_average", label: "average score", n: true }, { key: "best_average", label: "best", n: true }, { key: "best_model", label: "best model" }],
    main.filter((r) => names.includes(r.author)));
  record("authors", url, json, x, series.map((s) => ({ label: s.label, values: s.values })));
};

function movingAverage(vals, k = 3) {
  return vals.map((_, i) => {
    const w = vals.slice(Math.max(0, i - k + 1), i + 1).filter((x) => x !== null && x !== undefined);
    return w.length ? w.reduce((a, b) => a + b, 0) / w.length : null;
  });
}

views.scores = async (form) => {
  const v = formValues(form);
  const { url, json } = await analysis("scores", "score-by-type", { unit: v.unit, from: v.from, to: v.to });
  const { rows } = rowsOf(json);
  const periods = [...new Set(rows.map((r) => r.period))].sort();
  const types = [...new Set(rows.map((r) => r.type))];
  const chosen = picks("scores", types, () => views.scores(form));
  const x = periods.map(periodTime);
  const index = new Map(periods.map((p, i) => [p, i]));
  const col = (t, key) => { const vals = periods.map(() => null); for (const r of rows) if (r.type === t) vals[index.get(r.period)] = r[key]; return vals; };
  const shown = types.filter((t) => chosen().has(t));
  const best = [], cumulative = [];
  for (const t of shown) {
    const i = types.indexOf(t);
    const b = col(t, "best");
    best.push({ label: `${t} best`, color: PALETTE[i % PALETTE.length], values: b, points: true, width: 0 });
    best.push({ label: `${t} smoothed`, color: PALETTE[i % PALETTE.length], values: movingAverage(b), spanGaps: true });
    cumulative.push({ label: t, color: PALETTE[i % PALETTE.length], values: col(t, "cumulative_scored"), decimals: 0 });
  }
  drawChart("scores-chart", { x, series: best, yLabel: "leaderboard average" });
  drawChart("scores-cumulative", { x, series: cumulative, yLabel: "scored models", height: 260 });
  record("scores", url, json, x, best.concat(cumulative).map((s) => ({ label: s.label, values: s.values })));
};

views.architectures = async (form) => {
  const v = formValues(form);
  const { url, json } = await analysis("architectures", "new-models-by-architecture", { unit: v.unit, from: v.from, to: v.to, threshold: v.threshold });
  const { columns, rows } = rowsOf(json);
  const groups = columns.filter((c) => c !== "period" && c !== "total" && !c.startsWith("share "));
  const chosen = picks("architectures", groups, () => views.architectures(form));
  const x = rows.map((r) => periodTime(r.period));
  const series = groups.map((g, i) => {
    let vals = rows.map((r) => v.mode === "itself" ? r[g] : r["share " + g]);
    if (v.mode === "itself") { const peak = Math.max(...vals, 0); vals = vals.map((c) => peak ? c / peak : 0); }
    return { label: g, color: PALETTE[i % PALETTE.length], values: vals, decimals: 3 };
  }).filter((s) => chosen().has(s.label));
  drawChart("architectures-chart", { x, series, yLabel: v.mode === "itself" ? "new models / own peak" : "share of all new models" });
  record("architectures", url, json, x, series.map((s) => ({ label: s.label, values: s.values })));
};

views.releases = async (form) => {
  const v = formValues(form);
  const { url, json } = await analysis("releases", "new-models-by-architecture", { unit: v.unit, from: v.from, to: v.to });
  const { columns, rows } = rowsOf(json);
  const releases = rowsOf(json, "-releases").rows;
  const groups = columns.filter((c) => c !== "period" && c !== "total" && !c.startsWith("share "));
  const chosen = picks("releases", groups, () => views.releases(form));
  const x = rows.map((r) => periodTime(r.period));
  const series = groups.map((g, i) => ({ label: g, color: PALETTE[i % PALETTE.length], values: rows.map((r) => r[g]), decimals: 0 })).filter((s) => chosen().has(s.label));
  const marks = releases.map((r) => ({ t: periodTime(r.date), label: r.release }));
  const draw = (u) => {
    const ctx = u.ctx;
    ctx.save();
    ctx.strokeStyle = "#555"; ctx.fillStyle = "#333"; ctx.setLineDash([4, 4]);
    ctx.font = `${11 * devicePixelRatio}px sans-serif`;
    marks.forEach((m, k) => {
      const px = u.valToPos(m.t, "x", true);
      if (px < u.bbox.left || px > u.bbox.left + u.bbox.width) return;
      ctx.beginPath(); ctx.moveTo(px, u.bbox.top); ctx.lineTo(px, u.bbox.top + u.bbox.height); ctx.stroke();
      ctx.fillText(m.label, px + 3, u.bbox.top + 12 * devicePixelRatio * (1 + (k % 4)));
    });
    ctx.restore();
  };
  drawChart("releases-chart", { x, series, yLabel: `new models per ${v.unit}`, hooks: { draw: [draw] } });
  $("#releases-table").innerHTML = table([{ key: "release", label: "release" }, { key: "date", label: "date" }, { key: "architecture", label: "architecture" }], releases);
  record("releases", url, json, x, series.map((s) => ({ label: s.label, values: s.values })).concat([{ label: "releases", values: marks.map((m) => m.t) }]));
};

// ---- evolution of base models ----

const evolution = { bases: [], offered: [] };

function suggestInto(input, list) {
  let timer = null;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const q = input.value.trim();
      if (q.length < 2) return;
      const r = await api(`/api/models${query({ q, limit: 12 })}`);
      list.innerHTML = r.models.map((m) => `<option value="${esc(m.id)}">${fmt(m.descendants)} descendants</option>`).join("") +
        r.did_you_mean.map((m) => `<option value="${esc(m)}">did you mean?</option>`).join("");
    }, 120);
  });
}

function renderBaseChips(form) {
  const box = $("#evolution-picks");
  box.innerHTML = evolution.bases.map((b, i) => `<span class="chip" style="border-left:4px solid ${PALETTE[i % PALETTE.length]}">${esc(b)} <button type="button" data-base="${esc(b)}" title="remove">&times;</button></span>`).join("") +
    (evolution.offered.length ? ` <label>Offer <select id="evolution-offer"><option value="">the papers' bases and the most derived-from...</option>${evolution.offered.filter((b) => !evolution.bases.includes(b)).map((b) => `<option>${esc(b)}</option>`).join("")}</select></label>` : "");
  box.onclick = (e) => { const b = e.target.dataset && e.target.dataset.base; if (b) { evolution.bases = evolution.bases.filter((x) => x !== b); views.evolution(form); } };
  const offer = $("#evolution-offer");
  if (offer) offer.onchange = () => { if (offer.value) { evolution.bases.push(offer.value); views.evolution(form); } };
}

views.evolution = async (form) => {
  if (!evolution.offered.length) {
    const b = await api("/api/bases");
    evolution.offered = b.bases.map((m) => m.id);
    // Start with the papers' bases whose families are largest here.
    const papers = b.bases.slice(0, b.papers).filter((m) => m.descendants > 0).sort((a, c) => c.descendants - a.descendants);
    if (!evolution.bases.length) evolution.bases = (papers.length ? papers : b.bases).slice(0, 3).map((m) => m.id);
  }
  const v = formValues(form);
  if (v.add && !evolution.bases.includes(v.add)) { evolution.bases.push(v.add); form.elements.add.value = ""; }
  renderBaseChips(form);
  const t0 = performance.now();
  const answers = [];
  const errors = [];
  for (const base of evolution.bases) {
    const url = `/api/query/improvements${query({ base, match: v.match, normalize: "log" })}`;
    try { answers.push({ base, url, json: await api(url) }); } catch (e) { errors.push(`${base}: ${e.message}`); }
  }
  // One x axis (days since release) for every base's frontier.
  const days = [...new Set(answers.flatMap((a) => a.json.frontier.map((s) => s.days_since_release).filter((d) => d !== null)))].sort((a, b) => a - b);
  const pos = new Map(days.map((d, i) => [d, i]));
  const names = [];
  const series = answers.map((a, i) => {
    const vals = days.map(() => null);
    const labels = days.map(() => "");
    for (const s of a.json.frontier) if (s.days_since_release !== null) { vals[pos.get(s.days_since_release)] = s[v.y]; labels[pos.get(s.days_since_release)] = s.model; }
    names.push(labels);
    return { label: a.base, color: PALETTE[evolution.bases.indexOf(a.base) % PALETTE.length], values: vals, spanGaps: true, stepped: true, points: false, hover: (k) => labels[k] ? ` ${labels[k]}` : "" };
  });
  series.forEach((s) => { s.width = 2; });
  const drawLabels = (u) => {
    const ctx = u.ctx, dpr = devicePixelRatio;
    ctx.save();
    // Every record-setter gets a dot in its base's colour, so a frontier of one record shows.
    const items = [];
    series.forEach((s, si) => s.values.forEach((val, k) => {
      if (val === null || !names[si][k]) return;
      const px = u.valToPos(days[k], "x", true), py = u.valToPos(val, "y", true);
      ctx.fillStyle = s.color; ctx.beginPath(); ctx.arc(px, py, 3.5 * dpr, 0, 7); ctx.fill();
      items.push({ px, py, text: names[si][k].split("/").pop().slice(0, 24) });
    }));
    let placed = [];
    if (v.labels) {
      ctx.font = `${10 * dpr}px sans-serif`; ctx.fillStyle = "#333"; ctx.textBaseline = "top"; ctx.textAlign = "left";
      const box = { left: u.bbox.left, top: u.bbox.top, right: u.bbox.left + u.bbox.width, bottom: u.bbox.top + u.bbox.height };
      placed = placeLabels(items, box, 10 * dpr, (t) => ctx.measureText(t).width, 4 * dpr);
      for (const r of placed) ctx.fillText(r.text, r.x, r.y);
    }
    ctx.restore();
    const hidden = v.labels ? items.length - placed.length : 0;
    window.dashboard.labels["evolution-chart"] = { placed: placed.map((r) => ({ ...r })), hidden, plot: { left: u.bbox.left, top: u.bbox.top, width: u.bbox.width, height: u.bbox.height } };
    $("#evolution-hidden").textContent = hidden ? `${hidden} of ${items.length} labels left out where they would overlap; hover a dot for its model.` : "";
  };
  // The normalised value divides percent (lineage method) or points (name method).
  const unit = answers.length && answers[0].json.normalized_unit === "points" ? "points" : "%";
  const yLabel = { improvement_points: "improvement over the base, points", improvement_pct: "improvement over the base, %", normalized: `improvement ${unit} / ln(scored members)` }[v.y];
  drawChart("evolution-chart", { x: days, series, xTime: false, xLabel: "days since release", yLabel, hooks: { draw: [drawLabels] }, height: 420 });
  status("evolution", `${answers.map((a) => `${a.base}: ${a.json.scored_members} scored members, ${a.json.frontier.length} records, total ${fmt(a.json.total_improvement_pct)}%`).join("; ")}${errors.length ? "; " + errors.join("; ") : ""}; answered in ${Math.round(performance.now() - t0)} ms`, errors.length > 0);
  record("evolution", answers.map((a) => a.url), answers.map((a) => a.json), days, series.map((s) => ({ label: s.label, values: s.values })));
};

// ---- lineage explorer ----

const explorer = { offset: 0, limit: 60 };

function explorerParams(form) {
  const v = formValues(form);
  return { model: v.model, depth: v.depth, kind: v.kind, offset: explorer.offset, limit: explorer.limit };
}

function drawGraph(sub) {
  const levels = new Map();
  for (const n of sub.nodes) { if (!levels.has(n.level)) levels.set(n.level, []); levels.get(n.level).push(n); }
  const order = [...levels.keys()].sort((a, b) => a - b);
  const colW = 340, rowH = 26, boxW = 270, gap = colW - boxW, top = 24;
  const pos = new Map();
  let height = 0;
  order.forEach((l, c) => levels.get(l).forEach((n, r) => { pos.set(n.id, { x: 10 + c * colW, y: 30 + r * rowH }); height = Math.max(height, 30 + (r + 1) * rowH); }));
  const width = 20 + order.length * colW;
  const heads = order.map((l, c) => `<text x="${10 + c * colW}" y="16" fill="#5d6778">${l < 0 ? `${-l} generation${l < -1 ? "s" : ""} up` : l === 0 ? "model" : `${l} generation${l > 1 ? "s" : ""} down`}</text>`).join("");
  // Edges run only through the gaps between columns and the band above the boxes, so no
  // edge crosses a model it does not join.
  const route = (a, b) => {
    const ya = a.y + 9, yb = b.y + 9;
    if (a.x === b.x) {
      // Within one generation: an arc in the gap right of the column, wider for longer spans.
      const r = a.x + boxW, bulge = Math.min(gap - 12, 10 + 3 * Math.abs(yb - ya) / rowH);
      return `M${r},${ya} C${r + bulge},${ya} ${r + bulge},${yb} ${r},${yb}`;
    }
    const fwd = b.x > a.x;
    const xa = fwd ? a.x + boxW : a.x, xb = fwd ? b.x : b.x + boxW;
    if (Math.abs(b.x - a.x) === colW) {
      const m = (xa + xb) / 2;
      return `M${xa},${ya} C${m},${ya} ${m},${yb} ${xb},${yb}`;
    }
    // Across generations: up the gap, along the band above the boxes, down the far gap.
    const ga = fwd ? xa + gap / 2 : xa - gap / 2, gb = fwd ? xb - gap / 2 : xb + gap / 2;
    return `M${xa},${ya} L${ga},${ya} L${ga},${top} L${gb},${top} L${gb},${yb} L${xb},${yb}`;
  };
  const edges = sub.edges.map((e) => {
    const a = pos.get(e.source), b = pos.get(e.target);
    if (!a || !b) return "";
    return `<path d="${route(a, b)}" data-source="${esc(e.source)}" data-target="${esc(e.target)}" fill="none" stroke="${KIND_COLOR[e.kind] || "#999"}" stroke-width="1.3"><title>${esc(e.source)} → ${esc(e.target)} (${e.kind})</title></path>`;
  }).join("");
  const nodes = sub.nodes.map((n) => {
    const p = pos.get(n.id);
    const label = n.id.length > 34 ? n.id.slice(0, 33) + "…" : n.id;
    const tip = `${n.id}\ncreated ${n.created ?? "?"}\nlicense ${n.license ?? "?"}\naverage ${fmt(n.average)}\n${fmt(n.descendants)} descendants${n.stub ? "\n(named by derivatives only)" : ""}${n.flagged ? "\nflagged" : ""}`;
    return `<g class="node ${n.role}" data-id="${esc(n.id)}" transform="translate(${p.x},${p.y})"><rect width="${boxW}" height="19" rx="4"></rect><text x="5" y="13">${esc(label)}${n.average != null ? ` · ${n.average.toFixed(1)}` : ""}</text><title>${esc(tip)}</title></g>`;
  }).join("");
  const legend = `<div class="legend-kinds">${Object.entries(KIND_COLOR).map(([k, c]) => `<span style="color:${c}">&#9644; ${k}</span>`).join("")}</div>`;
  $("#explorer-graph").innerHTML = legend + `<svg width="${width}" height="${height + 10}" xmlns="http://www.w3.org/2000/svg">${heads}${edges}${nodes}</svg>`;
}

views.explorer = async (form) => {
  if (!form.elements.model.value) {
    const b = await api("/api/bases");
    const most = b.bases.slice().sort((a, c) => c.descendants - a.descendants)[0];
    form.elements.model.value = (most && most.id) || "";
  }
  const p = explorerParams(form);
  const url = `/api/lineage${query(p)}`;
  const t0 = performance.now();
  const sub = await api(url);
  const ms = Math.round(performance.now() - t0);
  explorer.base = sub.base;
  $("#explorer-graphml").href = `/api/lineage.graphml${query(p)}`;
  form.elements.prev.disabled = sub.offset === 0;
  form.elements.next.disabled = sub.offset + sub.descendants_shown >= sub.descendants_total;
  drawGraph(sub);
  const focus = sub.nodes[0];
  $("#explorer-details").innerHTML = `<dl>${[["model", focus.id], ["author", focus.author], ["created", focus.created], ["type", focus.model_type], ["architecture", focus.architecture], ["license", focus.license],
    ["parameters", focus.params_b != null ? focus.params_b + " B" : null], ["average", fmt(focus.average)], ["descendants", fmt(focus.descendants)], ["base", sub.base],
    ["flags", [focus.stub && "named by derivatives only", focus.flagged && "flagged"].filter(Boolean).join(", ") || "none"]]
    .map(([k, v]) => `<dt>${k}</dt><dd>${esc(v ?? "-")}</dd>`).join("")}</dl>`;
  status("explorer", `${sub.ancestors} ancestors; descendants ${sub.descendants_total ? `${sub.offset + 1}-${sub.offset + sub.descendants_shown} of ${sub.descendants_total.toLocaleString("en")}` : "none"} within ${sub.depth} generation(s); ${sub.edges.length} edges shown; answered in ${ms} ms. Click a model to move to it.`);
  record("explorer", url, sub, [], []);
};

// ---- wiring ----

const forms = {};

async function show(view) {
  document.querySelectorAll(".view").forEach((s) => s.classList.toggle("active", s.id === `view-${view}`));
  document.querySelectorAll("#tabs a").forEach((a) => a.classList.toggle("active", a.dataset.view === view));
  try { await views[view](forms[view]); } catch (e) { status(view, e.message, true); }
}

function currentView() {
  const v = location.hash.replace(/^#/, "").split("?")[0];
  return views[v] ? v : "overview";
}

document.addEventListener("DOMContentLoaded", () => {
  for (const name of Object.keys(views)) {
    const form = $(`#view-${name} form`);
    if (!form) continue;
    forms[name] = form;
    addCommon(form);
    form.addEventListener("submit", (e) => e.preventDefault());
    form.addEventListener("change", (e) => {
      if (name === "explorer" && e.target.name !== "model") explorer.offset = 0;
      if (name === "explorer" && e.target.name === "model") explorer.offset = 0;
      show(name);
    });
  }
  suggestInto(forms.evolution.elements.add, $("#evolution-suggest"));
  suggestInto(forms.explorer.elements.model, $("#explorer-suggest"));
  const ex = forms.explorer;
  ex.elements.prev.onclick = () => { explorer.offset = Math.max(0, explorer.offset - explorer.limit); show("explorer"); };
  ex.elements.next.onclick = () => { explorer.offset += explorer.limit; show("explorer"); };
  ex.elements.frontier.onclick = () => {
    if (explorer.base && !evolution.bases.includes(explorer.base)) evolution.bases.push(explorer.base);
    location.hash = "#evolution";
  };
  $("#explorer-graph").addEventListener("click", (e) => {
    const g = e.target.closest(".node");
    if (g) { ex.elements.model.value = g.dataset.id; explorer.offset = 0; show("explorer"); }
  });
  window.addEventListener("hashchange", () => show(currentView()));
  show(currentView());
});
