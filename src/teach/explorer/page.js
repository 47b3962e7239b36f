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
  const labels = document.getElementById('labels');
  const explain = document.getElementById('explain');
  const rows = Array.from(document.querySelectorAll('#trace tbody tr'));
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

  // A label of one or more lines in a white box, on an SVG path: at its middle if there is
  // room, else at the first of a few other spots on or beside it that covers no box, oval or
  // label (`shapes`, then `placed`); failing that, the first that covers no label; failing
  // that, stacked below the middle, clear of the other labels.
  function labelOn(path, lines, cls, shapes, placed) {
    const g = document.createElementNS(NS, 'g');
    g.setAttribute('class', cls);
    const box = document.createElementNS(NS, 'rect');
    const text = document.createElementNS(NS, 'text');
    lines.forEach(function (line, i) {
      const span = document.createElementNS(NS, 'tspan');
      span.textContent = line[0];
      if (line[1]) span.setAttribute('class', line[1]);
      span.setAttribute('x', 4);
      span.setAttribute(i === 0 ? 'y' : 'dy', i === 0 ? 13 : 14);
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
    // (where the edges of one node converge).
    const end = path.getPointAtLength(length);
    const spots = [];
    [0, 0.5, 1].forEach(function (shift) {
      [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8].forEach(function (at) {
        const p = path.getPointAtLength(length * at);
        const away = p.x < end.x ? -1 : 1;
        spots.push({ x: p.x - w / 2 + away * shift * w, y: p.y - h / 2 });
      });
    });
    const clear = function (rects) {
      return function (spot) {
        return !rects.some(function (r) {
          return spot.x < r.x + r.w && r.x < spot.x + w && spot.y < r.y + r.h && r.y < spot.y + h;
        });
      };
    };
    let spot = spots.find(clear(shapes.concat(placed))) || spots.find(clear(placed));
    if (!spot) {
      spot = { x: spots[0].x, y: spots[0].y };
      while (!clear(placed)(spot)) spot.y += h + 2;
    }
    placed.push({ x: spot.x, y: spot.y, w: w, h: h });
    g.setAttribute('transform', 'translate(' + spot.x + ',' + spot.y + ')');
  }

  // Scrolls the graph so that `indices` (the current node first) are in view, or at least
  // the current node when they do not all fit.
  function bringIntoView(indices) {
    const pane = el('graph-pane');
    const boxes = indices.map(function (i) { return el('n' + i).querySelector('rect').getBBox(); });
    const margin = 24;
    const axis = function (start, size, view, scroll) {
      const from = Math.min.apply(null, boxes.map(start)) - margin;
      const to = Math.max.apply(null, boxes.map(function (b) { return start(b) + size(b); })) + margin;
      if (to - from > view) {
        const first = boxes[0];
        return start(first) + size(first) / 2 - view / 2;
      }
      if (from < scroll) return from;
      if (to > scroll + view) return to - view;
      return scroll;
    };
    pane.scrollTo({
      left: axis(function (b) { return b.x; }, function (b) { return b.width; },
        pane.clientWidth, pane.scrollLeft),
      top: axis(function (b) { return b.y; }, function (b) { return b.height; },
        pane.clientHeight, pane.scrollTop),
      behavior: 'smooth',
    });
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
      el('r' + d.index).classList.toggle('hidden', !shown);
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
    // What the labels had better not cover: the boxes and ovals on the tape.
    const shapes = [];
    const placed = [];
    if (step) {
      document.querySelectorAll('.node:not(.hidden) rect, .op:not(.hidden) ellipse')
        .forEach(function (shape) {
          const r = shape.getBBox();
          shapes.push({ x: r.x, y: r.y, w: r.width, h: r.height });
        });
    }
    if (step) {
      step.passes.forEach(function (p) {
        labelOn(el('e' + step.node + '-' + p.edge), [
          ['local ' + p.local + '  '], ['adds ' + p.adds, 'adds']
        ], 'edge-label', shapes, placed);
      });
      if (step.note && byIndex.get(step.node).kind === 'computed') {
        labelOn(el('r' + step.node), [['skipped: ' + step.note.replace(/[()]/g, '')]],
          'skip-label', shapes, placed);
      }
    }

    table(forward, recorded, swept);
    describe(forward, current, step, swept);
    el('counter').textContent = 'step ' + state + ' / ' + last;
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

  // The op as a formula of its operands' names: `#3 + #4`, `#22 e + 1`, `10 / #23 f`,
  // `(#22 e)^2`, `tanh(#8 n)`.
  function formula(d) {
    const args = d.operands.map(tag);
    const wrap = function (t) { return t.indexOf(' ') >= 0 ? '(' + t + ')' : t; };
    if (/^[-+*/]$/.test(d.op) && args.length === 2) return args[0] + ' ' + d.op + ' ' + args[1];
    if (/^[-+*/] /.test(d.op)) return args[0] + ' ' + d.op;
    if (/ [-+*/]$/.test(d.op)) return d.op + ' ' + args[0];
    if (d.op[0] === '^') return wrap(args[0]) + d.op;
    return d.op + '(' + args.join(', ') + ')';
  }

  function heading(d) {
    return d.kind === 'computed' ? d.tag + ' = ' + formula(d) : d.tag + ' (' + d.kind + ')';
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
      add(explain, 'h2', 'Forward: ' + heading(d));
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
    add(explain, 'h2', 'Backward: ' + heading(d));
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
    else return;
    e.preventDefault();
  });
  render();
}());
