//! Fused nodes (`sum`, `dot`, `dot_const`, `affine`, `neuron`) record one node and give the
//! values and gradients of the elementary operations they replace.

use tapegrad::{Activation, Dual, Tape, Value, value_and_gradient};

const ACTIVATIONS: [Activation; 5] = [
    Activation::Identity,
    Activation::Relu,
    Activation::Tanh,
    Activation::Sigmoid,
    Activation::leaky_relu(0.1),
];

/// A neuron with 5 inputs, recorded fused (consecutive weights, bias, inputs) or, when
/// `scattered`, with the inputs in reverse creation order so that no run exists. Returns the
/// output, the gradients of weights, bias and inputs, and how many nodes the neuron took.
fn neuron(activation: Activation, scattered: bool) -> (f64, Vec<f64>, usize) {
    let tape = Tape::new();
    let params: Vec<Value> = [0.3, -0.7, 0.2, 0.9, -0.4, 0.15]
        .iter()
        .map(|&p| tape.var(p))
        .collect();
    let inputs = [1.5, -0.5, 0.25, 2.0, -1.0];
    let x: Vec<Value> = if scattered {
        let mut x: Vec<Value> = inputs.iter().rev().map(|&v| tape.var(v)).collect();
        x.reverse();
        x
    } else {
        inputs.iter().map(|&v| tape.var(v)).collect()
    };
    let before = tape.len();
    let y = tape.neuron(&params[..5], params[5], &x, activation);
    let nodes = tape.len() - before;
    y.backward();
    let grads = params.iter().chain(&x).map(|v| v.grad()).collect();
    (y.data(), grads, nodes)
}

#[test]
fn a_neuron_on_consecutive_nodes_is_one_node_with_the_same_numbers_as_elementary_ops() {
    for activation in ACTIVATIONS {
        let (fused, fused_grads, fused_nodes) = neuron(activation, false);
        let (plain, plain_grads, plain_nodes) = neuron(activation, true);
        let expected_nodes = if matches!(activation, Activation::LeakyRelu(_)) {
            2
        } else {
            1
        };
        assert_eq!(fused_nodes, expected_nodes, "{activation:?}");
        assert!(
            plain_nodes > fused_nodes,
            "{activation:?}: scattered inputs cannot fuse"
        );
        assert_eq!(
            fused.to_bits(),
            plain.to_bits(),
            "{activation:?}: values differ"
        );
        for (i, (a, b)) in fused_grads.iter().zip(&plain_grads).enumerate() {
            assert!(
                (a - b).abs() <= 1e-15 * b.abs(),
                "{activation:?}: gradient {i}: {a} vs {b}"
            );
        }
    }
}

/// The output and the gradients of weight, bias and input of `activation(w x + b)`,
/// recorded as one fused neuron or as `w * x + b` and the activation.
fn one_input_neuron(activation: Activation, [w, b, x]: [f64; 3], fused: bool) -> [f64; 4] {
    let tape = Tape::new();
    let leaves = [w, b, x].map(|v| tape.var(v));
    let y = if fused {
        tape.neuron(&leaves[..1], leaves[1], &leaves[2..], activation)
    } else {
        activation.apply(leaves[0] * leaves[2] + leaves[1])
    };
    y.backward();
    let [w, b, x] = leaves.map(|v| v.grad());
    [y.data(), w, b, x]
}

#[test]
fn a_fused_neuron_at_an_infinite_input_passes_what_its_elementary_ops_pass() {
    for activation in ACTIVATIONS {
        for x in [f64::INFINITY, f64::NEG_INFINITY] {
            for w in [0.5, -2.0, 0.0] {
                let at = [w, 0.25, x];
                let fused = one_input_neuron(activation, at, true);
                let unfused = one_input_neuron(activation, at, false);
                let same = |a: f64, b: f64| a.to_bits() == b.to_bits() || a.is_nan() && b.is_nan();
                assert!(
                    fused.iter().zip(&unfused).all(|(&a, &b)| same(a, b)),
                    "{activation:?} at w = {w}, x = {x}: fused {fused:?}, unfused {unfused:?}"
                );
            }
        }
    }
    // tanh and sigmoid are flat at an infinite z: their slope 0 passes nothing on, so the
    // weight whose input is infinite gets 0, not 0 * inf = NaN.
    for activation in [Activation::Tanh, Activation::Sigmoid] {
        let [_, w, b, x] = one_input_neuron(activation, [0.5, 0.25, f64::INFINITY], true);
        assert_eq!([w, b, x], [0.0; 3], "{activation:?}");
    }
}

