//! `Module::evaluate` runs a network on plain numbers, with no tape, and gives the numbers
//! `Module::forward` records, to the bit, for every activation; into a reused buffer it
//! allocates nothing.
#![cfg(feature = "nn")]

use tapegrad::Tape;
use tapegrad::nn::{self, Activation, Init, Layer, Mlp, Module, Neuron, Run};

mod allocations;
use allocations::allocations_during;

/// The outputs `forward` records at `x`, read off the tape.
fn recorded(model: &impl Module, x: &[f64]) -> Vec<u64> {
    let tape = Tape::new();
    let outputs = model.forward(model.bind(&tape), Run::vars(&tape, x));
    outputs.iter().map(|v| v.data().to_bits()).collect()
}

fn evaluated(model: &impl Module, x: &[f64]) -> Vec<u64> {
    let mut out = vec![123.0; 7]; // replaced, not appended to
    model.evaluate(x, &mut out);
    out.iter().map(|y| y.to_bits()).collect()
}

#[test]
fn evaluation_and_the_recorded_forward_agree_to_the_bit() {
    let activations = [
        Activation::Relu,
        Activation::Tanh,
        Activation::Sigmoid,
        Activation::Identity,
        Activation::leaky_relu(0.03),
    ];
    for (k, &hidden) in activations.iter().enumerate() {
        // Five inputs: the dot product's four partial sums and a remainder.
        let mlp = Mlp::new(
            5,
            &[
                (9, hidden),
                (6, Activation::Tanh),
                (3, Activation::Identity),
            ],
            Init::Uniform,
            k as u64,
        );
        let data = nn::moons(40, 0.3, k as u64);
        for (x, _) in data.iter() {
            let point = [x[0], x[1], x[0] * x[1], -x[0], 2.5];
            assert_eq!(
                evaluated(&mlp, &point),
                recorded(&mlp, &point),
                "{hidden:?}"
            );
            assert_eq!(
                evaluated(&mlp.layers()[0], &point),
                recorded(&mlp.layers()[0], &point)
            );
            let neuron = &mlp.layers()[0].neurons()[1];
            assert_eq!(evaluated(neuron, &point), recorded(neuron, &point));
        }
    }
}

#[test]
fn evaluation_at_large_and_infinite_inputs_matches_the_tape() {
    let layer = Layer::from_neurons(vec![
        Neuron::from_parameters(vec![1e300, 1e300], -1.0, Activation::Sigmoid),
        Neuron::from_parameters(vec![-2.0, 0.5], 0.0, Activation::Sigmoid),
    ]);
    for x in [
        [1e10, 1e10],
        [f64::INFINITY, 0.0],
        [-0.0, f64::NEG_INFINITY],
    ] {
        assert_eq!(evaluated(&layer, &x), recorded(&layer, &x), "{x:?}");
    }
}

#[test]
fn evaluation_into_a_reused_buffer_allocates_nothing() {
    let mlp = Mlp::new(
        2,
        &[
            (16, Activation::Tanh),
            (16, Activation::Tanh),
            (1, Activation::Identity),
        ],
        Init::Xavier,
        0,
    );
    let mut out = Vec::with_capacity(1);
    mlp.evaluate(&[0.5, -0.5], &mut out);
    let count = allocations_during(|| {
        for i in 0..100 {
            mlp.evaluate(&[i as f64 / 50.0, 0.25], &mut out);
        }
    });
    assert_eq!(count, 0);
}

#[test]
#[should_panic(expected = "wrong input length: this Mlp takes 2 inputs, got 3")]
fn evaluating_a_point_of_the_wrong_size_panics() {
    let mlp = Mlp::new(2, &[(3, Activation::Tanh)], Init::Xavier, 0);
    mlp.evaluate(&[1.0, 2.0, 3.0], &mut Vec::new());
}
