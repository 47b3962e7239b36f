//! Dropout with a rate for each hidden layer: each layer's units are dropped at its own rate,
//! through `forward_with_dropout` and through `DataParallel` (whose masks stay per point, the
//! same for any number of threads); equal rates give the one-rate dropout's numbers.
#![cfg(feature = "nn")]

use tapegrad::Tape;
use tapegrad::nn::{
    Activation, DataParallel, Dataset, Dropout, Init, Layer, Mlp, Module, Neuron, Run, loss,
};

const UNITS: usize = 10;

/// 1 -> UNITS (each outputs 1) -> UNITS (unit j passes unit j on) -> 1 (the sum): the
/// gradient of the output's weight j is the product of unit j's two dropout factors.
fn chain() -> Mlp {
    let first = (0..UNITS)
        .map(|_| Neuron::from_parameters(vec![0.0], 1.0, Activation::Identity))
        .collect();
    let second = (0..UNITS)
        .map(|j| {
            let weights = (0..UNITS).map(|i| if i == j { 1.0 } else { 0.0 }).collect();
            Neuron::from_parameters(weights, 0.0, Activation::Identity)
        })
        .collect();
    let sum = Neuron::from_parameters(vec![1.0; UNITS], 0.0, Activation::Identity);
    Mlp::from_layers(vec![
        Layer::from_neurons(first),
        Layer::from_neurons(second),
        Layer::from_neurons(vec![sum]),
    ])
}

/// The share of (point, unit) pairs that kept unit j in both hidden layers.
fn kept_share(threads: usize, rates: &[f64], points: usize) -> f64 {
    let model = chain();
    let data = Dataset::new(1, vec![0.0; points], vec![0.0; points]);
    let mut grads = Vec::new();
    DataParallel::new(threads)
        .split_batches_from(1)
        .loss_and_gradient_with_dropout(
            &model,
            &data,
            &mut Dropout::per_layer(rates, 3),
            |out, _| out.get(0),
            loss::no_penalty,
            &mut grads,
        );
    let scale = 1.0 / ((1.0 - rates[0]) * (1.0 - rates[1]));
    // The output neuron's weights come after the two hidden layers' parameters.
    let first = model.parameter_count() - UNITS - 1;
    let kept: f64 = grads[first..first + UNITS].iter().sum();
    kept / scale / UNITS as f64
}

#[test]
fn each_hidden_layer_drops_at_its_own_rate() {
    let points = 4000;
    for (rates, expected) in [
        ([0.5, 0.0], 0.5),
        ([0.0, 0.25], 0.75),
        ([0.2, 0.6], 0.8 * 0.4),
    ] {
        let one = kept_share(1, &rates, points);
        let two = kept_share(2, &rates, points);
        assert!((one - two).abs() < 1e-12, "{rates:?}: {one} vs {two}");
        // 40,000 Bernoulli pairs: a standard deviation below 0.0025.
        assert!((one - expected).abs() < 0.01, "{rates:?}: kept {one}");
    }
}

#[test]
fn equal_rates_per_layer_give_the_one_rate_dropouts_numbers() {
    let model = Mlp::new(
        3,
        &[
            (8, Activation::Relu),
            (8, Activation::Tanh),
            (2, Activation::Identity),
        ],
        Init::He,
        1,
    );
    let tape = Tape::new();
    let params = model.bind(&tape);
    let x = Run::vars(&tape, [0.2, -0.4, 0.9]);
    let (mut one, mut per_layer) = (Dropout::new(0.3, 11), Dropout::per_layer(&[0.3, 0.3], 11));
    for _ in 0..5 {
        let a = model.forward_with_dropout(params, x, &mut one);
        let b = model.forward_with_dropout(params, x, &mut per_layer);
        let values = |run: Run<'_>| run.iter().map(|v| v.data()).collect::<Vec<f64>>();
        assert_eq!(values(a), values(b));
    }
}

#[test]
fn a_rate_of_zero_leaves_its_layer_untouched_and_records_nothing() {
    let model = Mlp::new(
        2,
        &[(6, Activation::Relu), (1, Activation::Identity)],
        Init::He,
        0,
    );
    let tape = Tape::new();
    let params = model.bind(&tape);
    let x = Run::vars(&tape, [0.5, 0.5]);
    let before = tape.len();
    let plain = model.forward(params, x).get(0).data();
    let plain_nodes = tape.len() - before;
    let before = tape.len();
    let dropped = model
        .forward_with_dropout(params, x, &mut Dropout::per_layer(&[0.0], 0))
        .get(0)
        .data();
    assert_eq!((dropped, tape.len() - before), (plain, plain_nodes));
}

#[test]
#[should_panic(
    expected = "this dropout has 1 rates, one per hidden layer, but the Mlp has 2 hidden layers"
)]
fn a_rate_count_that_does_not_match_the_hidden_layers_panics() {
    let model = Mlp::new(
        2,
        &[
            (4, Activation::Relu),
            (4, Activation::Relu),
            (1, Activation::Identity),
        ],
        Init::He,
        0,
    );
    let data = Dataset::new(2, vec![0.0; 4], vec![0.0; 2]);
    let mut grads = Vec::new();
    DataParallel::new(1).loss_and_gradient_with_dropout(
        &model,
        &data,
        &mut Dropout::per_layer(&[0.5], 0),
        |out, _| out.get(0),
        loss::no_penalty,
        &mut grads,
    );
}

#[test]
#[should_panic(expected = "a dropout rate is a probability below 1")]
fn a_rate_of_one_is_refused_per_layer_too() {
    let _ = Dropout::per_layer(&[0.5, 1.0], 0);
}