#[test]
fn a_neuron_computes_its_formula() {
    let (w, x) = ([0.3, -0.7, 0.2, 0.9, -0.4], [1.5, -0.5, 0.25, 2.0, -1.0]);
    let z: f64 = w.iter().zip(x).map(|(w, x)| w * x).sum::<f64>() + 0.15;
    let expected = [
        (Activation::Identity, z),
        (Activation::Relu, z.max(0.0)),
        (Activation::Tanh, z.tanh()),
        (Activation::Sigmoid, 1.0 / (1.0 + (-z).exp())),
    ];
    for (activation, value) in expected {
        let (y, grads, _) = neuron(activation, false);
        assert!((y - value).abs() < 1e-15, "{activation:?}: {y} vs {value}");
        // d y / d bias is the activation's slope at z; d y / d w_0 is that times x_0.
        assert!((grads[0] - grads[5] * 1.5).abs() < 1e-15, "{activation:?}");
    }
}

#[test]
fn sum_and_dot_match_their_elementary_forms() {
    let tape = Tape::new();
    let a: Vec<Value> = (1..=5).map(|i| tape.var(i as f64 * 0.7 - 1.3)).collect();
    let b: Vec<Value> = (1..=5).map(|i| tape.var(i as f64 * -0.4 + 0.9)).collect();
    let before = tape.len();
    let total = tape.sum(a.iter().copied());
    let dot = tape.dot(&a, &b);
    assert_eq!(tape.len(), before + 2, "one node each");
    let y = total * 2.0 + dot;
    y.backward();
    for i in 0..5 {
        assert_eq!(a[i].grad(), 2.0 + b[i].data(), "d/da_{i}");
        assert_eq!(b[i].grad(), a[i].data(), "d/db_{i}");
    }
    let expected: f64 = (0..5).map(|i| a[i].data() * b[i].data()).sum();
    assert!((dot.data() - expected).abs() < 1e-15);
}

#[test]
fn a_dot_with_numbers_is_one_node_whose_gradient_is_the_numbers() {
    // Least squares on one row, r = θ·x - y: dr²/dθ_i = 2 r x_i.
    let tape = Tape::new();
    let theta: Vec<Value> = [0.3, -1.2, 2.5, 0.0, 4.0]
        .iter()
        .map(|&t| tape.var(t))
        .collect();
    let x = [1.0, 0.5, -2.0, 3.0, 0.125];
    let y = 0.75;
    let before = tape.len();
    let prediction = tape.dot_const(&theta, &x);
    assert_eq!(tape.len(), before + 1, "one node");
    let r = prediction.data() - y;
    let loss = (prediction - y).powi(2);
    loss.backward();
    let elementary: f64 = [0.3 * 1.0, -1.2 * 0.5, 2.5 * -2.0, 0.0 * 3.0, 4.0 * 0.125]
        .iter()
        .sum();
    assert!((prediction.data() - elementary).abs() < 1e-15);
    for i in 0..5 {
        assert_eq!(theta[i].grad(), 2.0 * r * x[i], "d/dθ_{i}");
    }
}

#[test]
fn a_dot_with_numbers_differentiates_twice() {
    // f = (θ·x)², df/dθ_i = 2 (θ·x) x_i, d²f/dθ_i dθ_j = 2 x_i x_j.
    let tape = Tape::new();
    let theta = [tape.var(1.0), tape.var(-2.0)];
    let x = [3.0, 0.5];
    let f = tape.dot_const(&theta, &x).powi(2);
    let g = f.gradient(&theta);
    assert_eq!((g[0].data(), g[1].data()), (12.0, 2.0));
    g[0].backward();
    assert_eq!((theta[0].grad(), theta[1].grad()), (18.0, 3.0));
}

#[test]
fn a_dot_with_numbers_differentiates_at_a_point_of_duals() {
    // f = (θ·k)²: gradient 2 (θ·k) k, and along d the Hessian's product 2 k (k·d).
    let k = [3.0, 0.5];
    let theta = [Dual::new(1.0, 1.0), Dual::new(-2.0, 2.0)]; // at (1, -2) along d = (1, 2)
    let (value, g) = value_and_gradient(|t| t[0].tape().dot_const(t, &k).powi(2), &theta);
    assert_eq!(value.value(), 4.0); // θ·k = 2
    assert_eq!((g[0].value(), g[1].value()), (12.0, 2.0));
    assert_eq!((g[0].tangent(), g[1].tangent()), (24.0, 4.0)); // k·d = 4
}

#[test]
#[should_panic(expected = "dot_const needs one number per value, got 2 values and 3 numbers")]
fn a_dot_with_numbers_of_another_length_panics_with_both_lengths() {
    let tape = Tape::new();
    tape.dot_const(&[tape.var(1.0), tape.var(2.0)], &[1.0, 2.0, 3.0]);
}

#[test]
fn an_empty_sum_is_zero() {
    let tape = Tape::new();
    let total = tape.sum(std::iter::empty());
    total.backward();
    assert_eq!(total.data(), 0.0);
}

