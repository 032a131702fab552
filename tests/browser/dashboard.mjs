// Drives the dashboard in headless Chromium as a person would: opens each view, changes a
// control, and checks that the chart then shows exactly what the API answers for the same
// parameters. Usage: node dashboard.mjs BASE_URL SCREENSHOT_DIR [DOC_IMAGE_DIR]
import { chromium } from "playwright-core";
import { mkdtempSync, mkdirSync, rmSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [base, shots, docs] = process.argv.slice(2);
if (!base || !shots) {
  console.error("usage: node dashboard.mjs BASE_URL SCREENSHOT_DIR [DOC_IMAGE_DIR]");
  process.exit(2);
}
mkdirSync(shots, { recursive: true });
const profile = mkdtempSync(join(tmpdir(), "lineage-chromium-"));
const failures = [];
let passed = 0;

function check(cond, what) {
  if (cond) passed++;
  else failures.push(what);
  return cond;
}

const close = (a, b) => (a === null || a === undefined) ? (b === null || b === undefined) : Math.abs(a - b) < 1e-9 * Math.max(1, Math.abs(b));
const sameSeries = (got, want) => got.length === want.length && got.every((x, i) => close(x, want[i]));

const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  viewport: { width: 1200, height: 820 },
  timeout: 30000,
});
context.setDefaultTimeout(15000);
const page = await context.newPage();
const consoleErrors = [];
page.on("pageerror", (e) => consoleErrors.push(String(e)));
page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
// Nothing but the server under test is ever asked for.
await page.route("**/*", (route) => route.request().url().startsWith(base) ? route.continue() : route.abort());

// Waits until view `name` has drawn something newer than `after` and no request is open.
async function drawn(name, after = 0) {
  await page.waitForFunction(([n, t]) => {
    const v = window.dashboard.views[n];
    return v && v.at > t && window.dashboard.busy === 0;
  }, [name, after]);
  return page.evaluate((n) => window.dashboard.views[n], name);
}

async function apiJSON(url) {
  return page.evaluate(async (u) => (await fetch(u)).json(), url);
}

// The plotted y values of chart `id`, un-stacked when the chart stacks its series.
async function plotted(id, stacked) {
  return page.evaluate(([cid, st]) => {
    const u = window.dashboard.charts[cid];
    if (!u) return null;
    const ys = u.data.slice(1).map((s) => Array.from(s));
    if (!st) return { x: Array.from(u.data[0]), ys, labels: u.series.slice(1).map((s) => s.label) };
    const raw = ys.map((s, i) => s.map((v, k) => i === 0 ? v : v - ys[i - 1][k]));
    return { x: Array.from(u.data[0]), ys: raw, labels: u.series.slice(1).map((s) => s.label) };
  }, [id, stacked]);
}

