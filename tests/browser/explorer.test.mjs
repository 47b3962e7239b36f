// The explorer pages, stepped through in a real browser: headless Chromium (Debian's) driven
// by playwright-core. For every press of "step", the highlighted node and every displayed
// grad must be those of the sweep embedded in the page (which tests/explorer_page.rs holds
// equal to `backward_trace`), every edge label must be in view, and the address must name
// the step; at the end the inputs' grads must be the published ones. On a 1280 x 800 screen
// each page shows its whole graph at first, and zooms, pans and opens at a linked step.
//
// Run by `.ci/browser-test`, which writes the pages first. Environment:
//   EXPLORER_PAGES  folder holding expression.html, neuron.html, mlp.html and tanh.html
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
    const pane = document.getElementById('graph-pane').getBoundingClientRect();
    const within = (r) => r.left >= pane.left - 0.5 && r.right <= pane.right + 0.5
      && r.top >= pane.top - 0.5 && r.bottom <= pane.bottom + 0.5;
    const cutLabels = [...document.querySelectorAll('#labels g')]
      .filter((g) => !within(g.getBoundingClientRect())).map((g) => g.textContent);
    const rows = [...document.querySelectorAll('#trace tr.current')].map((r) => Number(r.dataset.step));
    return {
      current: current.length === 0 ? null : current.length === 1 ? current[0] : current,
      visible: visible.sort((a, b) => a - b),
      grads,
      labels,
      rows,
      rule: document.getElementById('rule').textContent,
      hash: location.hash,
      cutLabels,
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
  const [file, hash] = name.split('#');
  await page.goto(pathToFileURL(path.join(pages, file)).href + (hash ? `#${hash}` : ''));
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
    assert.equal(got.hash, `#step=${state}`, `${where}: the address names the step`);
    assert.deepEqual(got.cutLabels, [], `${where}: labels out of view`);
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

/** Where the page's nodes are drawn now, against its graph pane, and the scale of its view. */
function layoutNow(page) {
  return page.evaluate(() => {
    const pane = document.getElementById('graph-pane').getBoundingClientRect();
    const svg = document.getElementById('graph');
    const boxes = [...document.querySelectorAll('.node')].map((g) => {
      const r = g.querySelector('rect').getBoundingClientRect();
      return { index: Number(g.dataset.index), left: r.left, right: r.right, top: r.top, bottom: r.bottom };
    });
    const view = svg.getAttribute('viewBox').split(' ').map(Number);
    return {
      pane: { left: pane.left, right: pane.right, top: pane.top, bottom: pane.bottom },
      boxes,
      view,
      scale: pane.width / view[2],
    };
  });
}

function outside(box, pane) {
  return box.left < pane.left - 0.5 || box.right > pane.right + 0.5
    || box.top < pane.top - 0.5 || box.bottom > pane.bottom + 0.5;
}

test('every page shows its whole graph at 1280 x 800, the output included, at a readable scale', async () => {
  // The scale each graph is drawn at, at least: micrograd's 27 values in 13 layers at 0.75,
  // the neuron and the one-op graph as they are, the 2-2-1 network's wide row of inputs 0.85.
  const least = { 'expression.html': 0.75, 'neuron.html': 1, 'mlp.html': 0.85, 'tanh.html': 1 };
  for (const [name, scale] of Object.entries(least)) {
    const { page, data } = await open(name);
    await page.click('#end');
    const got = await layoutNow(page);
    const cut = got.boxes.filter((b) => outside(b, got.pane)).map((b) => b.index);
    assert.deepEqual(cut, [], `${name}: nodes out of view`);
    assert.ok(got.boxes.some((b) => b.index === data.output), `${name}: the output is drawn`);
    assert.ok(got.scale >= scale - 1e-9, `${name}: drawn at ${got.scale.toFixed(3)}, wanted ${scale}`);
    await page.screenshot({ path: path.join(screenshots, `explorer-${name.replace('.html', '')}-whole.png`) });
    await page.close();
  }
});

test('a link opens the page at its step, and the address follows the stepping', async () => {
  const { page, data } = await open('expression.html#step=45');
  let got = await shown(page);
  assert.equal(got.counter, 'step 45 / 54');
  assert.equal(got.current, expected(data, 45).current);
  assert.deepEqual(got.grads, expected(data, 45).grads);
  await page.click('#step');
  assert.equal((await shown(page)).hash, '#step=46');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  assert.equal((await shown(page)).hash, '#step=44');
  // Editing the address moves the page.
  await page.evaluate(() => { location.hash = '#step=10'; });
  await page.waitForFunction(() => document.getElementById('counter').textContent === 'step 10 / 54');
  got = await shown(page);
  assert.equal(got.current, expected(data, 10).current);
  await page.close();
});

test('hovering a box shows the expression that made it', async () => {
  const { page, data } = await open('expression.html');
  const titles = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll('.node')]
    .map((g) => [g.dataset.index, g.querySelector('title').textContent])));
  for (const d of data.nodes) assert.equal(titles[d.index], d.expression, d.tag);
  const neg = data.nodes.find((d) => d.op === 'neg');
  assert.equal(titles[neg.index], '#9 = neg(#0 a)');
  await page.close();
  // The panel heads its explanation with the same text, at the step that records the node.
  const linked = await open(`expression.html#step=${data.nodes.indexOf(neg) + 1}`);
  assert.match((await shown(linked.page)).explain, /^Forward: #9 = neg\(#0 a\)/);
  await linked.page.close();
});

