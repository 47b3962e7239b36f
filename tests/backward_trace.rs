//! `Value::backward_trace`: the sweep it records is the sweep `backward` makes, step by step,
//! checked on random graphs (fused nodes included), on published values and on closed forms.
#![cfg(feature = "teach")]

use std::collections::HashMap;

use proptest::prelude::*;
use tapegrad::teach::Trace;
use tapegrad::{Tape, Value};

// micrograd's README expression, as the examples record it.
#[path = "../examples/micrograd/mod.rs"]
mod micrograd;

/// One instruction of a random program; `usize` fields pick operands among the values made
/// so far (modulo their number).
#[derive(Clone, Debug)]
enum Instr {
    Add(usize, usize),
    Sub(usize, usize),
    Mul(usize, usize),
    Scale(usize, f64),
    Tanh(usize),
    Sin(usize),
    Relu(usize),
    Square(usize),
    Cube(usize),
    Sigmoid(usize),
    /// `a / (b² + 1)`: a division whose denominator stays away from zero.
    Div(usize, usize),
    Max(usize, usize),
    Sum(Vec<usize>),
    Dot([usize; 4]),
    /// A neuron over two consecutive inputs, with fresh weights and bias.
    Affine(usize, [f64; 3]),
}

const INPUTS: usize = 4;

fn instr() -> impl Strategy<Value = Instr> {
    let k = -2.0..2.0f64;
    prop_oneof![
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Instr::Add(a, b)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Instr::Sub(a, b)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Instr::Mul(a, b)),
        (any::<usize>(), k.clone()).prop_map(|(a, k)| Instr::Scale(a, k)),
        any::<usize>().prop_map(Instr::Tanh),
        any::<usize>().prop_map(Instr::Sin),
        any::<usize>().prop_map(Instr::Relu),
        any::<usize>().prop_map(Instr::Square),
        any::<usize>().prop_map(Instr::Cube),
        any::<usize>().prop_map(Instr::Sigmoid),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Instr::Div(a, b)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Instr::Max(a, b)),
        prop::collection::vec(any::<usize>(), 1..5).prop_map(Instr::Sum),
        any::<[usize; 4]>().prop_map(Instr::Dot),
        (0..INPUTS - 1, [k.clone(), k.clone(), k]).prop_map(|(j, w)| Instr::Affine(j, w)),
    ]
}

/// Runs `program` on `tape`; returns every value it made (inputs and weights included) and
/// the output, the last value computed.
fn run<'t>(tape: &'t Tape, inputs: &[f64], program: &[Instr]) -> (Vec<Value<'t>>, Value<'t>) {
    let x: Vec<Value> = inputs.iter().map(|&v| tape.var(v)).collect();
    let mut made = x.clone();
    let mut values = x.clone();
    for instr in program {
        let pick = |i: usize| values[i % values.len()];
        let y = match instr {
            Instr::Add(a, b) => pick(*a) + pick(*b),
            Instr::Sub(a, b) => pick(*a) - pick(*b),
            Instr::Mul(a, b) => pick(*a) * pick(*b),
            Instr::Scale(a, k) => pick(*a) * *k,
            Instr::Tanh(a) => pick(*a).tanh(),
            Instr::Sin(a) => pick(*a).sin(),
            Instr::Relu(a) => pick(*a).relu(),
            Instr::Square(a) => pick(*a).powi(2),
            Instr::Cube(a) => pick(*a).powi(3),
            Instr::Sigmoid(a) => pick(*a).sigmoid(),
            Instr::Div(a, b) => pick(*a) / (pick(*b).powi(2) + 1.0),
            Instr::Max(a, b) => pick(*a).max(pick(*b)),
            Instr::Sum(items) => tape.sum(items.iter().map(|&i| pick(i))),
            Instr::Dot([a, b, c, d]) => tape.dot(&[pick(*a), pick(*b)], &[pick(*c), pick(*d)]),
            Instr::Affine(j, w) => {
                let params: Vec<Value> = w.iter().map(|&v| tape.var(v)).collect();
                made.extend(&params);
                let before = tape.len();
                let y = tape.affine(&params[..2], params[2], &x[*j..*j + 2]);
                assert_eq!(tape.len(), before + 1, "this neuron is one fused node");
                y
            }
        };
        made.push(y);
        values.push(y);
    }
    let output = *values.last().expect("at least the inputs");
    (made, output)
}

