// Render a FHIR R4 Questionnaire in NLM LHC-Forms under headless Chromium and
// count what it shows.
//
//   node render.mjs QUESTIONNAIRE.json [--screenshot out.png] [--chromium PATH] [--verbose]
//
// --verbose copies every page console message to stderr.
//
// Prints one JSON line, e.g. {"items":25,"choices":100,"errors":[],...}, and
// exits 1 if the form did not render, the page threw or logged an error, or
// the rendered counts differ from what the Questionnaire asks for.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const lformsDist = path.join(here, 'node_modules', 'lforms', 'dist', 'lforms');

function usage(msg) {
  if (msg) console.error(msg);
  console.error('usage: node render.mjs QUESTIONNAIRE.json [--screenshot out.png] [--chromium PATH] [--verbose]');
  process.exit(2);
}

const args = process.argv.slice(2);
let qPath = null;
let shotPath = null;
let chromePath = process.env.CHROMIUM || '/usr/bin/chromium';
let verbose = false;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--screenshot') shotPath = args[++i] ?? usage('--screenshot needs a file');
  else if (args[i] === '--chromium') chromePath = args[++i] ?? usage('--chromium needs a path');
  else if (args[i] === '--verbose') verbose = true;
  else if (args[i].startsWith('--')) usage(`unknown option ${args[i]}`);
  else if (qPath === null) qPath = args[i];
  else usage('only one questionnaire');
}
if (!qPath) usage();
if (!fs.existsSync(path.join(lformsDist, 'webcomponent', 'main.js'))) {
  usage(`LHC-Forms not found under ${lformsDist}: run "npm ci" in ${here}`);
}

let qText;
let questionnaire;
try {
  qText = fs.readFileSync(qPath, 'utf8');
  questionnaire = JSON.parse(qText);
} catch (e) {
  console.log(JSON.stringify({ items: 0, choices: 0, errors: [`cannot read ${qPath}: ${e.message}`], warnings: [] }));
  process.exit(1);
}

// What the Questionnaire itself asks for, to compare with the DOM.
const expected = { items: 0, choices: 0 };
(function walk(items) {
  for (const it of items || []) {
    if (it.type === 'choice' || it.type === 'open-choice') {
      expected.items++;
      expected.choices += (it.answerOption || []).length;
    }
    walk(it.item);
  }
})(questionnaire.item);

// The page loads the files the lforms README lists, in that order.
const page = `<!doctype html>
<html><head><meta charset="utf-8"><title>LHC-Forms render check</title>
<link rel="stylesheet" href="/lforms/webcomponent/styles.css">
<link rel="icon" href="data:,">
</head><body><div id="formContainer"></div>
<script src="/lforms/webcomponent/assets/lib/zone.min.js"></script>
<script src="/lforms/webcomponent/runtime.js"></script>
<script src="/lforms/webcomponent/polyfills.js"></script>
<script src="/lforms/webcomponent/main.js"></script>
<script src="/lforms/fhir/R4/lformsFHIR.min.js"></script>
</body></html>`;

const types = {
  '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json',
  '.html': 'text/html', '.png': 'image/png', '.ico': 'image/x-icon',
  '.map': 'application/json', '.woff': 'font/woff', '.woff2': 'font/woff2',
};
const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname === '/' || url.pathname === '/index.html') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    return res.end(page);
  }
  if (url.pathname === '/questionnaire.json') {
    res.writeHead(200, { 'content-type': 'application/fhir+json; charset=utf-8' });
    return res.end(qText);
  }
  if (url.pathname.startsWith('/lforms/')) {
    const file = path.normalize(path.join(lformsDist, decodeURIComponent(url.pathname.slice('/lforms/'.length))));
    if (file.startsWith(lformsDist + path.sep) && fs.existsSync(file) && fs.statSync(file).isFile()) {
      res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream' });
      return fs.createReadStream(file).pipe(res);
    }
  }
  res.writeHead(404, { 'content-type': 'text/plain' });
  res.end('not found');
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const base = `http://127.0.0.1:${server.address().port}`;