test('the legend is on screen and says what each colour means', async () => {
  const { page } = await open('expression.html');
  const legend = await page.evaluate(() => {
    const r = document.getElementById('legend').getBoundingClientRect();
    return { text: document.getElementById('legend').textContent, top: r.top, bottom: r.bottom, width: r.width };
  });
  assert.ok(legend.width > 0 && legend.top >= 0 && legend.bottom <= 800, JSON.stringify(legend));
  for (const words of ['blue: forward', 'orange: backward', 'green: an operand receiving', 'pale orange: swept', 'grey: still collecting']) {
    assert.ok(legend.text.includes(words), `the legend lacks "${words}"`);
  }
  await page.close();
});

test('zoom, pan and fit; zoomed in, the sweep keeps its current node in view', async () => {
  const { page, data } = await open('expression.html');
  const whole = await layoutNow(page);
  for (let i = 0; i < 4; i++) await page.click('#zoom-in');
  const zoomed = await layoutNow(page);
  assert.ok(zoomed.scale > 2 * whole.scale, `zoomed to ${zoomed.scale}, from ${whole.scale}`);
  // Drag to pan: the view moves against the pointer.
  const box = await page.locator('#graph-pane').boundingBox();
  await page.mouse.move(box.x + 200, box.y + 300);
  await page.mouse.down();
  await page.mouse.move(box.x + 100, box.y + 200, { steps: 5 });
  await page.mouse.up();
  const panned = await layoutNow(page);
  assert.ok(Math.abs(panned.view[0] - zoomed.view[0] - 100 / zoomed.scale) < 1, 'panned right');
  assert.ok(Math.abs(panned.view[1] - zoomed.view[1] - 100 / zoomed.scale) < 1, 'panned down');
  // Step through the sweep: the current node is always in view.
  await page.click('#end');
  await page.click('#start');
  for (let state = 1; state <= 2 * data.nodes.length; state++) {
    await page.click('#step');
    const now = await layoutNow(page);
    const current = expected(data, state).current;
    const b = now.boxes.find((x) => x.index === current);
    assert.ok(!outside(b, now.pane), `state ${state}: node ${current} out of view`);
    if (state === data.nodes.length + 18) {
      await page.screenshot({ path: path.join(screenshots, 'explorer-zoomed.png') });
    }
  }
  await page.click('#fit');
  assert.deepEqual((await layoutNow(page)).view, whole.view, 'fit shows the whole graph again');
  await page.keyboard.press('+');
  assert.ok((await layoutNow(page)).scale > whole.scale, '+ zooms in');
  await page.keyboard.press('0');
  assert.deepEqual((await layoutNow(page)).view, whole.view, '0 fits');
  await page.close();
});

test('the one-operation graph keeps its edge label whole', async () => {
  const { page, data } = await open('tanh.html');
  await stepThrough(page, data, async (state) => {
    if (state === 3) {
      const inSvg = await page.evaluate(() => {
        const label = document.querySelector('#labels g').getBBox();
        const svg = document.getElementById('graph').dataset;
        return label.x >= 0 && label.y >= 0 && label.x + label.width <= Number(svg.width)
          && label.y + label.height <= Number(svg.height);
      });
      assert.ok(inSvg, 'the label lies inside the drawing');
      await page.screenshot({ path: path.join(screenshots, 'explorer-tanh.png') });
    }
  });
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