/// `x -> 1.5 x -> sin -> 1.5 x -> ...`, `nodes` nodes long counting `x`.
fn chain(x: Value<'_>, nodes: usize) -> Value<'_> {
    (1..nodes).fold(x, |y, k| if k % 2 == 1 { y * 1.5 } else { y.sin() })
}

/// `chain` on plain numbers.
fn chain_f64(x: f64, nodes: usize) -> f64 {
    (1..nodes).fold(x, |y, k| if k % 2 == 1 { y * 1.5 } else { y.sin() })
}

/// `sum_i chain(x_i)` where each chain records `nodes_per_item` nodes, with the items' order broken at
/// `break_at` (when given) by swapping two neighbours. Returns the sum's value, the gradients
/// of the leaves, and the plain `f64` sum in the same order.
fn sum_over_a_loop(nodes_per_item: usize, break_at: Option<usize>) -> (f64, Vec<f64>, f64) {
    let inputs: Vec<f64> = (0..40).map(|i| (i as f64 * 0.37).sin()).collect();
    let tape = Tape::new();
    let xs: Vec<Value> = inputs.iter().map(|&x| tape.var(x)).collect();
    let mut terms: Vec<Value> = xs.iter().map(|&x| chain(x, nodes_per_item)).collect();
    let mut plain: Vec<f64> = inputs
        .iter()
        .map(|&x| chain_f64(x, nodes_per_item))
        .collect();
    if let Some(i) = break_at {
        terms.swap(i, i + 1);
        plain.swap(i, i + 1);
    }
    let before = tape.len();
    let total: Value = terms.iter().sum();
    assert_eq!(tape.len(), before + 1, "one node for the whole sum");
    total.backward();
    let expected = plain.iter().fold(0.0, |sum, &t| sum + t);
    (
        total.data(),
        xs.iter().map(|x| x.grad()).collect(),
        expected,
    )
}

#[test]
fn a_sum_over_a_loop_is_one_node_whether_or_not_its_terms_come_in_step() {
    for nodes_per_item in [1, 2, 3, 5] {
        let (in_step, grads, expected) = sum_over_a_loop(nodes_per_item, None);
        assert_eq!(
            in_step.to_bits(),
            expected.to_bits(),
            "{nodes_per_item} nodes"
        );
        for break_at in [0, 1, 17, 38] {
            let (broken, broken_grads, expected) = sum_over_a_loop(nodes_per_item, Some(break_at));
            assert_eq!(broken.to_bits(), expected.to_bits(), "broken at {break_at}");
            assert_eq!(
                broken_grads, grads,
                "the order of the terms cannot change a gradient"
            );
        }
        // d/dx of the chain x -> 1.5 x -> sin -> 1.5 x -> ..., by the chain rule in f64.
        let inputs: Vec<f64> = (0..40).map(|i| (i as f64 * 0.37).sin()).collect();
        for (i, (&x, &g)) in inputs.iter().zip(&grads).enumerate() {
            let (mut y, mut dy) = (x, 1.0);
            for k in 1..nodes_per_item {
                (y, dy) = if k % 2 == 1 {
                    (y * 1.5, dy * 1.5)
                } else {
                    (y.sin(), dy * y.cos())
                };
            }
            // The sweep multiplies the same factors from the other end: equal to rounding.
            assert!(
                (g - dy).abs() <= 1e-14 * dy.abs(),
                "d/dx_{i}, {nodes_per_item} nodes: {g} against {dy}"
            );
        }
    }
}

#[test]
fn a_sum_counts_a_repeated_term_once_per_appearance() {
    let tape = Tape::new();
    let a = tape.var(2.0);
    let b = tape.var(3.0);
    for (terms, da, db) in [
        (vec![a, a, a], 3.0, 0.0),
        (vec![a, a, b], 2.0, 1.0),
        (vec![b, a, a, b], 2.0, 2.0),
    ] {
        let total: Value = terms.iter().sum();
        total.backward();
        let expected: f64 = terms.iter().map(|t| t.data()).sum();
        assert_eq!((total.data(), a.grad(), b.grad()), (expected, da, db));
    }
}

#[test]
fn sums_nested_inside_a_sum_keep_their_own_terms() {
    let tape = Tape::new();
    let xs: Vec<Value> = (0..6).map(|i| tape.var(i as f64 + 1.0)).collect();
    // Each outer term is itself a sum: of x_i and x_{i+1} (in step), then of x_{i+1} and x_i
    // (out of step); the outer terms come in step.
    let total: Value = (0..5)
        .map(|i| {
            let forward: Value = [xs[i], xs[i + 1]].iter().sum();
            let backward: Value = [xs[i + 1], xs[i]].iter().sum();
            forward * backward
        })
        .sum();
    total.backward();
    let expected: f64 = (0..5).map(|i| ((2 * i + 3) as f64).powi(2)).sum();
    assert_eq!(total.data(), expected);
    for (i, x) in xs.iter().enumerate() {
        // d/dx_i of sum_j (x_j + x_{j+1})^2 = 2 (x_{i-1} + x_i) + 2 (x_i + x_{i+1})
        let left = if i > 0 { 2.0 * (2 * i + 1) as f64 } else { 0.0 };
        let right = if i < 5 { 2.0 * (2 * i + 3) as f64 } else { 0.0 };
        assert_eq!(x.grad(), left + right, "d/dx_{i}");
    }
}
