// Browser, link and accessibility checks of a built govsite site, in Debian's Chromium driven
// headless by playwright-core (which never downloads a browser of its own).
//
//   node browser.mjs --site DIR [--serve http://127.0.0.1:PORT/] [--out DIR] [--chromium PATH]
//
// scripts/browser-test builds the example, starts `govsite serve` and runs this; OUT defaults to
// target/browser-test/ of the repository.
//
// Every check prints `ok` or `FAIL`; the last line is `browser.mjs: N checks passed, M failed`,
// and the counts are written to OUT/results.json for scripts/browser-test. Exit 1 on any failure.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const AXE_SOURCE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

// ---------------------------------------------------------------- arguments
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const options = { out: path.join(REPO, "target/browser-test"), chromium: process.env.CHROMIUM || "/usr/bin/chromium" };
for (let i = 2; i < process.argv.length; i += 2) {
  const [flag, value] = [process.argv[i], process.argv[i + 1]];
  if (!["--site", "--serve", "--out", "--chromium", "--paged-site"].includes(flag) || value === undefined) {
    console.error(`usage: node browser.mjs --site DIR [--paged-site DIR] [--serve URL] [--out DIR] [--chromium PATH] (bad: ${flag})`);
    process.exit(2);
  }
  options[flag.slice(2)] = value;
}
if (!options.site) {
  console.error("browser.mjs: --site DIR is required");
  process.exit(2);
}
const SITE = path.resolve(options.site);
const OUT = path.resolve(options.out);
fs.mkdirSync(OUT, { recursive: true });

// Pages checked with axe-core, in light and dark mode; the record pages are the ones the
// click-through visits (filled in below), so they always exist.
const AXE_PAGES = ["index.html", "controls.html", "incidents.html", "exceptions.html", "people.html",
  "processes.html", "frameworks.html", "accountability.html", "report.html", "definitions.html",
  "teams.html", "findings.html", "lists/flagged-exceptions.html"];
const LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--disable-quic"];

// ---------------------------------------------------------------- checks
let passed = 0;
let failed = 0;
const notes = [];

async function check(name, body) {
  const started = Date.now();
  try {
    const detail = await body();
    passed++;
    console.log(`ok   ${name}${detail ? ` — ${detail}` : ""} (${Date.now() - started} ms)`);
  } catch (error) {
    failed++;
    console.log(`FAIL ${name}\n     ${String(error && error.message ? error.message : error).split("\n").join("\n     ")}`);
  }
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

// Every .html file of the site, as paths relative to it with forward slashes.
function sitePages() {
  const pages = [];
  (function walk(dir) {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".html")) pages.push(path.relative(SITE, full).split(path.sep).join("/"));
    }
  })(SITE);
  return pages.sort();
}

function pageUrl(base, relative) {
  return new URL(relative.split("/").map(encodeURIComponent).join("/"), base).href;
}

