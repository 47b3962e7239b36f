//! Fused nodes (`sum`, `dot`, `affine`, `neuron`) record one node and give the values and
//! gradients of the elementary operations they replace.

use tapegrad::{Activation, Tape, Value};

const ACTIVATIONS: [Activation; 5] = [
    Activation::Identity,
    Activation::Relu,
    Activation::Tanh,
    Activation::Sigmoid,
    Activation::LeakyRelu(0.1),
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
fn an_empty_sum_is_zero() {
    let tape = Tape::new();
    let total = tape.sum(std::iter::empty());
    total.backward();
    assert_eq!(total.data(), 0.0);
}