const errors = [];   // page errors, console errors, failed requests, render failure
const warnings = []; // console warnings (LHC-Forms reports unsupported things this way)
let result = null;
let browser = null;
try {
  browser = await chromium.launch({ executablePath: chromePath, headless: true, args: ['--no-sandbox'] });
  const ctx = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const tab = await ctx.newPage();
  tab.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  tab.on('console', (m) => {
    const t = m.type();
    if (verbose) console.error(`[console.${t}] ${m.text()}`);
    if (t === 'error') errors.push(`console.error: ${m.text()}`);
    else if (t === 'warning') warnings.push(`console.warn: ${m.text()}`);
    // LHC-Forms reports some problems with console.log: FHIRPath errors as
    // "Error: line: 1; column: ...", others as "Warning: ...".
    else if (t === 'log' && /^\s*\w*Error\b/.test(m.text())) errors.push(`console.log: ${m.text().split('\n    at ')[0]}`);
    else if (t === 'log' && /warn/i.test(m.text())) warnings.push(`console.log: ${m.text()}`);
  });
  tab.on('requestfailed', (r) => errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  tab.on('response', (r) => { if (r.status() >= 400) errors.push(`HTTP ${r.status()}: ${r.url()}`); });

  await tab.goto(`${base}/`, { waitUntil: 'load' });
  await tab.waitForFunction(() => window.LForms && LForms.Util && LForms.Util.addFormToPage, null, { timeout: 30000 });
  const render = await tab.evaluate(async () => {
    const q = await (await fetch('/questionnaire.json')).json();
    try {
      // addFormToPage converts the Questionnaire itself (fhirVersion R4) and
      // resolves on the component's onFormReady event, rejects on onError.
      await LForms.Util.addFormToPage(q, 'formContainer', { fhirVersion: 'R4', messageLevel: 'info' });
      return { ok: true, lformsVersion: LForms.lformsVersion || null };
    } catch (e) {
      return { ok: false, error: String(e && (e.message || e.detail || JSON.stringify(e)) || e) };
    }
  });
  if (!render.ok) errors.push(`addFormToPage failed: ${render.error}`);
  else {
    // Wait until the items are in the DOM and their count has settled.
    await tab.waitForSelector('wc-lhc-form .lhc-item', { timeout: 30000 });
    let last = -1;
    for (let i = 0; i < 20; i++) {
      const n = await tab.locator('wc-lhc-form .lhc-item').count();
      if (n === last) break;
      last = n;
      await tab.waitForTimeout(250);
    }
  }
  const dom = await tab.evaluate(() => {
    const form = document.querySelector('wc-lhc-form');
    if (!form) return null;
    const all = [...form.querySelectorAll('.lhc-item')];
    // A choice question is an .lhc-item whose own answer widget (not one of
    // a nested item's) is <lhc-item-choice>: radio buttons, check boxes or,
    // LHC-Forms' default for answerOption without an itemControl, a combo box.
    const own = (el, sel) => [...el.querySelectorAll(sel)].filter((w) => w.closest('.lhc-item') === el);
    const choiceItems = all.filter((el) => own(el, 'lhc-item-choice').length > 0);
    return {
      title: (form.querySelector('.lhc-form-title')?.textContent || '').trim(),
      allItems: all.length,
      choiceItems: choiceItems.map((el) => {
        const combo = own(el, 'lhc-item-choice-autocomplete input[type=text]')[0];
        return {
          id: el.id,
          text: (own(el, '.lhc-question .question')[0]?.textContent || '').trim(),
          comboInputId: combo ? combo.id : null,
          // radio / check-box layouts: one .lhc-answer per answer choice
          inline: own(el, '.lhc-answer').map((a) => a.textContent.trim()),
          radios: own(el, 'input[type=radio]').length,
        };
      }),
      // messages LHC-Forms shows on items (errors/warnings/info; the page
      // asks for all levels with messageLevel 'info')
      itemMessages: [...form.querySelectorAll('lhc-item-messages')]
        .map((m) => m.textContent.trim()).filter(Boolean),
    };
  });
  // Screenshot the form as first rendered, before any combo box is opened
  // (LHC-Forms keeps highlighting the last row that had focus).
  if (shotPath) await tab.screenshot({ path: shotPath, fullPage: true });
  if (dom) {
    // Combo boxes only put their answer list into the DOM when opened:
    // open each one, read the list LHC-Forms shows, close it again.
    for (const it of dom.choiceItems) {
      if (!it.comboInputId) continue;
      const input = tab.locator(`[id="${it.comboInputId}"]`);
      await input.scrollIntoViewIfNeeded();
      await input.click();
      const list = tab.locator('#lhc-tools-searchResults #completionOptions li');
      try {
        await list.first().waitFor({ state: 'visible', timeout: 5000 });
        it.combo = await list.evaluateAll((lis) => lis.map((li) => li.textContent.replace(/^\s*\d+:\s*/, '').trim()));
      } catch {
        it.combo = [];
      }
      await tab.keyboard.press('Escape');
      await input.blur();
      // the list element is shared by all combo boxes: let it close first
      await tab.locator('#lhc-tools-searchResults').waitFor({ state: 'hidden', timeout: 2000 }).catch(() => {});
    }
  }
  if (!dom) errors.push('no <wc-lhc-form> element on the page');
  else {
    const answers = (it) => (it.combo && it.combo.length ? it.combo : it.inline);
    result = {
      title: dom.title,
      allItems: dom.allItems,
      items: dom.choiceItems.length,
      choices: dom.choiceItems.reduce((n, it) => n + answers(it).length, 0),
      layout: [...new Set(dom.choiceItems.map((it) => (it.comboInputId ? 'combo-box' : it.radios ? 'radio' : 'other')))],
      radios: dom.choiceItems.reduce((n, it) => n + it.radios, 0),
      itemsWithoutText: dom.choiceItems.filter((it) => !it.text).map((it) => it.id),
      choicesWithoutLabel: dom.choiceItems.filter((it) => answers(it).some((a) => !a)).map((it) => it.id),
      itemMessages: dom.itemMessages,
      sample: dom.choiceItems[0] ? { text: dom.choiceItems[0].text, answers: answers(dom.choiceItems[0]) } : null,
      lformsVersion: render.lformsVersion,
    };
  }
} catch (e) {
  errors.push(`driver: ${e.message.split('\n')[0]}`);
} finally {
  if (browser) await browser.close();
  server.close();
}

const out = {
  items: result?.items ?? 0,
  choices: result?.choices ?? 0,
  errors,
  warnings,
  expected: { items: expected.items, choices: expected.choices },
  detail: result ? (({ items, choices, ...rest }) => rest)(result) : null,
};
console.log(JSON.stringify(out));
const countsOk = result && out.items === expected.items && out.choices === expected.choices
  && result.itemsWithoutText.length === 0 && result.choicesWithoutLabel.length === 0;
process.exit(errors.length === 0 && countsOk ? 0 : 1);