/// What each node received, summed from the trace's own contributions in sweep order.
fn check_sums(trace: &Trace) -> Result<(), TestCaseError> {
    let mut received: HashMap<usize, f64> = HashMap::new();
    for (k, step) in trace.steps().iter().enumerate() {
        let index = step.node().index();
        let expected = if k == 0 {
            1.0
        } else {
            received.get(&index).copied().unwrap_or(0.0)
        };
        prop_assert_eq!(
            step.upstream(),
            expected,
            "node {} receives what its users pass",
            index
        );
        for c in step.contributions() {
            *received.entry(c.operand()).or_insert(0.0) += c.adds();
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn trace_gradients_equal_backward_gradients_on_random_graphs(
        inputs in prop::collection::vec(-2.0..2.0f64, INPUTS),
        program in prop::collection::vec(instr(), 1..16),
    ) {
        let tape = Tape::new();
        let (made, y) = run(&tape, &inputs, &program);
        let trace = y.backward_trace();
        y.backward();
        let graph = y.graph();

        let traced: Vec<usize> = trace.steps().iter().map(|s| s.node().index()).collect();
        let mut drawn: Vec<usize> = graph.nodes().iter().map(|n| n.index()).collect();
        drawn.reverse();
        prop_assert_eq!(&traced, &drawn, "one step per node y depends on, newest first");
        prop_assert!(traced.windows(2).all(|w| w[0] > w[1]));
        prop_assert_eq!(traced[0], y.index());

        for step in trace.steps() {
            let grad = graph.node(step.node().index()).unwrap().grad();
            prop_assert_eq!(step.upstream().to_bits(), grad.to_bits(),
                "node {}: trace {} vs backward {}", step.node().index(), step.upstream(), grad);
            for c in step.contributions() {
                let product = step.upstream() * c.local();
                prop_assert!((c.adds() - product).abs() <= 1e-12 * (1.0 + product.abs()),
                    "adds {} is upstream {} x local {}", c.adds(), step.upstream(), c.local());
            }
        }
        for v in &made {
            if trace.step(v.index()).is_none() {
                prop_assert_eq!(v.grad(), 0.0, "node {} is not in the trace", v.index());
            }
        }
        check_sums(&trace)?;
    }
}

#[test]
fn trace_of_micrograd_expression_ends_with_its_published_gradients() {
    let tape = Tape::new();
    let trace = micrograd::expression(&tape).g.backward_trace();
    let inputs: Vec<(Option<&str>, f64)> = trace.inputs().map(|n| (n.label(), n.grad())).collect();
    let close = |got: f64, want: f64| (got - want).abs() <= 1e-12 * want.abs();
    // micrograd's README (PyTorch's numbers): dg/da = 138.8338..., dg/db = 645.5773...
    assert_eq!(inputs.len(), 2);
    assert_eq!((inputs[0].0, inputs[1].0), (Some("a"), Some("b")));
    assert!(close(inputs[0].1, 138.83381924198252), "{}", inputs[0].1);
    assert!(close(inputs[1].1, 645.5772594752186), "{}", inputs[1].1);
    let text = trace.to_string();
    let last_lines: Vec<&str> = text.lines().rev().take(2).collect();
    assert!(last_lines[1].contains("#0 a") && last_lines[1].contains("138.833819"));
    assert!(last_lines[0].contains("#1 b") && last_lines[0].contains("645.577259"));
}

/// micrograd's lecture neuron: o = tanh(x1 w1 + x2 w2 + b), with b chosen so that
/// n = ln(1 + √2), where tanh(n) = 1/√2 and so do/dn = 1 - o² = 1/2.
#[test]
fn lecture_neuron_trace_matches_closed_form() {
    let (x1, x2, w1, w2) = (2.0, 0.0, -3.0, 1.0);
    let b = 6.881_373_587_019_543;
    let tape = Tape::new();
    let inputs = [x1, x2, w1, w2, b].map(|v| tape.var(v));
    let [vx1, vx2, vw1, vw2, vb] = inputs;
    let n = vx1 * vw1 + vx2 * vw2 + vb;
    let o = n.tanh();
    let trace = o.backward_trace();

    let half_root_two = std::f64::consts::FRAC_1_SQRT_2;
    assert!((o.data() - half_root_two).abs() < 1e-15, "o = {}", o.data());
    let tanh_step = &trace.steps()[0];
    assert_eq!(tanh_step.node().op(), "tanh");
    let do_dn = tanh_step.contributions()[0].local();
    assert!((do_dn - 0.5).abs() < 1e-15, "1 - o² = {do_dn}");
    // do/dx1 = w1 (1 - o²), do/dw1 = x1 (1 - o²), and so on.
    let expected = [w1 * 0.5, w2 * 0.5, x1 * 0.5, x2 * 0.5, 0.5];
    for (input, want) in inputs.iter().zip(expected) {
        let step = trace.step(input.index()).unwrap();
        assert!(
            (step.upstream() - want).abs() < 1e-15,
            "{} vs {want}",
            step.upstream()
        );
        assert_eq!(step.upstream(), input.grad());
    }
}

#[test]
fn fused_nodes_pass_each_operand_its_local_derivative() {
    let tape = Tape::new();
    let w = [tape.var(0.5), tape.var(-1.5)];
    let bias = tape.var(0.25);
    let x = [tape.var(2.0), tape.var(3.0)];
    let neuron = tape.affine(&w, bias, &x);
    let dot = tape.dot(&w, &x);
    let sum = tape.sum([x[0], x[1], x[0]]);
    let y = neuron * 2.0 + dot * 3.0 + sum;
    let trace = y.backward_trace();

    let locals = |v: Value| -> Vec<(usize, f64, f64)> {
        let step = trace.step(v.index()).unwrap();
        step.contributions()
            .iter()
            .map(|c| (c.operand(), c.local(), c.adds()))
            .collect()
    };
    // w·x + bias: the weights get x_i, then the inputs w_i, then the bias 1; upstream 2.
    assert_eq!(
        locals(neuron),
        [
            (0, 2.0, 4.0),
            (1, 3.0, 6.0),
            (3, 0.5, 1.0),
            (4, -1.5, -3.0),
            (2, 1.0, 2.0)
        ]
    );
    // w·x: the same without bias; upstream 3.
    assert_eq!(
        locals(dot),
        [(0, 2.0, 6.0), (3, 0.5, 1.5), (1, 3.0, 9.0), (4, -1.5, -4.5)]
    );
    // x0 + x1 + x0: 1 each, x0 twice; upstream 1.
    assert_eq!(locals(sum), [(3, 1.0, 1.0), (4, 1.0, 1.0), (3, 1.0, 1.0)]);
    // And the totals are backward's: dy/dx0 = 2 w0 + 3 w0 + 2, dy/dw1 = 2 x1 + 3 x1.
    assert_eq!(
        trace.step(3).unwrap().upstream(),
        2.0 * 0.5 + 3.0 * 0.5 + 2.0
    );
    assert_eq!(x[0].grad(), 4.5);
    assert_eq!(trace.step(1).unwrap().upstream(), 15.0);
    assert_eq!(w[1].grad(), 15.0);
}

#[test]
fn a_zero_upstream_passes_nothing_so_an_unused_nan_stays_put() {
    let tape = Tape::new();
    let x = tape.var(-1.0);
    let log = x.ln(); // NaN: outside the domain
    let y = log * 0.0 + x * 2.0;
    let trace = y.backward_trace();
    let log_step = trace.step(log.index()).unwrap();
    assert_eq!(log_step.upstream(), 0.0);
    assert!(log_step.contributions().is_empty());
    assert_eq!(x.grad(), 2.0, "not NaN");
    assert!(trace.to_string().contains("upstream is 0: passes nothing"));
}

#[test]
fn a_flat_fused_neuron_passes_what_backward_passes_in_the_trace() {
    // tanh at an infinite z: slope 0. Reached by a finite gradient it passes nothing; reached
    // by an infinite one it passes inf * 0 = NaN, as `w * x + b` and `tanh` would.
    for upstream in [2.0, f64::INFINITY] {
        let tape = Tape::new();
        let (w, b, x) = (tape.var(0.5), tape.var(0.25), tape.var(f64::INFINITY));
        let neuron = tape.neuron(&[w], b, &[x], tapegrad::Activation::Tanh);
        let y = neuron * upstream;
        let trace = y.backward_trace();
        y.backward();
        let step = trace.step(neuron.index()).unwrap();
        for (c, v) in step.contributions().iter().zip([w, x, b]) {
            assert_eq!(c.local(), 0.0, "the slope is 0");
            assert!(c.adds().is_nan() && v.grad().is_nan(), "{c:?}");
        }
        if upstream.is_finite() {
            assert!(step.contributions().is_empty());
            assert_eq!([w, b, x].map(|v| v.grad()), [0.0; 3]);
        } else {
            assert_eq!(step.contributions().len(), 3);
        }
    }
}

#[test]
fn steps_run_newest_first_and_inputs_list_oldest_first() {
    let tape = Tape::new();
    let a = tape.named("a", 1.0);
    let b = tape.named("b", 2.0);
    let y = (b.exp() * a).sin();
    let trace = y.backward_trace();
    let order: Vec<usize> = trace.steps().iter().map(|s| s.node().index()).collect();
    assert_eq!(order, [4, 3, 2, 1, 0]);
    let inputs: Vec<usize> = trace.inputs().map(|n| n.index()).collect();
    assert_eq!(inputs, [0, 1]);
}

#[test]
fn trace_of_a_recorded_gradient_equals_its_backward() {
    let tape = Tape::new();
    let x = tape.var(0.7);
    let y = tape.var(-1.2);
    let f = x * x * y + (x * y).sin();
    let df_dx = f.gradient(&[x])[0];
    let trace = df_dx.backward_trace();
    // d²f/dx² = 2y - y² sin(xy), d²f/dxdy = 2x + cos(xy) - xy sin(xy)
    let (xv, yv) = (0.7f64, -1.2f64);
    let dxx = 2.0 * yv - yv * yv * (xv * yv).sin();
    let dxy = 2.0 * xv + (xv * yv).cos() - xv * yv * (xv * yv).sin();
    let got = |v: Value| trace.step(v.index()).unwrap().upstream();
    assert!((got(x) - dxx).abs() < 1e-14, "{} vs {dxx}", got(x));
    assert!((got(y) - dxy).abs() < 1e-14, "{} vs {dxy}", got(y));
    assert_eq!((got(x), got(y)), (x.grad(), y.grad()));
}

#[test]
fn the_table_has_a_line_per_contribution_then_the_input_gradients() {
    let tape = Tape::new();
    let a = tape.named("a", 3.0);
    let b = tape.named("b", -2.0);
    let c = (a * b).label("c");
    let text = c.backward_trace().to_string();
    let lines: Vec<&str> = text.lines().collect();
    // title, column names, c's two contributions, a, b, the gradients' title, a, b
    assert_eq!(lines.len(), 9, "{text}");
    assert!(
        lines[2].starts_with("#2 c") && lines[2].contains("#0 a"),
        "{text}"
    );
    assert!(
        lines[3].trim_start().starts_with('|') && lines[3].contains("#1 b"),
        "{text}"
    );
    assert!(
        lines[7].contains("#0 a") && lines[7].trim_end().ends_with("-2"),
        "{text}"
    );
    assert!(
        lines[8].contains("#1 b") && lines[8].trim_end().ends_with('3'),
        "{text}"
    );
}

#[test]
fn a_neuron_with_its_activation_inside_shows_its_operand_nodes() {
    let tape = Tape::new();
    let w = [tape.var(0.5), tape.var(-1.5)];
    let bias = tape.var(0.25);
    let x = [tape.var(2.0), tape.var(3.0)];
    let before = tape.len();
    let neuron = tape.neuron(&w, bias, &x, tapegrad::Activation::Tanh);
    assert_eq!(tape.len(), before + 1, "one node");
    let trace = neuron.backward_trace();
    let step = trace.step(neuron.index()).unwrap();
    let operands: Vec<usize> = step.contributions().iter().map(|c| c.operand()).collect();
    assert_eq!(operands, [0, 1, 3, 4, 2]);
    // The graph reaches every weight, the bias and every input through the one node.
    let graph = neuron.graph();
    let mut reached: Vec<usize> = graph.nodes().iter().map(|n| n.index()).collect();
    reached.sort();
    assert_eq!(reached, [0, 1, 2, 3, 4, 5]);
}

/// Checks that every value in `made` got, from `backward`, the gradient the trace summed for
/// it, to the bit.
fn assert_backward_equals_trace(y: Value<'_>, made: &[Value<'_>]) {
    let trace = y.backward_trace();
    y.backward();
    for v in made {
        let traced = trace.step(v.index()).map_or(0.0, |s| s.upstream());
        assert_eq!(
            v.grad().to_bits(),
            traced.to_bits(),
            "node {}: backward {} vs trace {}",
            v.index(),
            v.grad(),
            traced
        );
    }
}

// `backward` keeps the gradient of the node just below the current one in a register; these
// are the rules that reach that node other than through a single `add`.
#[test]
fn the_node_just_below_gets_its_gradient_in_the_traces_order() {
    // A neuron whose input run ends just below it: its inputs' half of the rule is a loop
    // over memory, and one of them is also used before and after.
    let tape = Tape::new();
    let params: Vec<Value> = [0.3, -0.7, 0.2].iter().map(|&p| tape.var(p)).collect();
    let x: Vec<Value> = [1.5, -0.5].iter().map(|&v| tape.var(v)).collect();
    let z = tape.affine(&params[..2], params[2], &x);
    assert_eq!(z.index(), x[1].index() + 1, "the input run ends just below");
    let y = (z * x[1]).tanh() + x[1] * 3.0;
    let made: Vec<Value> = params.iter().chain(&x).copied().chain([z, y]).collect();
    assert_backward_equals_trace(y, &made);

    // A sum over a loop whose last term is the node just below it.
    let tape = Tape::new();
    let x = tape.var(0.7);
    let terms: Vec<Value> = (1..=5).map(|k| x * k as f64).collect();
    let sum = tape.sum(terms.iter().copied());
    assert_eq!(
        sum.index(),
        terms[4].index() + 1,
        "the last term is just below"
    );
    let y = sum * terms[4] + terms[0];
    let made: Vec<Value> = [x, sum, y].into_iter().chain(terms).collect();
    assert_backward_equals_trace(y, &made);

    // A node used twice by the node just above it, and by others before that.
    let tape = Tape::new();
    let x = tape.var(0.4);
    let a = x.sin();
    let square = a * a;
    let y = (square + a) * a.exp();
    assert_backward_equals_trace(y, &[x, a, square, y]);
}

// The sweep steps over a run of zero gradients by the gradients alone and finds its place in
// the operand stream again from a checkpoint (one every 64 nodes); runs of every length, with
// constants and variadic nodes inside, must leave it where the trace, which walks every node,
// is.
#[test]
fn long_runs_of_zero_gradient_leave_the_sweep_in_step() {
    let tape = Tape::new();
    let x = tape.var(0.3);
    let mut made = vec![x];
    let mut y = x;
    for k in 0..60 {
        // Nodes `y` does not depend on: 1 to 300 of them.
        let mut unused = x * 1.5;
        for j in 0..(k * 37 % 300) {
            unused = match j % 5 {
                0 => unused.sin(),
                1 => unused + 0.25,
                2 => tape.sum([unused, x, unused]),
                3 => unused.clamp(-1.0, 1.0),
                _ => unused * x,
            };
            made.push(unused);
        }
        y = (y * 0.9 + x).tanh();
        made.push(y);
    }
    assert!(tape.len() > 8000);
    assert_backward_equals_trace(y, &made);
    assert!(x.grad() != 0.0);
}
