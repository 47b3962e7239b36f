//! A data set with several targets a point: a network learns two outputs at once with MSE
//! over them, and its regression metrics say how well, per output and averaged.
#![cfg(feature = "nn")]

use tapegrad::Tape;
use tapegrad::nn::{Activation, Adam, Dataset, Init, Mlp, Module, Optimizer, Run, loss};

/// Points of (x1, x2) with targets (x1 + x2, x1 - 2 x2), on a grid.
fn linear_pairs() -> Dataset<[f64; 2]> {
    let mut inputs = Vec::new();
    let mut targets = Vec::new();
    for i in 0..6 {
        for j in 0..6 {
            let (x1, x2) = (i as f64 / 5.0 - 0.5, j as f64 / 5.0 - 0.5);
            inputs.extend([x1, x2]);
            targets.push([x1 + x2, x1 - 2.0 * x2]);
        }
    }
    Dataset::new(2, inputs, targets)
}

#[test]
fn a_network_fits_two_targets_a_point_with_mse_over_them() {
    let data = linear_pairs();
    let (train, test) = data.split(0.75, 0);
    let mut model = Mlp::new(2, &[(2, Activation::Identity)], Init::Xavier, 0);
    let mut adam = Adam::new(0.05);
    let mut tape = Tape::new();
    let mut grads = Vec::new();
    for _ in 0..600 {
        tape.clear();
        let params = model.bind(&tape);
        let total = tape.sum(
            train
                .iter()
                .map(|(x, target)| loss::mse(model.forward(params, Run::vars(&tape, x)), &target)),
        ) / train.len() as f64;
        total.backward();
        params.grads_into(&mut grads);
        adam.step(model.parameters_mut(), &grads);
    }
    // The map is linear: the weights find it.
    let weights: Vec<&[f64]> = model.layers()[0]
        .neurons()
        .iter()
        .map(|n| n.weights())
        .collect();
    assert!((weights[0][0] - 1.0).abs() < 1e-3 && (weights[0][1] - 1.0).abs() < 1e-3);
    assert!((weights[1][0] - 1.0).abs() < 1e-3 && (weights[1][1] + 2.0).abs() < 1e-3);
    let metrics = model.regression_metrics(&test);
    assert_eq!((metrics.outputs(), metrics.points()), (2, test.len()));
    assert!(metrics.mse() < 1e-6 && metrics.r2() > 0.9999, "{metrics:?}");
}

#[test]
fn the_metrics_of_a_known_network_are_its_errors() {
    // Output 0 is exact; output 1 is off by 1 everywhere.
    let model = Mlp::from_layers(vec![tapegrad::nn::Layer::from_neurons(vec![
        tapegrad::nn::Neuron::from_parameters(vec![1.0, 1.0], 0.0, Activation::Identity),
        tapegrad::nn::Neuron::from_parameters(vec![1.0, -2.0], 1.0, Activation::Identity),
    ])]);
    let data = linear_pairs();
    let metrics = model.regression_metrics(&data);
    assert_eq!(
        (metrics.mse_of(0), metrics.mae_of(0), metrics.r2_of(0)),
        (0.0, 0.0, 1.0)
    );
    assert!((metrics.mse_of(1) - 1.0).abs() < 1e-12 && (metrics.mae_of(1) - 1.0).abs() < 1e-12);
    // R² = 1 - n / SS_tot of x1 - 2 x2 on the grid: a variance of v (x1) + 4 v (x2) per
    // point, v = 0.2² (6² - 1) / 12 being the variance of 6 evenly spaced coordinates 0.2
    // apart. Worse than predicting the mean: R² = 1 - 1 / (5 v) = -5/7.
    let v = 0.2 * 0.2 * 35.0 / 12.0;
    let expected = 1.0 - 1.0 / (5.0 * v);
    assert!(
        (metrics.r2_of(1) - expected).abs() < 1e-12,
        "{}",
        metrics.r2_of(1)
    );
}

#[test]
#[should_panic(expected = "the network has 1 outputs but a target has 2 numbers")]
fn a_network_with_the_wrong_number_of_outputs_panics() {
    let model = Mlp::new(2, &[(1, Activation::Identity)], Init::Xavier, 0);
    let _ = model.regression_metrics(&linear_pairs());
}
