// The explorer pages, stepped through in a real browser: headless Chromium (Debian's) driven
// by playwright-core. For every press of "step", the highlighted node and every displayed
// grad must be those of the sweep embedded in the page (which tests/explorer_page.rs holds
// equal to `backward_trace`), and at the end the inputs' grads must be the published ones.
//
// Run by `.ci/browser-test`, which writes the pages first. Environment:
//   EXPLORER_PAGES  folder holding expression.html, neuron.html and mlp.html
//   SCREENSHOTS     folder for the screenshots (made if missing)
//   CHROMIUM        the browser (default /usr/bin/chromium)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const pages = process.env.EXPLORER_PAGES;
const screenshots = process.env.SCREENSHOTS;
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
assert.ok(pages && screenshots, 'set EXPLORER_PAGES and SCREENSHOTS (see .ci/browser-test)');

let context;
let profile;

before(async () => {
  profile = fs.mkdtempSync(path.join(os.tmpdir(), 'tapegrad-chromium-'));
  fs.mkdirSync(screenshots, { recursive: true });
  // A browser that cannot start fails the run: this throws.
  context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
});

after(async () => {
  if (context) await context.close();
  fs.rmSync(profile, { recursive: true, force: true });
});

/** What the page should show after `state` presses of step, worked out from its data. */
function expected(data, state) {
  const n = data.nodes.length;
  const forward = state <= n;
  const recorded = forward ? state : n;
  const swept = forward ? 0 : state - n;
  const grads = {};
  data.nodes.slice(0, recorded).forEach((d) => { grads[d.index] = '0'; });
  if (!forward) {
    grads[data.output] = data.steps[0].upstream;
    for (const step of data.steps.slice(0, swept)) {
      for (const p of step.passes) grads[p.to] = p.after;
    }
  }
  const step = forward ? null : data.steps[swept - 1];
  return {
    current: state === 0 ? null : forward ? data.nodes[state - 1].index : step.node,
    visible: data.nodes.slice(0, recorded).map((d) => d.index),
    grads,
    labels: step ? step.passes.map((p) => `local ${p.local}  adds ${p.adds}`) : [],
    rule: state === 0 ? '' : (data.nodes.find((d) => d.index === (forward
      ? data.nodes[state - 1].index : step.node)).rule || ''),
  };
}

/** What the page shows now. */
function shown(page) {
  return page.evaluate(() => {
    const current = [...document.querySelectorAll('.node.current')].map((e) => Number(e.dataset.index));
    const visible = [...document.querySelectorAll('.node:not(.hidden)')].map((e) => Number(e.dataset.index));
    const grads = {};
    for (const e of document.querySelectorAll('.node:not(.hidden)')) {
      const text = e.querySelector('.grad').textContent;
      grads[e.dataset.index] = text.replace(/^grad /, '');
    }
    const labels = [...document.querySelectorAll('#labels .edge-label text')].map((t) => t.textContent);
    const rows = [...document.querySelectorAll('#trace tr.current')].map((r) => Number(r.dataset.step));
    return {
      current: current.length === 0 ? null : current.length === 1 ? current[0] : current,
      visible: visible.sort((a, b) => a - b),
      grads,
      labels,
      rows,
      rule: document.getElementById('rule').textContent,
      counter: document.getElementById('counter').textContent,
      explain: document.getElementById('explain').textContent,
      width: document.documentElement.scrollWidth,
      height: document.documentElement.scrollHeight,
    };
  });
}

/** Opens a page, failing on any request that is not for a local file. */
async function open(name) {
  const page = await context.newPage();
  const remote = [];
  page.on('request', (r) => { if (!r.url().startsWith('file:')) remote.push(r.url()); });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(pathToFileURL(path.join(pages, name)).href);
  const data = await page.evaluate(() => JSON.parse(document.getElementById('tapegrad-data').textContent));
  return { page, data, remote, errors };
}

/** Presses step through both phases, checking every state; calls `at(state)` after each. */
async function stepThrough(page, data, at) {
  const last = 2 * data.nodes.length;
  const start = await shown(page);
  assert.equal(start.counter, `step 0 / ${last}`);
  assert.deepEqual(start.visible, []);
  for (let state = 1; state <= last; state++) {
    // The button most of the time, the right arrow every third press.
    if (state % 3 === 0) await page.keyboard.press('ArrowRight');
    else await page.click('#step');
    const want = expected(data, state);
    const got = await shown(page);
    const where = `state ${state} of ${last}`;
    assert.equal(got.counter, `step ${state} / ${last}`, where);
    assert.equal(got.current, want.current, `${where}: highlighted node`);
    assert.deepEqual(got.visible, [...want.visible].sort((a, b) => a - b), `${where}: nodes shown`);
    assert.deepEqual(got.grads, Object.fromEntries(Object.entries(want.grads).map(([k, v]) => [k, v])),
      `${where}: grads`);
    assert.deepEqual(got.labels, want.labels, `${where}: edge labels`);
    assert.equal(got.rule, want.rule, `${where}: rule`);
    if (state > data.nodes.length) {
      const s = state - data.nodes.length - 1;
      assert.ok(got.rows.length > 0 && got.rows.every((r) => r === s), `${where}: table row`);
    }
    // Readable at 1280 x 800: the page itself never scrolls, only its panes.
    assert.ok(got.width <= 1280 && got.height <= 800, `${where}: page is ${got.width} x ${got.height}`);
    if (at) await at(state);
  }
  // One more press changes nothing; back goes back one step.
  await page.click('#step', { force: true }).catch(() => {});
  assert.equal((await shown(page)).counter, `step ${last} / ${last}`);
  await page.keyboard.press('ArrowLeft');
  const back = await shown(page);
  assert.equal(back.current, expected(data, last - 1).current, 'back one step');
  await page.click('#step');
}