async function shot(name) {
  await page.waitForTimeout(150);
  const file = join(shots, `dashboard-${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  if (docs) { mkdirSync(docs, { recursive: true }); copyFileSync(file, join(docs, `dashboard-${name}.png`)); }
}

async function select(view, name, value) {
  await page.selectOption(`#view-${view} [name=${name}]`, value);
}

const rowsOf = (json, suffix = "") => {
  const t = json.tables.find((t) => t.name === json.name + suffix) || json.tables[0];
  return t.rows.map((r) => Object.fromEntries(t.columns.map((c, i) => [c, r[i]])));
};
const periodTime = (label) => { const [y, m, d] = String(label).split("-").map(Number); return Date.UTC(y, (m || 1) - 1, d || 1) / 1000; };

try {
  // Overview: first paint of real numbers, timed from navigation.
  const t0 = Date.now();
  await page.goto(`${base}#overview`);
  const ov = await drawn("overview");
  const loadMs = Date.now() - t0;
  const inPage = await page.evaluate(() => Math.round(window.dashboard.views.overview.at - performance.timeOrigin));
  console.log(`overview usable after ${loadMs} ms (first load in a fresh profile; ${inPage} ms after navigation start by the page's own clock)`);
  const t1 = Date.now();
  await page.reload();
  await drawn("overview");
  console.log(`overview usable after ${Date.now() - t1} ms (reload)`);
  const timing = await page.evaluate(() => { const n = performance.getEntriesByType("navigation")[0]; return { domContentLoaded: Math.round(n.domContentLoadedEventEnd), load: Math.round(n.loadEventEnd) }; });
  console.log(`navigation timing: DOMContentLoaded ${timing.domContentLoaded} ms, load ${timing.load} ms`);
  const info = await apiJSON("/api/info");
  check(JSON.stringify(ov.json) === JSON.stringify(info), "overview shows /api/info");
  const cards = await page.textContent("#info-cards");
  check(cards.includes(info.models.toLocaleString("en")), `overview card shows ${info.models} models`);
  await shot("overview");

  // Model types: weekly by default, then monthly shares.
  await page.goto(`${base}#types`);
  let v = await drawn("types");
  check(v.url.includes("unit=week"), "model types start weekly");
  await select("types", "unit", "month");
  v = await drawn("types", v.at);
  check(v.url.includes("unit=month"), "model types follow the unit control");
  let json = await apiJSON(v.url);
  let p = await plotted("types-chart", true);
  let rows = rowsOf(json);
  check(p && p.labels.length > 0 && p.labels.every((t, i) => sameSeries(p.ys[i], rows.map((r) => r[t]))), "model types chart equals the API's counts");
  check(sameSeries(p.x, rows.map((r) => periodTime(r.period))), "model types chart has the API's periods");
  await select("types", "mode", "shares");
  v = await drawn("types", v.at);
  p = await plotted("types-chart", true);
  check(p.labels.every((t, i) => sameSeries(p.ys[i], rows.map((r) => r["share " + t]))), "model types shares equal the API's");
  await shot("types");

  // Author activity: top 10, then top 5.
  await page.goto(`${base}#authors`);
  v = await drawn("authors");
  check(v.url.includes("top=10"), "author activity starts with 10 authors");
  await page.fill("#view-authors [name=top]", "5");
  await page.press("#view-authors [name=top]", "Enter");
  await page.dispatchEvent("#view-authors [name=top]", "change");
  v = await drawn("authors", v.at);
  check(v.url.includes("top=5"), "author activity follows the top control");
  json = await apiJSON(v.url);
  const main = rowsOf(json), activity = rowsOf(json, "-activity");
  p = await plotted("authors-chart", false);
  check(p.labels.length === main.length && p.labels.every((a, i) => a === main[i].author), "author activity plots the API's top authors");
  const periods = [...new Set(activity.map((r) => r.period))].sort();
  check(p.labels.every((a, i) => sameSeries(p.ys[i], periods.map((per) => (activity.find((r) => r.author === a && r.period === per) || { models: 0 }).models))), "author activity counts equal the API's");
  const tableRows = await page.$$eval("#authors-table tr", (trs) => trs.length - 1);
  check(tableRows === main.length, "average score table lists every author shown");
  await shot("authors");
  // Coloured by type: the ticked authors' models per period, stacked by type.
  await select("authors", "colour", "type");
  v = await drawn("authors", v.at);
  json = await apiJSON(v.url);
  const byType = rowsOf(json, "-types");
  p = await plotted("authors-chart", true);
  const typesShown = [...new Set(byType.map((r) => r.type))];
  check(p.labels.length === typesShown.length && p.labels.every((t) => typesShown.includes(t)), "author activity by type plots every type the API lists");
  check(p.labels.every((t, i) => sameSeries(p.ys[i], periods.map((per) => byType.filter((r) => r.type === t && r.period === per).reduce((a, r) => a + r.models, 0)))), "author activity by type equals the API's counts");
  const perAuthor = periods.map((per) => activity.filter((r) => r.period === per).reduce((a, r) => a + r.models, 0));
  check(sameSeries(periods.map((_, k) => p.ys.reduce((a, s) => a + s[k], 0)), perAuthor), "the types add up to the authors' models per period");
  await shot("authors-by-type");

  // Scores by type.
  await page.goto(`${base}#scores`);
  v = await drawn("scores");
  await select("scores", "unit", "month");
  v = await drawn("scores", v.at);
  check(v.url.includes("unit=month"), "scores follow the unit control");
  json = await apiJSON(v.url);
  rows = rowsOf(json);
  p = await plotted("scores-cumulative", false);
  const sp = [...new Set(rows.map((r) => r.period))].sort();
  check(p.labels.length > 0 && p.labels.every((t, i) => sameSeries(p.ys[i], sp.map((per) => { const r = rows.find((r) => r.type === t && r.period === per); return r ? r.cumulative_scored : null; }))), "cumulative scored models equal the API's");
  const best = await plotted("scores-chart", false);
  check(best.labels.filter((l) => l.endsWith(" best")).every((l) => { const t = l.slice(0, -5); const i = best.labels.indexOf(l); return sameSeries(best.ys[i], sp.map((per) => { const r = rows.find((r) => r.type === t && r.period === per); return r ? r.best : null; })); }), "best scores equal the API's");
  await shot("scores");

  // Architecture popularity.
  await page.goto(`${base}#architectures`);
  v = await drawn("architectures");
  await select("architectures", "unit", "month");
  v = await drawn("architectures", v.at);
  json = await apiJSON(v.url);
  rows = rowsOf(json);
  p = await plotted("architectures-chart", false);
  check(p.labels.length > 0 && p.labels.every((g, i) => sameSeries(p.ys[i], rows.map((r) => r["share " + g]))), "architecture shares equal the API's");
  await select("architectures", "mode", "itself");
  v = await drawn("architectures", v.at);
  p = await plotted("architectures-chart", false);
  check(p.ys.every((s) => Math.abs(Math.max(...s) - 1) < 1e-9 || Math.max(...s) === 0), "relative to itself peaks at 1");
  await shot("architectures");

  // Evolution of base models.
  await page.goto(`${base}#evolution`);
  v = await drawn("evolution");
  check(Array.isArray(v.url) && v.url.length > 0, "evolution starts with bases offered");
  await select("evolution", "y", "improvement_pct");
  v = await drawn("evolution", v.at);
  p = await plotted("evolution-chart", false);
  let ok = true;
  for (let i = 0; i < v.url.length; i++) {
    const j = await apiJSON(v.url[i]);
    for (const s of j.frontier) {
      if (s.days_since_release === null) continue;
      const k = p.x.indexOf(s.days_since_release);
      ok = ok && k >= 0 && close(p.ys[i][k], s.improvement_pct);
    }
    ok = ok && p.labels[i] === j.base;
  }
  check(ok, "evolution frontier equals the API's improvement percentages");
  await page.check("#view-evolution [name=labels]");
  v = await drawn("evolution", v.at);
  const lab = await page.evaluate(() => window.dashboard.labels["evolution-chart"]);
  const meet = (a, b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
  check(lab && lab.placed.length > 0, "evolution labels are drawn");
  check(lab.placed.every((a, i) => lab.placed.every((b, j) => i === j || !meet(a, b))), "no two evolution labels overlap");
  check(lab.placed.every((r) => r.x >= lab.plot.left && r.y >= lab.plot.top && r.x + r.w <= lab.plot.left + lab.plot.width && r.y + r.h <= lab.plot.top + lab.plot.height), "every evolution label lies inside the plot");
  const hiddenNote = await page.textContent("#evolution-hidden");
  check(lab.hidden === 0 ? hiddenNote === "" : hiddenNote.startsWith(`${lab.hidden} of `), `labels left out are counted on screen (${lab.hidden}: "${hiddenNote}")`);
  await shot("evolution");

  // Effect of releases.
  await page.goto(`${base}#releases`);
  v = await drawn("releases");
  await select("releases", "unit", "month");
  v = await drawn("releases", v.at);
  json = await apiJSON(v.url);
  rows = rowsOf(json);
  p = await plotted("releases-chart", false);
  check(p.labels.length > 0 && p.labels.every((g, i) => sameSeries(p.ys[i], rows.map((r) => r[g]))), "releases chart counts equal the API's");
  const rel = rowsOf(json, "-releases");
  check((await page.$$eval("#releases-table tr", (t) => t.length - 1)) === rel.length, "every release is listed");
  await shot("releases");

  // Lineage explorer: depth, a click through, GraphML of what is shown.
  await page.goto(`${base}#explorer`);
  v = await drawn("explorer");
  await select("explorer", "depth", "1");
  v = await drawn("explorer", v.at);
  check(v.url.includes("depth=1"), "explorer follows the depth control");
  json = await apiJSON(v.url);
  check(JSON.stringify(json) === JSON.stringify(v.json), "explorer shows the API's subgraph");
  const drawnNodes = await page.$$eval("#explorer-graph .node", (n) => n.map((g) => g.dataset.id));
  check(drawnNodes.length === json.nodes.length && json.nodes.every((n) => drawnNodes.includes(n.id)), "every node of the subgraph is drawn");
  const graphml = await page.evaluate(async () => (await fetch(document.querySelector("#explorer-graphml").href)).text());
  check(graphml.startsWith("<?xml") && (graphml.match(/<node /g) || []).length === json.nodes.length, "GraphML download holds the shown nodes");
  // No edge passes through a model it does not join, and every label fits its box.
  const crossings = await page.evaluate(() => {
    const boxes = [...document.querySelectorAll("#explorer-graph .node")].map((g) => {
      const r = g.querySelector("rect"), t = g.transform.baseVal.consolidate().matrix;
      return { id: g.dataset.id, x: t.e, y: t.f, w: r.width.baseVal.value, h: r.height.baseVal.value, text: g.querySelector("text").getComputedTextLength() };
    });
    const bad = [];
    for (const p of document.querySelectorAll("#explorer-graph path")) {
      const len = p.getTotalLength();
      for (let i = 0; i <= 80; i++) {
        const q = p.getPointAtLength((len * i) / 80);
        const hit = boxes.find((b) => b.id !== p.dataset.source && b.id !== p.dataset.target && q.x > b.x + 1 && q.x < b.x + b.w - 1 && q.y > b.y + 1 && q.y < b.y + b.h - 1);
        if (hit) { bad.push(`${p.dataset.source} -> ${p.dataset.target} crosses ${hit.id}`); break; }
      }
    }
    const overflow = boxes.filter((b) => b.text > b.w - 5).map((b) => b.id);
    return { bad, overflow, paths: document.querySelectorAll("#explorer-graph path").length };
  });
  check(crossings.paths > 0 && crossings.bad.length === 0, `no explorer edge crosses a model (${crossings.bad.slice(0, 3).join("; ")})`);
  check(crossings.overflow.length === 0, `every explorer label fits its box (${crossings.overflow.slice(0, 3).join(", ")})`);
  await shot("explorer");
  const target = json.nodes.find((n) => n.role === "descendant") || json.nodes.find((n) => n.role === "ancestor");
  if (check(!!target, "explorer shows a neighbour to click")) {
    await page.click(`#explorer-graph .node[data-id="${target.id}"]`);
    v = await drawn("explorer", v.at);
    check(v.json.focus === target.id, "clicking a model moves the explorer to it");
  }
  await page.click("#view-explorer [name=frontier]");
  v = await drawn("evolution", (await page.evaluate(() => window.dashboard.views.evolution.at)));
  check(v.json.some((j) => j.base === (json.base)), "the jump shows the base's frontier");

  check(consoleErrors.length === 0, `no script errors (${consoleErrors.join(" | ")})`);
} catch (e) {
  failures.push(`stopped: ${e.message}`);
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
for (const f of failures) console.error(`FAILED: ${f}`);
console.log(`${passed} passed, ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);
