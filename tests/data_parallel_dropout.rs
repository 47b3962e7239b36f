//! Dropout in data-parallel training: each point's masks come from the seed and the point, so
//! any number of threads gives the same result, and units are dropped at the rate asked for.
#![cfg(feature = "nn")]

use tapegrad::Tape;
use tapegrad::nn::{
    self, Activation, DataParallel, Dataset, Dropout, Init, Layer, Mlp, Module, Neuron, Run, loss,
};

fn model() -> Mlp {
    Mlp::new(
        2,
        &[
            (16, Activation::Relu),
            (16, Activation::Tanh),
            (1, Activation::Identity),
        ],
        Init::He,
        3,
    )
}

/// Every way to run a batch on `threads` threads: as the measured rule says, and with every
/// batch split.
fn ways(threads: usize) -> [DataParallel; 2] {
    [
        DataParallel::new(threads),
        DataParallel::new(threads).split_batches_from(1),
    ]
}

fn hinge_with_dropout(
    parallel: &mut DataParallel,
    model: &Mlp,
    data: &Dataset,
    dropout: &mut Dropout,
) -> (f64, Vec<f64>) {
    let mut grads = Vec::new();
    let loss = parallel.loss_and_gradient_with_dropout(
        model,
        data,
        dropout,
        |out, y| loss::hinge(out.get(0), y),
        |p| loss::l2(p) * 1e-4,
        &mut grads,
    );
    (loss, grads)
}

#[test]
fn one_two_and_three_threads_give_the_same_result_with_dropout() {
    // 300 points on 337 parameters are split by the measured rule, 40 are not.
    for points in [300, 40] {
        let data = nn::moons(points, 0.2, 4);
        let model = model();
        let (want_loss, want) = hinge_with_dropout(
            &mut DataParallel::new(1),
            &model,
            &data,
            &mut Dropout::new(0.5, 9),
        );
        // Two and three threads, by the rule and split.
        let mut above_one: [Vec<(f64, Vec<f64>)>; 2] = Default::default();
        for threads in 1..=3 {
            for (way, mut parallel) in ways(threads).into_iter().enumerate() {
                let mut dropout = Dropout::new(0.5, 9);
                let (loss, grads) = hinge_with_dropout(&mut parallel, &model, &data, &mut dropout);
                let context = format!("{points} points, {threads} threads, way {way}");
                assert!(
                    (loss - want_loss).abs() <= 1e-12,
                    "{context}: loss {loss} vs {want_loss}"
                );
                for (g, w) in grads.iter().zip(&want) {
                    assert!((g - w).abs() <= 1e-12, "{context}: {g} vs {w}");
                }
                if threads > 1 {
                    above_one[way].push((loss, grads));
                }
            }
        }
        for (way, results) in above_one.iter().enumerate() {
            let ((two_loss, two), (three_loss, three)) = (&results[0], &results[1]);
            assert_eq!(
                two_loss.to_bits(),
                three_loss.to_bits(),
                "{points} points, way {way}"
            );
            for (a, b) in two.iter().zip(three) {
                assert_eq!(a.to_bits(), b.to_bits(), "{points} points, way {way}");
            }
        }
    }
}

#[test]
fn dropout_masks_repeat_with_the_seed_and_change_from_batch_to_batch() {
    let data = nn::moons(300, 0.2, 4);
    let model = model();
    let mut parallel = DataParallel::new(2);
    let (mut a, mut b) = (Dropout::new(0.5, 1), Dropout::new(0.5, 1));
    let first = hinge_with_dropout(&mut parallel, &model, &data, &mut a);
    assert_eq!(
        first,
        hinge_with_dropout(&mut parallel, &model, &data, &mut b)
    );
    let second = hinge_with_dropout(&mut parallel, &model, &data, &mut a);
    assert_ne!(first.0, second.0, "a second batch draws new masks");
    let other_seed = hinge_with_dropout(&mut parallel, &model, &data, &mut Dropout::new(0.5, 2));
    assert_ne!(first.0, other_seed.0, "another seed draws other masks");
}

#[test]
fn dropout_leaves_a_network_without_hidden_units_alone() {
    // Dropout applies to the hidden layers' outputs only: a one-layer network has none.
    let data = nn::moons(50, 0.2, 4);
    let model = Mlp::new(2, &[(1, Activation::Identity)], Init::Xavier, 0);
    let plain = {
        let mut grads = Vec::new();
        let l = DataParallel::new(2).loss_and_gradient(
            &model,
            &data,
            |out, y| loss::hinge(out.get(0), y),
            |p| loss::l2(p) * 1e-4,
            &mut grads,
        );
        (l, grads)
    };
    let dropped = hinge_with_dropout(
        &mut DataParallel::new(2),
        &model,
        &data,
        &mut Dropout::new(0.9, 0),
    );
    assert_eq!(plain, dropped);
}