/** The final grad the page shows for the node labelled `label`. */
async function gradOf(page, data, label) {
  const node = data.nodes.find((d) => d.tag.endsWith(` ${label}`));
  assert.ok(node, `no node labelled ${label}`);
  const text = await page.textContent(`#g${node.index}`);
  return Number(text.replace(/^grad /, ''));
}

function close(actual, wanted, what) {
  assert.ok(Math.abs(actual - wanted) < 1e-4, `${what}: ${actual}, wanted ${wanted}`);
}

test("micrograd's expression steps through to its published gradients", async () => {
  const { page, data, remote, errors } = await open('expression.html');
  const a = data.nodes.find((d) => d.tag === '#0 a').index;
  // The step where `a` collects its second contribution, for the screenshot.
  const second = data.steps.findIndex((s) => s.passes.some((p) => p.to === a && p.nth === 2));
  assert.ok(second > 0);
  await stepThrough(page, data, async (state) => {
    if (state === 12) {
      await page.waitForTimeout(700);
      await page.screenshot({ path: path.join(screenshots, 'explorer-forward.png') });
    }
    if (state === data.nodes.length + 1 + second) {
      const got = await shown(page);
      assert.match(got.explain, /#0 a: .* \(2nd of \d+ contributions\)/);
      await page.waitForTimeout(700); // let the smooth scroll settle
      await page.screenshot({ path: path.join(screenshots, 'explorer-mid-sweep.png') });
    }
  });
  close(await gradOf(page, data, 'a'), 138.8338, 'a.grad');
  close(await gradOf(page, data, 'b'), 645.5773, 'b.grad');
  assert.match((await shown(page)).explain, /The sweep is done/);
  assert.deepEqual(remote, []);
  assert.deepEqual(errors, []);
  await page.close();
});

test("the lecture's tanh neuron ends with micrograd's gradients", async () => {
  const { page, data, remote, errors } = await open('neuron.html');
  await stepThrough(page, data);
  // micrograd's lecture: x1 -1.5, w1 1, x2 0.5, w2 0, b 0.5.
  const published = { x1: -1.5, w1: 1.0, x2: 0.5, w2: 0.0, b: 0.5 };
  for (const [label, grad] of Object.entries(published)) {
    close(await gradOf(page, data, label), grad, `${label}.grad`);
  }
  await page.screenshot({ path: path.join(screenshots, 'explorer-neuron-end.png') });
  assert.deepEqual(remote, []);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the 2-2-1 network steps through to the gradients of its loss', async () => {
  const { page, data, remote, errors } = await open('mlp.html');
  await stepThrough(page, data, async (state) => {
    if (state === data.nodes.length + 4) {
      await page.waitForTimeout(700);
      await page.screenshot({ path: path.join(screenshots, 'explorer-mlp-mid-sweep.png') });
    }
  });
  // Every input's final grad is its upstream gradient in the sweep.
  for (const d of data.nodes.filter((x) => x.kind === 'input')) {
    const step = data.steps.find((s) => s.node === d.index);
    assert.equal(await page.textContent(`#g${d.index}`), `grad ${step.upstream}`, d.tag);
  }
  assert.deepEqual(remote, []);
  assert.deepEqual(errors, []);
  await page.close();
});

test('space plays and pauses, and play runs the sweep to the end by itself', async () => {
  const { page, data } = await open('neuron.html');
  const last = 2 * data.nodes.length;
  await page.click('#end');
  assert.equal((await shown(page)).counter, `step ${last} / ${last}`);
  await page.click('#start');
  assert.equal((await shown(page)).counter, `step 0 / ${last}`);
  // With the step button focused, space plays: it does not press the button too.
  await page.click('#step');
  await page.keyboard.press(' ');
  assert.equal(await page.textContent('#play'), 'pause');
  assert.equal((await shown(page)).counter, `step 1 / ${last}`);
  await page.keyboard.press(' ');
  assert.equal(await page.textContent('#play'), 'play');
  await page.click('#play');
  await page.waitForFunction((end) => document.getElementById('counter').textContent === `step ${end} / ${end}`,
    last, { timeout: 60000 });
  assert.equal(await page.textContent('#play'), 'play');
  await page.close();
});
