// Steps through the forward recording and the backward sweep. Every number shown comes from
// the JSON that Rust embedded (printed there as the trace prints it); this script only
// chooses what to show at each step.
(function () {
  'use strict';
  const data = JSON.parse(document.getElementById('tapegrad-data').textContent);
  const nodes = data.nodes; // oldest first: the forward phase
  const steps = data.steps; // newest first: the backward sweep
  const n = nodes.length;
  // State 0 is the empty tape; states 1..n record one node each; states n+1..2n each run
  // one step of the sweep.
  const last = 2 * n;
  const byIndex = new Map(nodes.map(function (d) { return [d.index, d]; }));
  const svg = document.getElementById('graph');
  const NS = svg.namespaceURI;
  const pane = document.getElementById('graph-pane');
  const labels = document.getElementById('labels');
  const explain = document.getElementById('explain');
  const rows = Array.from(document.querySelectorAll('#trace tbody tr'));
  // The drawing's size, in its own units: the labels stay inside it, and the view shows it.
  const W = Number(svg.dataset.width);
  const H = Number(svg.dataset.height);
  let state = 0;
  let timer = null;

  function el(id) { return document.getElementById(id); }
  function tag(index) { return byIndex.get(index).tag; }

  function add(parent, name, text, cls) {
    const e = document.createElement(name);
    if (text !== undefined) e.textContent = text;
    if (cls) e.className = cls;
    parent.appendChild(e);
    return e;
  }

  function ordinal(k) {
    const suffix = (k % 100 >= 11 && k % 100 <= 13) ? 'th'
      : ({ 1: 'st', 2: 'nd', 3: 'rd' })[k % 10] || 'th';
    return k + suffix;
  }

  // A label of one line, in pieces (`[text, class]`), in a white box on an SVG path: at its
  // middle if there is room, else at the first of a few other spots on or beside it that
  // covers no box, oval or label (`shapes`, then `placed`); failing that, the first that
  // covers no label and none of the boxes the step is about (`keep`: the current node and
  // its operands); failing that, the first that covers no label; failing that, stacked below
  // the middle, clear of the other labels.
  // Every spot is moved inside the drawing first (Rust made it wide enough for the widest
  // label), so no label is cut off.
  function labelOn(path, pieces, cls, shapes, keep, placed) {
    const g = document.createElementNS(NS, 'g');
    g.setAttribute('class', cls);
    const box = document.createElementNS(NS, 'rect');
    const text = document.createElementNS(NS, 'text');
    text.setAttribute('x', 4);
    text.setAttribute('y', 13);
    pieces.forEach(function (piece) {
      const span = document.createElementNS(NS, 'tspan');
      span.textContent = piece[0];
      if (piece[1]) span.setAttribute('class', piece[1]);
      text.appendChild(span);
    });
    g.appendChild(box);
    g.appendChild(text);
    labels.appendChild(g);
    const size = text.getBBox();
    const w = size.width + 8;
    const h = size.height + 4;
    box.setAttribute('width', w);
    box.setAttribute('height', h);
    const length = path.getTotalLength();
    // Points along the path, then the same points moved sideways, away from the path's end
    // (where the edges of one node converge), then up or down a label's height.
    const end = path.getPointAtLength(length);
    const spots = [];
    [[0, 0], [0.5, 0], [1, 0], [0, -1], [0, 1], [0.5, -1], [0.5, 1]].forEach(function (move) {
      [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8].forEach(function (at) {
        const p = path.getPointAtLength(length * at);
        const away = p.x < end.x ? -1 : 1;
        spots.push(inside({
          x: p.x - w / 2 + away * move[0] * w,
          y: p.y - h / 2 + move[1] * (h + 2),
        }, w, h));
      });
    });
    const clear = function (rects) {
      return function (spot) {
        return !rects.some(function (r) {
          return spot.x < r.x + r.w && r.x < spot.x + w && spot.y < r.y + r.h && r.y < spot.y + h;
        });
      };
    };
    let spot = spots.find(clear(shapes.concat(placed))) || spots.find(clear(keep.concat(placed)))
      || spots.find(clear(placed));
    if (!spot) {
      spot = { x: spots[0].x, y: spots[0].y };
      while (!clear(placed)(spot) && spot.y + 2 * h + 2 <= H) spot.y += h + 2;
    }
    placed.push({ x: spot.x, y: spot.y, w: w, h: h });
    g.setAttribute('transform', 'translate(' + spot.x + ',' + spot.y + ')');
  }

  // A spot for a w x h label moved inside the drawing.
  function inside(spot, w, h) {
    return {
      x: Math.max(0, Math.min(W - w, spot.x)),
      y: Math.max(0, Math.min(H - h, spot.y)),
    };
  }

  // The view: the part of the drawing the pane shows, in the drawing's units, always of the
  // pane's shape. `fitted` while it is the whole drawing (no larger than life), which it is
  // at first and after "fit"; zooming and panning leave it.
  let view = null;
  let fitted = true;
  function paneSize() { return { w: pane.clientWidth || 1, h: pane.clientHeight || 1 }; }
  function scale() { return paneSize().w / view.w; }
  function fit() {
    const p = paneSize();
    const s = Math.min(p.w / W, p.h / H, 1);
    view = { w: p.w / s, h: p.h / s };
    view.x = (W - view.w) / 2;
    // Near the top when there is room to spare, as a page reads.
    view.y = -Math.min((view.h - H) / 2, 16 / s);
    fitted = true;
    show();
  }

  // Beside the notes, or above them for a graph wider than tall: whichever shows the whole
  // graph larger (no larger than life). The notes' width is the style sheet's.
  const asideWidth = document.querySelector('aside').offsetWidth;
  function arrange() {
    const height = window.innerHeight - document.querySelector('header').offsetHeight;
    const beside = Math.min((window.innerWidth - asideWidth) / W, height / H, 1);
    const above = Math.min(window.innerWidth / W, 0.54 * height / H, 1);
    document.body.classList.toggle('wide', above > beside);
  }
  function show() {
    svg.setAttribute('viewBox', [view.x, view.y, view.w, view.h].join(' '));
  }
  // Zooms by `factor` about the pane point (px, py); zooming out stops at the whole drawing.
  function zoom(factor, px, py) {
    const p = paneSize();
    const s = scale();
    const fitScale = Math.min(p.w / W, p.h / H, 1);
    const next = Math.max(fitScale, Math.min(4, s * factor));
    if (next === fitScale) { fit(); return; }
    const ax = view.x + px / s;
    const ay = view.y + py / s;
    view = { x: ax - px / next, y: ay - py / next, w: p.w / next, h: p.h / next };
    fitted = false;
    show();
  }
  function pan(dx, dy) {
    const s = scale();
    view.x -= dx / s;
    view.y -= dy / s;
    fitted = false;
    show();
  }

  // Pans so that `indices` (the current node first) are in view, or at least the current
  // node when they do not all fit; the whole drawing is always in view while fitted.
  function bringIntoView(indices) {
    if (fitted) return;
    const boxes = indices.map(function (i) { return el('n' + i).querySelector('rect').getBBox(); });
    const margin = 24;
    const axis = function (start, size, length, at) {
      const from = Math.min.apply(null, boxes.map(start)) - margin;
      const to = Math.max.apply(null, boxes.map(function (b) { return start(b) + size(b); })) + margin;
      if (to - from > length) return start(boxes[0]) + size(boxes[0]) / 2 - length / 2;
      if (from < at) return from;
      if (to > at + length) return to - length;
      return at;
    };
    view.x = axis(function (b) { return b.x; }, function (b) { return b.width; }, view.w, view.x);
    view.y = axis(function (b) { return b.y; }, function (b) { return b.height; }, view.h, view.y);
    show();
  }

  function render() {
    const forward = state <= n;
    const recorded = forward ? state : n; // nodes on the tape
    const swept = forward ? 0 : state - n; // steps of the sweep run, the current one included
    const current = forward ? (state > 0 ? nodes[state - 1].index : null)
      : steps[swept - 1].node;
    const step = forward ? null : steps[swept - 1];

    // Every grad as it stands after the current step.
    const grad = new Map();
    const sweptNodes = new Set();
    const delivered = new Set();
    if (!forward) {
      grad.set(data.output, steps[0].upstream);
      for (let s = 0; s < swept; s++) {
        sweptNodes.add(steps[s].node);
        steps[s].passes.forEach(function (p) {
          grad.set(p.to, p.after);
          if (s < swept - 1) delivered.add('e' + steps[s].node + '-' + p.edge);
        });
      }
    }
    const receiving = new Set(step ? step.passes.map(function (p) { return p.to; }) : []);
    const active = new Set(step ? step.passes.map(function (p) {
      return 'e' + step.node + '-' + p.edge;
    }) : []);

    nodes.forEach(function (d, k) {
      const box = el('n' + d.index);
      const shown = k < recorded;
      box.classList.toggle('hidden', !shown);
      box.classList.toggle('current', d.index === current);
      box.classList.toggle('forward', forward);
      box.classList.toggle('swept', sweptNodes.has(d.index) && d.index !== current);
      box.classList.toggle('received', receiving.has(d.index));
      el('g' + d.index).textContent = 'grad ' + (grad.get(d.index) || '0');
      if (d.kind !== 'computed') return;
      const op = el('o' + d.index);
      op.classList.toggle('hidden', !shown);
      op.classList.toggle('current', d.index === current);
      op.classList.toggle('forward', forward);
      d.operands.forEach(function (p, j) {
        const id = 'e' + d.index + '-' + j;
        const edge = el(id);
        edge.classList.toggle('hidden', !shown);
        edge.classList.toggle('active', active.has(id));
        edge.classList.toggle('delivered', delivered.has(id));
        edge.classList.toggle('feeding', forward && d.index === current);
      });
    });

    labels.textContent = '';
    // What the labels had better not cover: the boxes and ovals on the tape, above all those
    // of the nodes the step is about.
    const shapes = [];
    const keep = [];
    const placed = [];
    if (step) {
      document.querySelectorAll('.node:not(.hidden) rect, .op:not(.hidden) rect')
        .forEach(function (shape) {
          const r = shape.getBBox();
          const rect = { x: r.x, y: r.y, w: r.width, h: r.height };
          shapes.push(rect);
          const index = Number(shape.parentNode.id.slice(1));
          if (index === current || receiving.has(index)) keep.push(rect);
        });
    }
    if (step) {
      step.passes.forEach(function (p) {
        labelOn(el('e' + step.node + '-' + p.edge),
          [['local ' + p.local + '  '], ['adds ' + p.adds, 'adds']], 'edge-label', shapes, keep, placed);
      });
      // A node that passes nothing says so on the edge of its first operand.
      if (step.note && el('e' + step.node + '-0')) {
        labelOn(el('e' + step.node + '-0'), [['skipped: ' + step.note.replace(/[()]/g, '')]],
          'skip-label', shapes, keep, placed);
      }
    }

    table(forward, recorded, swept);
    describe(forward, current, step, swept);
    el('counter').textContent = 'step ' + state + ' / ' + last;
    // The address names the step, so that a link opens the page where it was.
    if (location.hash !== '#step=' + state) {
      try { history.replaceState(null, '', '#step=' + state); } catch (e) { /* a frame may refuse */ }
    }
    const phase = el('phase');
    phase.className = forward ? 'forward' : 'backward';
    phase.textContent = state === 0 ? 'empty tape: press step'
      : forward ? 'forward: recording node ' + state + ' of ' + n
        : 'backward: sweep step ' + swept + ' of ' + n + (state === last ? ' (done)' : '');
    el('back').disabled = el('start').disabled = state === 0;
    el('step').disabled = el('end').disabled = state === last;

    if (current !== null) {
      // The current node with the nodes it reads (forward) or passes to (backward).
      const near = forward ? byIndex.get(current).operands : Array.from(receiving);
      bringIntoView([current].concat(near));
    }
  }

  function table(forward, recorded, swept) {
    const recordedSet = new Set(nodes.slice(0, recorded).map(function (d) { return d.index; }));
    let first = null;
    rows.forEach(function (row) {
      const s = Number(row.dataset.step);
      const index = steps[s].node;
      const isCurrent = forward ? (recorded > 0 && index === nodes[recorded - 1].index)
        : s === swept - 1;
      row.classList.toggle('unrecorded', !recordedSet.has(index));
      row.classList.toggle('pending', forward || s >= swept);
      row.classList.toggle('current', isCurrent);
      row.classList.toggle('forward', forward);
      if (isCurrent && first === null) first = row;
    });
    if (first) first.scrollIntoView({ block: 'nearest' });
  }

  function describe(forward, current, step, swept) {
    explain.textContent = '';
    const rule = el('rule');
    rule.textContent = '';
    if (current === null) {
      add(explain, 'h2', 'An empty tape');
      add(explain, 'p', 'Press step (or the right arrow) to record the nodes one by one, as ' +
        'the forward pass did; then the backward sweep runs, newest node first.');
      return;
    }
    const d = byIndex.get(current);
    if (d.rule) rule.textContent = d.rule;
    if (forward) {
      add(explain, 'h2', 'Forward: ' + d.expression);
      const p = add(explain, 'p');
      if (d.kind === 'input') {
        p.textContent = 'An input, with data ' + d.value + '.';
      } else if (d.kind === 'constant') {
        p.textContent = 'A constant, with data ' + d.value + '.';
      } else {
        p.textContent = 'The tape records the op ' + d.op + ' with its operand' +
          (d.operands.length === 1 ? ' ' : 's ') + d.operands.map(tag).join(', ') +
          '; its data is ' + d.value + '.';
      }
      add(explain, 'p', 'Every grad is 0 until the backward sweep.');
      return;
    }
    add(explain, 'h2', 'Backward: ' + d.expression);
    const up = add(explain, 'p');
    up.appendChild(document.createTextNode('Upstream gradient d ' + data.outputTag + ' / d ' +
      d.tag + ' = '));
    add(up, 'span', step.upstream, 'num');
    up.appendChild(document.createTextNode(swept === 1 ? ' (the seed).' : ', complete: every ' +
      'node that uses it has been swept.'));
    if (step.passes.length > 0) {
      add(explain, 'p', 'Each operand gets upstream × local:');
      const list = add(explain, 'ul');
      step.passes.forEach(function (p) {
        const item = add(list, 'li');
        add(item, 'span', tag(p.to) + ': ', 'received');
        add(item, 'span', step.upstream + ' × ' + p.local + ' = ' + p.adds + '; grad ' +
          p.before + ' + ' + p.adds + ' = ' + p.after, 'num');
        item.appendChild(document.createTextNode(' (' + ordinal(p.nth) + ' of ' + p.of +
          (p.of === 1 ? ' contribution)' : ' contributions)')));
      });
    } else {
      const note = add(explain, 'p');
      add(note, 'span', step.note, 'note');
      if (step.note.indexOf('upstream is 0') >= 0) {
        note.appendChild(document.createTextNode(' backward skips a node whose upstream ' +
          'gradient is 0.'));
      } else if (step.note.indexOf('adds nothing') >= 0) {
        note.appendChild(document.createTextNode(' its local derivative is 0 here.'));
      }
    }
    if (state === last) {
      add(explain, 'p', 'The sweep is done. Gradients of the inputs:');
      const list = add(explain, 'ul');
      nodes.filter(function (x) { return x.kind === 'input'; }).forEach(function (x) {
        const s = steps.find(function (t) { return t.node === x.index; });
        add(list, 'li', 'd ' + data.outputTag + ' / d ' + x.tag + ' = ' + s.upstream, 'num');
      });
    }
  }

  function go(to) {
    state = Math.max(0, Math.min(last, to));
    render();
    if (state === last) stop();
  }
  function stop() {
    if (timer !== null) clearInterval(timer);
    timer = null;
    el('play').textContent = 'play';
  }
  function play() {
    if (timer !== null) { stop(); return; }
    if (state === last) go(0);
    el('play').textContent = 'pause';
    timer = setInterval(function () { go(state + 1); }, 900);
  }

  // The step an address names (`page.html#step=45`), or null.
  function linkedStep() {
    const m = /^#step=(\d+)$/.exec(location.hash);
    return m ? Number(m[1]) : null;
  }
  window.addEventListener('hashchange', function () {
    const s = linkedStep();
    if (s !== null && s !== state) go(s);
  });

  el('zoom-in').addEventListener('click', function () {
    zoom(1.25, paneSize().w / 2, paneSize().h / 2);
  });
  el('zoom-out').addEventListener('click', function () {
    zoom(0.8, paneSize().w / 2, paneSize().h / 2);
  });
  el('fit').addEventListener('click', fit);
  pane.addEventListener('wheel', function (e) {
    e.preventDefault();
    const r = pane.getBoundingClientRect();
    // A pinch arrives as a wheel with the control key; a plain wheel or two fingers pan.
    if (e.ctrlKey || e.metaKey) zoom(Math.exp(-e.deltaY * 0.01), e.clientX - r.left, e.clientY - r.top);
    else pan(-e.deltaX, -e.deltaY);
  }, { passive: false });
  let drag = null;
  pane.addEventListener('pointerdown', function (e) {
    if (e.target.closest('#zoom')) return;
    drag = { x: e.clientX, y: e.clientY };
    pane.setPointerCapture(e.pointerId);
    pane.classList.add('panning');
  });
  pane.addEventListener('pointermove', function (e) {
    if (drag === null) return;
    pan(e.clientX - drag.x, e.clientY - drag.y);
    drag = { x: e.clientX, y: e.clientY };
  });
  const endDrag = function () { drag = null; pane.classList.remove('panning'); };
  pane.addEventListener('pointerup', endDrag);
  pane.addEventListener('pointercancel', endDrag);
  window.addEventListener('resize', function () {
    arrange();
    if (fitted) { fit(); return; }
    const p = paneSize();
    const s = scale();
    view.w = p.w / s;
    view.h = p.h / s;
    show();
  });

  el('step').addEventListener('click', function () { go(state + 1); });
  el('back').addEventListener('click', function () { go(state - 1); });
  el('start').addEventListener('click', function () { go(0); });
  el('end').addEventListener('click', function () { go(last); });
  el('play').addEventListener('click', play);
  document.addEventListener('keydown', function (e) {
    if (e.key === 'ArrowRight') go(state + 1);
    else if (e.key === 'ArrowLeft') go(state - 1);
    else if (e.key === 'Home') go(0);
    else if (e.key === 'End') go(last);
    else if (e.key === ' ') play();
    else if (e.key === '+' || e.key === '=') zoom(1.25, paneSize().w / 2, paneSize().h / 2);
    else if (e.key === '-') zoom(0.8, paneSize().w / 2, paneSize().h / 2);
    else if (e.key === '0') fit();
    else return;
    e.preventDefault();
  });
  arrange();
  fit();
  go(linkedStep() || 0);
}());