/// A network whose `HIDDEN` hidden units output 1 at every point (weight 0, bias 1, identity)
/// and whose output adds them up (weights 1, bias 0). With the output itself as the loss, the
/// gradient of output weight `j` is `(1/N) sum_i m_ij / (1 - rate)`, where `m_ij` is 1 if
/// unit `j` was kept at point `i`: so it tells how many points kept unit `j`.
const HIDDEN: usize = 20;

fn counting_network() -> Mlp {
    let hidden = (0..HIDDEN)
        .map(|_| Neuron::from_parameters(vec![0.0], 1.0, Activation::Identity))
        .collect();
    let output = Neuron::from_parameters(vec![1.0; HIDDEN], 0.0, Activation::Identity);
    Mlp::from_layers(vec![
        Layer::from_neurons(hidden),
        Layer::from_neurons(vec![output]),
    ])
}

/// How many points kept each hidden unit, read from the gradient.
fn kept_counts(parallel: &mut DataParallel, data: &Dataset, dropout: &mut Dropout) -> Vec<f64> {
    let rate = dropout.rate();
    let model = counting_network();
    let mut grads = Vec::new();
    parallel.loss_and_gradient_with_dropout(
        &model,
        data,
        dropout,
        |out, _| out.get(0),
        loss::no_penalty,
        &mut grads,
    );
    // The output neuron's weights follow the hidden layer's 2 parameters a unit.
    let n = data.len() as f64;
    grads[2 * HIDDEN..3 * HIDDEN]
        .iter()
        .map(|g| g * n * (1.0 - rate))
        .collect()
}

#[test]
fn units_are_dropped_at_the_rate_asked_for() {
    let points = 2000;
    let data = Dataset::new(1, vec![0.5; points], vec![0.0; points]);
    let rate = 0.3;
    let mut counts = Vec::new();
    for threads in 1..=3 {
        for mut parallel in ways(threads) {
            counts.push(kept_counts(
                &mut parallel,
                &data,
                &mut Dropout::new(rate, 5),
            ));
        }
    }
    for kept in &counts {
        // Each count is a whole number of points, the same whatever the threads.
        for (k, (&c, &first)) in kept.iter().zip(&counts[0]).enumerate() {
            assert!((c - c.round()).abs() < 1e-6, "unit {k}: {c} points");
            assert_eq!(c.round(), first.round(), "unit {k}");
        }
    }
    // Each unit is kept at Binomial(2000, 0.7) points: mean 1400, standard deviation 20.5;
    // all together at Binomial(40000, 0.7): mean 28000, standard deviation 91.7.
    let kept = &counts[0];
    for (k, c) in kept.iter().enumerate() {
        assert!(
            (c - 1400.0).abs() < 6.0 * 20.5,
            "unit {k} kept at {c} points"
        );
    }
    let total: f64 = kept.iter().sum();
    assert!(
        (total - 28_000.0).abs() < 5.0 * 91.7,
        "{total} kept of 40000"
    );
}

#[test]
fn different_points_and_units_get_independent_masks() {
    // One mask for every point would keep each unit at 0 or 2000 points, and one draw for
    // every unit of a point would keep them all at the same count: the counts' variance over
    // units tells both apart from independent draws, which give about 2000 * 0.7 * 0.3 = 420.
    let points = 2000;
    let data = Dataset::new(1, vec![0.5; points], vec![0.0; points]);
    let kept = kept_counts(&mut DataParallel::new(2), &data, &mut Dropout::new(0.3, 11));
    let mean = kept.iter().sum::<f64>() / HIDDEN as f64;
    let variance = kept.iter().map(|c| (c - mean).powi(2)).sum::<f64>() / (HIDDEN - 1) as f64;
    // The sample variance of 20 counts is within a factor of 4 of 420 with probability
    // 0.9996 (chi-squared with 19 degrees of freedom).
    assert!((105.0..1680.0).contains(&variance), "variance {variance}");
}

#[test]
fn dropout_of_rate_zero_gives_the_loss_and_gradient_of_one_tape() {
    // Nothing is dropped and nothing rescaled, split or not.
    let data = nn::moons(300, 0.2, 4);
    let model = model();
    let tape = Tape::new();
    let params = model.bind(&tape);
    let mean = tape.sum(
        data.iter()
            .map(|(x, y)| loss::hinge(model.forward(params, Run::vars(&tape, x)).get(0), y)),
    ) / data.len() as f64;
    let total = mean + loss::l2(params) * 1e-4;
    total.backward();
    let mut want = Vec::new();
    params.grads_into(&mut want);
    for threads in 1..=3 {
        for mut parallel in ways(threads) {
            let (loss, grads) =
                hinge_with_dropout(&mut parallel, &model, &data, &mut Dropout::new(0.0, 0));
            assert!((loss - total.data()).abs() <= 1e-12, "{threads} threads");
            assert!(grads.iter().zip(&want).all(|(g, w)| (g - w).abs() <= 1e-12));
        }
    }
}