// Collects console errors, page errors, failed requests and HTTP errors of a page.
function watch(page) {
  const problems = [];
  const pending = new Set();
  page.on("request", (request) => pending.add(request.url()));
  page.on("requestfinished", (request) => pending.delete(request.url()));
  page.on("requestfailed", (request) => pending.delete(request.url()));
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    // Chromium's own probe for /favicon.ico (over http only) is not a request of the page: the
    // site ships no icon, so note it rather than fail on it.
    if (message.location().url.endsWith("/favicon.ico")) {
      notes.push(`no site icon: Chromium's probe for ${message.location().url} failed (${message.text()})`);
      return;
    }
    problems.push(`console error: ${message.text()} (${page.url()})`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message} (${page.url()})`));
  page.on("requestfailed", (request) => {
    const reason = request.failure() ? request.failure().errorText : "failed";
    // govsite serve's live-reload poll is cut off whenever the page navigates away.
    if (request.url().endsWith("/__govsite/generation") && reason.includes("ERR_ABORTED")) return;
    problems.push(`request failed: ${request.url()} (${reason}) on ${page.url()}`);
  });
  page.on("response", (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  return {
    problems,
    pending,
    assertClean(what) {
      const found = problems.splice(0);
      assert(found.length === 0, `${what}:\n${found.slice(0, 20).join("\n")}`);
    },
  };
}

async function navigate(page, action, urlPattern) {
  await Promise.all([page.waitForURL(urlPattern, { waitUntil: "load" }), action()]);
}

async function text(locator) {
  return ((await locator.textContent()) || "").replace(/\s+/g, " ").trim();
}

// ---------------------------------------------------------------- crawl: every page, every link
async function crawl(context, mode, base) {
  const page = await context.newPage();
  const watcher = watch(page);
  const pages = sitePages();
  const ids = new Map(); // page URL without fragment -> Set of ids
  const references = []; // { from, kind, raw, url }
  for (const relative of pages) {
    const url = pageUrl(base, relative);
    let response;
    try {
      response = await page.goto(url, { waitUntil: "load", timeout: 10000 });
    } catch (error) {
      const waiting = [...watcher.pending].filter((u) => !u.endsWith("/__govsite/generation"));
      watcher.problems.push(`${relative} did not load: ${error.message.split("\n")[0]}; still waiting for: ${waiting.join(" ") || "nothing"}`);
      continue;
    }
    if (mode === "serve" && (!response || response.status() !== 200)) watcher.problems.push(`${url}: HTTP ${response && response.status()}`);
    const found = await page.evaluate(() => {
      const refs = [];
      document.querySelectorAll("a[href]").forEach((a) => refs.push(["a", a.getAttribute("href"), a.href]));
      document.querySelectorAll("img[src], script[src]").forEach((e) => refs.push([e.localName, e.getAttribute("src"), e.src]));
      document.querySelectorAll("link[href]").forEach((e) => refs.push(["link", e.getAttribute("href"), e.href]));
      return { refs, ids: Array.from(document.querySelectorAll("[id]"), (e) => e.id) };
    });
    ids.set(url.split("#")[0], new Set(found.ids));
    for (const [kind, raw, resolved] of found.refs) references.push({ from: relative, kind, raw, url: resolved });
  }
  await page.close();
  return { pages, ids, references, problems: watcher.problems };
}

async function checkReferences(mode, base, crawled) {
  const broken = [];
  const external = new Set();
  const statusOf = new Map();
  for (const ref of crawled.references) {
    const where = `${ref.from}: <${ref.kind}> ${ref.raw}`;
    if (/^(mailto|tel):/i.test(ref.raw)) continue;
    if (/^javascript:/i.test(ref.raw)) { broken.push(`${where}: javascript: URL`); continue; }
    const url = new URL(ref.url);
    const isServeHelper = mode === "serve" && url.pathname.startsWith("/__govsite/");
    if (ref.raw.startsWith("/") && !isServeHelper) {
      broken.push(`${where}: root-absolute link (the site must only use relative links)`);
      continue;
    }
    if (/^https?:$/.test(url.protocol) && url.origin !== new URL(base).origin) {
      if (ref.kind !== "a") broken.push(`${where}: resource loaded from another site`);
      else external.add(url.origin + url.pathname);
      continue;
    }
    const target = url.href.split("#")[0];
    if (mode === "file") {
      assert(url.protocol === "file:", `${where}: unexpected URL ${url.href}`);
      const file = fileURLToPath(target);
      if (!(file + path.sep).startsWith(SITE + path.sep) && file !== SITE) { broken.push(`${where}: leaves the site`); continue; }
      if (!fs.existsSync(file) || !fs.statSync(file).isFile()) { broken.push(`${where}: no such file ${path.relative(SITE, file)}`); continue; }
    } else {
      if (!statusOf.has(target)) {
        const response = await fetch(target).catch((error) => ({ status: `error ${error.message}` }));
        if (response.body) await response.arrayBuffer();
        statusOf.set(target, response.status);
      }
      const status = statusOf.get(target);
      if (status !== 200) { broken.push(`${where}: HTTP ${status}`); continue; }
    }
    if (url.hash.length > 1 && target.endsWith(".html")) {
      const targetIds = crawled.ids.get(target);
      const id = decodeURIComponent(url.hash.slice(1));
      if (targetIds && !targetIds.has(id)) broken.push(`${where}: no element with id "${id}"`);
    }
  }
  assert(broken.length === 0, `${broken.length} broken reference(s):\n${[...new Set(broken)].slice(0, 30).join("\n")}`);
  return `${crawled.references.length} references on ${crawled.pages.length} pages resolve` +
    (external.size ? `; ${external.size} external link(s) not fetched (no network)` : "");
}

// ---------------------------------------------------------------- user journeys
// Fills `visited` as it goes, so later checks can go on after a late failure.
async function clickThrough(context, mode, base, visited) {
  const page = await context.newPage();
  const watcher = watch(page);
  await page.goto(pageUrl(base, "index.html"), { waitUntil: "load" });
  assert(await page.getByRole("heading", { level: 1 }).isVisible(), "dashboard has no visible h1");

  // dashboard -> the first recurring control
  const controlLink = page.getByRole("table", { name: /Recurring controls/ }).getByRole("link", { name: /^CTL-/ }).first();
  visited.controlId = await text(controlLink);
  await navigate(page, () => controlLink.click(), `**/controls/${visited.controlId}.html`);
  visited.controlTitle = await text(page.getByRole("heading", { level: 1 }));
  assert(visited.controlTitle.length > 0, "control page has an empty h1");
  assert(await page.getByRole("img", { name: new RegExp(`Failures of ${visited.controlId}`) }).isVisible(),
    "control page: failure chart with a text alternative not visible");

  // control -> its newest failure
  const incidentLink = page.getByRole("table", { name: /Failures of this control/ }).getByRole("link", { name: /^INC-/ }).first();
  visited.incidentId = await text(incidentLink);
  await navigate(page, () => incidentLink.click(), `**/incidents/${visited.incidentId}.html`);
  assert(await page.getByRole("link", { name: visited.controlTitle }).count() > 0, "incident page does not link back to its control");

  // incident -> the first accountable person
  const personLink = page.getByRole("region", { name: "Accountable" }).getByRole("link").first();
  const personName = await text(personLink);
  await navigate(page, () => personLink.click(), "**/people/*.html");
  const heading = await text(page.getByRole("heading", { level: 1 }));
  assert(heading.startsWith(personName), `person page h1 "${heading}" is not "${personName}"`);
  visited.personPath = "people/" + decodeURIComponent(new URL(page.url()).pathname.split("/").pop());
  watcher.assertClean("console errors, page errors or failed requests");
  await page.close();
  return `${visited.controlId} -> ${visited.incidentId} -> ${visited.personPath}`;
}

// Keyboard only: Tab to the search box, type a control's name, ArrowDown, Enter.
async function searchByKeyboard(context, mode, base, visited, screenshot) {
  const page = await context.newPage();
  const watcher = watch(page);
  await page.goto(pageUrl(base, visited.personPath), { waitUntil: "load" }); // a nested page: root is "../"
  let tabs = 0;
  while (tabs < 6 && !(await page.evaluate(() => document.activeElement && document.activeElement.id === "search-box"))) {
    await page.keyboard.press("Tab");
    tabs++;
  }
  assert(await page.evaluate(() => document.activeElement.id === "search-box"), "the search box cannot be reached with Tab");
  const box = page.getByRole("combobox", { name: "Search records" });
  await page.keyboard.type(visited.controlTitle);
  const list = page.getByRole("listbox", { name: "Search results" });
  await list.waitFor({ state: "visible", timeout: 5000 });
  const options = list.getByRole("option");
  assert((await options.count()) >= 1, "no search result");
  const first = await text(options.first());
  assert(first.includes(visited.controlTitle), `first result "${first}" is not the control "${visited.controlTitle}"`);
  assert((await box.getAttribute("aria-expanded")) === "true", "aria-expanded is not true while results show");
  await page.keyboard.press("ArrowDown");
  if (screenshot) await page.screenshot({ path: path.join(OUT, screenshot) });
  assert((await options.first().getAttribute("aria-selected")) === "true", "ArrowDown does not select the first result");
  assert((await box.getAttribute("aria-activedescendant")) === (await options.first().getAttribute("id")),
    "aria-activedescendant does not point at the selected result");
  await navigate(page, () => page.keyboard.press("Enter"), `**/controls/${visited.controlId}.html`);
  const heading = await text(page.getByRole("heading", { level: 1 }));
  assert(heading === visited.controlTitle, `Enter opened "${heading}", not "${visited.controlTitle}"`);
  // Escape closes the list again.
  await box.fill("secret");
  await list.waitFor({ state: "visible", timeout: 5000 });
  await box.press("Escape");
  assert(await list.isHidden(), "Escape does not close the results");
  await box.fill("no-such-record-anywhere");
  await list.waitFor({ state: "visible", timeout: 5000 });
  assert((await text(list)) === "No record matches.", `no-match text is "${await text(list)}"`);
  const before = page.url();
  await box.press("Enter");
  assert(page.url() === before, "Enter without a match navigates");
  watcher.assertClean("console errors, page errors or failed requests");
  await page.close();
  return `reached with ${tabs} Tab(s), "${visited.controlTitle}" found, ArrowDown+Enter opened ${visited.controlId}`;
}

// Type a whole query while the search index is still on its way (held back over http until the
// last key): the index must be requested once, and the results must be those of the whole query,
// not of whichever prefix's request happened to finish last.
async function searchWhileIndexLoads(context, base, visited) {
  const page = await context.newPage();
  const watcher = watch(page);
  let requests = 0;
  let release;
  const typed = new Promise((resolve) => { release = resolve; });
  await page.route("**/assets/search-index.js", async (route) => {
    requests++;
    if (requests === 1) await typed;
    await route.continue();
  });
  await page.goto(pageUrl(base, visited.personPath), { waitUntil: "load" });
  const box = page.getByRole("combobox", { name: "Search records" });
  await box.focus();
  await page.keyboard.type(visited.controlTitle);
  release();
  await page.waitForFunction(() => window.GOVSITE_SEARCH !== undefined);
  const list = page.getByRole("listbox", { name: "Search results" });
  await list.waitFor({ state: "visible", timeout: 5000 });
  // Chromium may serve several identical requests in flight from one fetch, so count what the
  // page asked for: one script element per request.
  const scripts = await page.evaluate(() => document.querySelectorAll('script[src$="search-index.js"]').length);
  assert(scripts === 1 && requests === 1,
    `the index was asked for ${scripts} times (${requests} fetch(es)) for ${visited.controlTitle.length} keys`);
  const first = await text(list.getByRole("option").first());
  assert(first.includes(visited.controlTitle), `first result "${first}" is not the control "${visited.controlTitle}"`);
  watcher.assertClean("console errors, page errors or failed requests");
  await page.close();
  return `index requested once while ${visited.controlTitle.length} keys were typed; "${visited.controlTitle}" first`;
}

// Escape closes the results for good: a part of the index that arrives afterwards (the
// exceptions and incidents come in later scripts) must not open them again.
async function escapeWhileIndexLoads(context, base, visited) {
  const page = await context.newPage();
  const watcher = watch(page);
  let release;
  const closed = new Promise((resolve) => { release = resolve; });
  await page.route("**/assets/search-exceptions.js", async (route) => {
    await closed;
    await route.continue();
  });
  await page.goto(pageUrl(base, visited.personPath), { waitUntil: "load" });
  const box = page.getByRole("combobox", { name: "Search records" });
  await box.focus();
  await page.keyboard.type(visited.controlTitle);
  const list = page.getByRole("listbox", { name: "Search results" });
  await list.waitFor({ state: "visible", timeout: 5000 });
  await box.press("Escape");
  assert(await list.isHidden(), "Escape does not close the results");
  release();
  await page.waitForFunction(() => (window.GOVSITE_SEARCH_MORE || {}).exceptions !== undefined);
  await page.waitForTimeout(200);
  assert(await list.isHidden(), "the results opened again when the rest of the index arrived");
  assert((await box.getAttribute("aria-expanded")) === "false", "aria-expanded is not false after Escape");
  await page.keyboard.type(" ");
  await list.waitFor({ state: "visible", timeout: 5000 });
  watcher.assertClean("console errors, page errors or failed requests");
  await page.close();
  return "closed by Escape while the exceptions index loaded, still closed after it came; typing opens it again";
}

async function columnValues(table, index) {
  return table.locator("tbody tr").evaluateAll((rows, i) => rows.map((row) => row.cells[i].textContent.trim()), index);
}

// Sort the controls table by a number column (mouse) and by the control column (keyboard).
async function sortTable(context, mode, base) {
  const page = await context.newPage();
  const watcher = watch(page);
  await page.goto(pageUrl(base, "controls.html"), { waitUntil: "load" });
  const table = page.getByRole("table", { name: "All controls" });
  const headers = await table.locator("thead th").allTextContents();
  const numberColumn = headers.findIndex((h) => /Failures total/i.test(h));
  assert(numberColumn >= 0, `no "Failures total" column in ${headers.join(", ")}`);
  const before = await columnValues(table, numberColumn);
  const numbers = (values) => values.map(Number);
  const sortedUp = [...numbers(before)].sort((a, b) => a - b);
  const header = table.getByRole("columnheader", { name: /Failures total/ });

  await header.getByRole("button").click();
  const up = numbers(await columnValues(table, numberColumn));
  assert(JSON.stringify(up) === JSON.stringify(sortedUp), `ascending sort gave ${up}`);
  assert((await header.getAttribute("aria-sort")) === "ascending", "aria-sort is not ascending");
  assert(JSON.stringify(before) !== JSON.stringify(up.map(String)), "sorting did not change the order (pick another column)");

  await header.getByRole("button").focus();
  await page.keyboard.press("Enter");
  const down = numbers(await columnValues(table, numberColumn));
  assert(JSON.stringify(down) === JSON.stringify([...sortedUp].reverse()), `descending sort gave ${down}`);
  assert((await header.getAttribute("aria-sort")) === "descending", "aria-sort is not descending");

  // A text column, by keyboard: ids sort alphabetically.
  const controlHeader = table.getByRole("columnheader", { name: /^Control/ });
  await controlHeader.getByRole("button").focus();
  await page.keyboard.press("Space");
  const ids = (await columnValues(table, 0)).map((cell) => cell.split(/\s/)[0].toLowerCase());
  assert(JSON.stringify(ids) === JSON.stringify([...ids].sort((a, b) => a.localeCompare(b))), `control column not sorted: ${ids}`);
  assert((await table.locator("th[aria-sort]").count()) === 1, "more than one column claims aria-sort");

  // The filter above the table narrows it down to matching rows.
  const filter = page.getByRole("searchbox", { name: "Filter the table below" }).first();
  const total = await table.locator("tbody tr").count();
  await filter.fill("recurring");
  const shown = await table.locator("tbody tr:visible").allTextContents();
  assert(shown.length > 0 && shown.length < total, `filter "recurring" shows ${shown.length} of ${total} rows`);
  assert(shown.every((row) => row.toLowerCase().includes("recurring")), "filter shows a row without the text");
  await filter.fill("");
  assert((await table.locator("tbody tr:visible").count()) === total, "clearing the filter does not show every row");
  watcher.assertClean("console errors, page errors or failed requests");
  await page.close();
  return `${total} rows sorted by Failures total up (click) and down (Enter), by Control (Space); filter kept ${shown.length}`;
}

// A fresh browser stays on a page while live reload polls, then opens a page with three charts:
// the browser then opens new connections next to its idle keep-alive ones, which a server that
// pins a thread to each connection fails to answer (seen with govsite serve on tiny_http 0.12).
async function serveKeepsAnswering(base) {
  for (let round = 1; round <= 3; round++) {
    const fresh = await chromium.launch({ executablePath: options.chromium, headless: true, args: LAUNCH_ARGS });
    try {
      const page = await (await fresh.newContext()).newPage();
      const watcher = watch(page);
      await page.goto(pageUrl(base, "accountability.html"), { waitUntil: "load", timeout: 10000 });
      await page.waitForTimeout(1500);
      try {
        await page.goto(pageUrl(base, "index.html"), { waitUntil: "load", timeout: 8000 });
      } catch (error) {
        const waiting = [...watcher.pending].filter((u) => !u.endsWith("/__govsite/generation"));
        throw new Error(`round ${round}: index.html did not finish loading in 8 s; no answer for ${waiting.join(" ")}`);
      }
      watcher.assertClean(`round ${round}: console errors, page errors or failed requests`);
    } finally {
      await fresh.close();
    }
  }
  return "3 rounds";
}

// ---------------------------------------------------------------- JavaScript off, dark mode, axe
async function withoutJavaScript(browser, base) {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const watcher = watch(page);
  const summary = [];
  for (const relative of ["index.html", "controls.html", "incidents.html", "exceptions.html", "people.html"]) {
    await page.goto(pageUrl(base, relative), { waitUntil: "load" });
    const tables = await page.locator("table").count();
    const rows = await page.locator("table tbody tr").count();
    assert(tables > 0 && rows > 0, `${relative}: ${tables} tables, ${rows} rows with JavaScript off`);
    assert((await page.locator("th button.sort, input.filter").count()) === 0, `${relative}: script-only controls without JavaScript`);
    assert(await page.locator(".search").isHidden(), `${relative}: the search box shows although it cannot work without JavaScript`);
    assert(await page.getByRole("table").first().isVisible(), `${relative}: first table not visible`);
    summary.push(`${relative} ${tables}/${rows}`);
  }
  watcher.assertClean("console errors, page errors or failed requests");
  await context.close();
  return `tables/rows: ${summary.join(", ")}`;
}

async function darkMode(context, base) {
  const page = await context.newPage();
  const watcher = watch(page);
  await page.goto(pageUrl(base, "index.html"), { waitUntil: "load" });
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const luminance = (rgb) => { const [r, g, b] = rgb.match(/\d+/g).map(Number); return (r + g + b) / 3; };
  await page.emulateMedia({ colorScheme: "light" });
  const light = await background();
  await page.screenshot({ path: path.join(OUT, "dashboard-light.png"), fullPage: true });
  await page.emulateMedia({ colorScheme: "dark" });
  const dark = await background();
  await page.screenshot({ path: path.join(OUT, "dashboard-dark.png"), fullPage: true });
  assert(luminance(light) > 200 && luminance(dark) < 60, `body background light ${light}, dark ${dark}`);
  watcher.assertClean("console errors, page errors or failed requests");
  await page.close();
  return `body ${light} -> ${dark}`;
}

async function axe(page, label) {
  await page.addScriptTag({ content: AXE_SOURCE });
  const result = await page.evaluate(async () => {
    // Open every "Show the numbers" so the tables behind the charts are checked too.
    document.querySelectorAll("details").forEach((d) => { d.open = true; });
    const run = await window.axe.run(document, { resultTypes: ["violations"] });
    return run.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => `${n.target.join(" ")}: ${(n.failureSummary || "").split("\n").slice(1).join(" ").trim()}`),
      count: v.nodes.length,
    }));
  });
  const serious = result.filter((v) => v.impact === "serious" || v.impact === "critical");
  for (const v of result.filter((x) => !serious.includes(x))) notes.push(`axe ${v.impact} on ${label}: ${v.id} (${v.count}) ${v.help}`);
  assert(serious.length === 0, serious.map((v) => `${v.impact} ${v.id} (${v.count}): ${v.help}\n  ${v.nodes.join("\n  ")}`).join("\n"));
  return result.length ? `${result.length} minor/moderate finding(s), see notes` : "no violations";
}

// ---------------------------------------------------------------- phones and long lists
// One page of every kind: each page at the site root, and the first page of each folder. The
// later pages of a long list (`exceptions-2.html` beside `exceptions.html`) are the same kind as
// its first; a record whose id ends in digits (`EXC-2025-001.html`) is not such a page.
function onePageOfEachKind() {
  const pages = sitePages();
  const all = new Set(pages);
  const laterPage = (page) => {
    const match = /^(.*)-\d+\.html$/.exec(page);
    return match !== null && all.has(`${match[1]}.html`);
  };
  const kinds = new Map();
  for (const page of pages) {
    const kind = page.includes("/") ? page.split("/")[0] : page;
    if (!kinds.has(kind) && !laterPage(page)) kinds.set(kind, page);
  }
  return [...kinds.values()];
}

const PHONE = { width: 390, height: 844 };

// No page is wider than a 390 px phone: wide tables scroll inside their own box.
async function fitsPhones(browser, base) {
  const context = await browser.newContext({ viewport: PHONE, colorScheme: "light" });
  const page = await context.newPage();
  const watcher = watch(page);
  const wide = [];
  const pages = onePageOfEachKind();
  let widest = 0;
  for (const relative of pages) {
    await page.goto(pageUrl(base, relative), { waitUntil: "load" });
    const width = await page.evaluate(() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth));
    widest = Math.max(widest, width);
    if (width > PHONE.width) {
      const culprits = await page.evaluate((limit) => [...document.querySelectorAll("main *")]
        .filter((el) => el.getBoundingClientRect().right > limit + 1 && !el.closest(".table-scroll"))
        .slice(0, 3).map((el) => `${el.tagName.toLowerCase()}.${el.className}`), PHONE.width);
      wide.push(`${relative}: ${width}px (${culprits.join(", ")})`);
    }
    if (relative === "index.html") await page.screenshot({ path: path.join(OUT, "dashboard-phone.png"), fullPage: false });
  }
  watcher.assertClean("console errors, page errors or failed requests");
  await context.close();
  assert(wide.length === 0, `${wide.length} page(s) wider than ${PHONE.width}px:\n${wide.join("\n")}`);
  return `${pages.length} kinds of page, the widest ${widest}px`;
}

// On a laptop screen a table inside a card (an exception's grant periods) shows whole: its last
// column (the flags) is not cut off behind a scroll bar.
async function cardTablesFit(browser, base) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: "light" });
  const page = await context.newPage();
  const cut = [];
  const pages = onePageOfEachKind();
  let tables = 0;
  for (const relative of pages) {
    await page.goto(pageUrl(base, relative), { waitUntil: "load" });
    const found = await page.evaluate(() => [...document.querySelectorAll(".card .table-scroll")]
      .map((box) => ({ caption: box.querySelector("caption")?.textContent ?? "", over: box.scrollWidth - box.clientWidth })));
    tables += found.length;
    for (const table of found.filter((t) => t.over > 1)) cut.push(`${relative}: "${table.caption}" ${table.over}px cut off`);
  }
  await context.close();
  assert(tables > 0, "no page of the example site has a table inside a card: the check saw nothing");
  assert(cut.length === 0, `${cut.length} table(s) in cards scroll at 1280px:\n${cut.join("\n")}`);
  return `${tables} table(s) in cards on ${pages.length} kinds of page, none cut off`;
}

// A list of several pages: plain links between them with JavaScript off; with it on, the
// rows of the page shown sort and filter, and "—" sorts last both ways.
async function pagedLists(browser, base) {
  const report = [];
  for (const javaScriptEnabled of [false, true]) {
    const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const watcher = watch(page);
    await page.goto(pageUrl(base, "incidents.html"), { waitUntil: "load" });
    const where = await text(page.locator(".pager-where").first());
    const count = Number(where.match(/of (\d+)/)[1]);
    assert(count >= 2, `incidents.html says "${where}"`);
    const rowsOn = async () => page.locator("table.data tbody tr").count();
    assert((await rowsOn()) === 500, `page 1 has ${await rowsOn()} rows`);
    await navigate(page, () => page.getByRole("link", { name: "Next →" }).first().click(), /incidents-2\.html$/);
    assert((await rowsOn()) === 500 || count === 2, "page 2 is not full");
    assert(/Page 2 of/.test(await text(page.locator(".pager-where").first())), "page 2 does not say where it is");
    await navigate(page, () => page.locator(".pager").first().getByRole("link", { name: String(count), exact: true }).click(), new RegExp(`incidents-${count}\\.html$`));
    const last = await rowsOn();
    assert(last > 0 && last <= 500, `the last page has ${last} rows`);
    await navigate(page, () => page.getByRole("link", { name: "← Previous" }).first().click(), /incidents-\d+\.html$|incidents\.html$/);
    if (javaScriptEnabled) {
      const table = page.locator("table.data").first();
      const headers = await table.locator("thead th").allTextContents();
      const severity = headers.findIndex((h) => /Severity/i.test(h));
      assert(severity >= 0, `no Severity column in ${headers.join(", ")}`);
      const header = table.locator("thead th").nth(severity);
      for (const direction of ["ascending", "descending"]) {
        await header.getByRole("button").click();
        assert((await header.getAttribute("aria-sort")) === direction, `not ${direction}`);
        const values = await columnValues(table, severity);
        const firstEmpty = values.findIndex((v) => v === "—" || v === "");
        if (firstEmpty >= 0) assert(values.slice(firstEmpty).every((v) => v === "—" || v === ""), `"—" not last when ${direction}: ${values.slice(firstEmpty, firstEmpty + 5)}`);
      }
      const filter = page.getByRole("searchbox", { name: "Filter the table below" }).first();
      await filter.fill("critical");
      const shown = await table.locator("tbody tr:visible").count();
      assert(shown > 0 && shown < 500, `filter "critical" shows ${shown} rows`);
      assert(/this page/.test(await filter.getAttribute("placeholder")), "the filter does not say it works on this page");
    }
    watcher.assertClean("console errors, page errors or failed requests");
    report.push(`JS ${javaScriptEnabled ? "on" : "off"}: ${count} pages, last ${last} rows`);
    await context.close();
  }
  return report.join("; ");
}

// A large team's page shows the first 25 rows of each list and links to the whole list, which
// has pages of its own (teams/ID/LIST.html), reachable and usable with JavaScript off and on
// and on a phone.
async function teamLists(browser, base, dir) {
  const teams = fs.readdirSync(path.join(dir, "teams"), { withFileTypes: true })
    .filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  assert(teams.length > 0, "no team of the paged site has lists of its own");
  const team = teams[0];
  const report = [];
  let listPath = null;
  for (const javaScriptEnabled of [false, true]) {
    const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const watcher = watch(page);
    await page.goto(pageUrl(base, `teams/${team}.html`), { waitUntil: "load" });
    const all = page.locator("p.all-link a").first();
    const label = await text(all);
    const total = Number((label.match(/All (\d+)/) || [])[1]);
    assert(total > 25, `the first "All N" link on teams/${team}.html reads "${label}"`);
    const shown = await all.locator("xpath=ancestor::section[1]").locator("table.data tbody tr").count();
    assert(shown === 25, `the team page shows ${shown} rows of a list of ${total}`);
    await navigate(page, () => all.click(), new RegExp(`teams/${team}/\\w+\\.html$`));
    listPath = new URL(page.url()).pathname.split("/").slice(-3).join("/");
    const rows = await page.locator("table.data tbody tr").count();
    assert(rows === Math.min(total, 500), `${listPath} shows ${rows} rows of ${total}`);
    await navigate(page, () => page.locator(".crumbs").getByRole("link").nth(1).click(), new RegExp(`teams/${team}\\.html$`));
    watcher.assertClean("console errors, page errors or failed requests");
    report.push(`JS ${javaScriptEnabled ? "on" : "off"}: ${label} -> ${listPath}, ${rows} rows, back to the team`);
    await context.close();
  }
  const phone = await browser.newContext({ viewport: PHONE, colorScheme: "light" });
  const page = await phone.newPage();
  await page.goto(pageUrl(base, listPath), { waitUntil: "load" });
  const width = await page.evaluate(() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth));
  assert(width <= PHONE.width, `${listPath} is ${width}px wide at ${PHONE.width}px`);
  await phone.close();
  report.push(`${width}px wide on a phone`);
  return report.join("; ");
}

// ---------------------------------------------------------------- main
const browser = await chromium.launch({ executablePath: options.chromium, headless: true, args: LAUNCH_ARGS });
const started = Date.now();
try {
  const fileBase = pathToFileURL(SITE + path.sep).href;
  const modes = [["file", fileBase]];
  if (options.serve) modes.push(["serve", options.serve.endsWith("/") ? options.serve : options.serve + "/"]);
  let visited = null;

  for (const [mode, base] of modes) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: "light" });
    context.setDefaultTimeout(10000); // a hung request fails in seconds, not after 30 s
    let crawled = null;
    // First, while the server is fresh: it has the fewest threads then.
    if (mode === "serve") await check("serve: answers new connections while a page polls for reloads", () => serveKeepsAnswering(base));
    await check(`${mode}: every page loads without console errors, page errors or failed requests`, async () => {
      crawled = await crawl(context, mode, base);
      const found = crawled.problems;
      assert(found.length === 0, `${found.length} problem(s):\n${found.slice(0, 20).join("\n")}`);
      return `${crawled.pages.length} pages from ${base}`;
    });
    await check(`${mode}: every a[href], img[src], script[src] and link[href] resolves`, async () => {
      assert(crawled, "the crawl failed");
      return checkReferences(mode, base, crawled);
    });
    const seen = {};
    await check(`${mode}: click through dashboard -> control -> incident -> person`, () => clickThrough(context, mode, base, seen));
    if (!visited && seen.personPath) visited = seen;
    await check(`${mode}: search for a control by name with the keyboard`, async () => {
      assert(seen.personPath, "the click-through did not reach a person, so there is no page to search from");
      return searchByKeyboard(context, mode, base, seen, mode === "file" ? "search-results.png" : null);
    });
    if (mode === "serve") {
      // Requests of file:// pages cannot be held back, so this runs over http only.
      await check("serve: keys typed while the search index loads find the whole query", async () => {
        assert(seen.personPath, "the click-through did not reach a person, so there is no page to search from");
        return searchWhileIndexLoads(context, base, seen);
      });
      await check("serve: Escape keeps the results closed while the rest of the index arrives", async () => {
        assert(seen.personPath, "the click-through did not reach a person, so there is no page to search from");
        return escapeWhileIndexLoads(context, base, seen);
      });
    }
    await check(`${mode}: sort and filter a table`, () => sortTable(context, mode, base));
    await context.close();
  }

  await check("file: tables are there with JavaScript off", () => withoutJavaScript(browser, fileBase));
  await check("file: no page is wider than a 390 px phone", () => fitsPhones(browser, fileBase));
  await check("file: tables in cards show whole at 1280 px", () => cardTablesFit(browser, fileBase));
  if (options["paged-site"]) {
    const pagedBase = pathToFileURL(path.resolve(options["paged-site"]) + path.sep).href;
    await check("file: long lists come in pages, with JavaScript off and on", () => pagedLists(browser, pagedBase));
    await check("file: a team page links to its long lists, which come in pages", () => teamLists(browser, pagedBase, options["paged-site"]));
  } else {
    notes.push("no --paged-site: the pages of long lists were not checked");
  }
  const shots = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await check("file: dark mode follows the system setting", () => darkMode(shots, fileBase));
  await check("file: screenshot of a control page", async () => {
    const page = await shots.newPage();
    const watcher = watch(page);
    await page.goto(pageUrl(fileBase, `controls/${visited ? visited.controlId : "CTL-SECRET-ROTATION"}.html`), { waitUntil: "load" });
    await page.screenshot({ path: path.join(OUT, "control.png"), fullPage: true });
    watcher.assertClean("console errors");
    await page.close();
  });
  await shots.close();

  // axe-core needs an inline script, which the site's Content-Security-Policy forbids: this
  // context alone bypasses CSP (the contexts above enforce it and fail on any violation).
  const axePages = [...AXE_PAGES];
  if (visited) axePages.push(`controls/${visited.controlId}.html`, `incidents/${visited.incidentId}.html`, visited.personPath);
  const firstOf = (dir) => sitePages().find((p) => p.startsWith(dir + "/"));
  for (const dir of ["exceptions", "frameworks", "processes"]) if (firstOf(dir)) axePages.push(firstOf(dir));
  const axeContext = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
  for (const scheme of ["light", "dark"]) {
    const page = await axeContext.newPage();
    const watcher = watch(page);
    await page.emulateMedia({ colorScheme: scheme });
    for (const relative of axePages) {
      await check(`axe ${scheme}: ${relative} has no serious or critical violation`, async () => {
        await page.goto(pageUrl(fileBase, relative), { waitUntil: "load" });
        return axe(page, `${relative} (${scheme})`);
      });
    }
    await check(`axe ${scheme}: open search results have no serious or critical violation`, async () => {
      await page.goto(pageUrl(fileBase, "index.html"), { waitUntil: "load" });
      await page.getByRole("combobox", { name: "Search records" }).fill("rotation");
      await page.getByRole("listbox").waitFor({ state: "visible" });
      await page.keyboard.press("ArrowDown");
      return axe(page, `search results (${scheme})`);
    });
    watcher.problems.length = 0; // axe's own probing is not the site's fault
    await page.close();
  }
  await axeContext.close();
} finally {
  await browser.close();
}

if (notes.length) {
  console.log("notes (not failures):");
  for (const note of [...new Set(notes)]) console.log(`  ${note}`);
}
console.log(`screenshots: ${OUT}`);
fs.writeFileSync(path.join(OUT, "results.json"), JSON.stringify({ passed, failed, seconds: (Date.now() - started) / 1000 }) + "\n");
console.log(`browser.mjs: ${passed} checks passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
