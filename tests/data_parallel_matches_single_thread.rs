//! Splitting a batch across threads gives the loss and gradient of one tape to 1e-12, and
//! the same numbers at every run.

use tapegrad::Tape;
use tapegrad::nn::Optimizer;
use tapegrad::nn::{self, Activation, DataParallel, Dataset, Init, Mlp, Module, Run, Sgd, loss};

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

/// The batch's loss and gradient recorded on one tape, written out by hand.
fn single_tape(model: &Mlp, data: &Dataset) -> (f64, Vec<f64>) {
    let tape = Tape::new();
    let params = model.bind(&tape);
    let data_loss = tape.sum(data.iter().map(|(x, y)| {
        let score = model.forward(params, Run::vars(&tape, x)).get(0);
        loss::hinge(score, y)
    })) / data.len() as f64;
    let total = data_loss + loss::l2(params) * 1e-4;
    total.backward();
    let mut grads = Vec::new();
    params.grads_into(&mut grads);
    (total.data(), grads)
}

fn parallel(threads: usize, model: &Mlp, data: &Dataset) -> (f64, Vec<f64>) {
    let mut grads = Vec::new();
    let loss = DataParallel::new(threads).loss_and_gradient(
        model,
        data,
        |out, y| loss::hinge(out.get(0), y),
        |p| loss::l2(p) * 1e-4,
        &mut grads,
    );
    (loss, grads)
}

#[test]
fn a_thousand_point_batch_on_several_threads_equals_one_tape() {
    let data = nn::moons(1000, 0.2, 8);
    let model = model();
    let (want_loss, want_grads) = single_tape(&model, &data);
    assert!(want_grads.iter().any(|&g| g != 0.0));
    for threads in 1..=4 {
        let (loss, grads) = parallel(threads, &model, &data);
        assert!(
            (loss - want_loss).abs() <= 1e-12,
            "{threads} threads: loss {loss} vs {want_loss}"
        );
        assert_eq!(grads.len(), want_grads.len());
        for (i, (g, w)) in grads.iter().zip(&want_grads).enumerate() {
            assert!(
                (g - w).abs() <= 1e-12,
                "{threads} threads: grad {i} is {g}, want {w}"
            );
        }
    }
}

#[test]
fn results_are_identical_from_run_to_run() {
    let data = nn::moons(301, 0.2, 9);
    let model = model();
    let (first_loss, first) = parallel(3, &model, &data);
    for _ in 0..5 {
        let (loss, grads) = parallel(3, &model, &data);
        assert_eq!(loss.to_bits(), first_loss.to_bits());
        assert!(
            grads
                .iter()
                .zip(&first)
                .all(|(a, b)| a.to_bits() == b.to_bits())
        );
    }
}

#[test]
fn more_threads_than_points_still_works() {
    let data = nn::moons(3, 0.1, 1);
    let model = model();
    let (want_loss, want_grads) = single_tape(&model, &data);
    let (loss, grads) = parallel(8, &model, &data);
    assert!((loss - want_loss).abs() <= 1e-12);
    assert!(
        grads
            .iter()
            .zip(&want_grads)
            .all(|(g, w)| (g - w).abs() <= 1e-12)
    );
}

#[test]
fn training_on_two_threads_follows_the_one_thread_path() {
    let data = nn::moons(200, 0.1, 2);
    let mut one = model();
    let mut two = model();
    let (mut sgd_one, mut sgd_two) = (Sgd::new(0.2), Sgd::new(0.2));
    let (mut p1, mut p2) = (DataParallel::new(1), DataParallel::new(2));
    let mut grads = Vec::new();
    for _ in 0..10 {
        for (model, sgd, parallel) in [
            (&mut one, &mut sgd_one, &mut p1),
            (&mut two, &mut sgd_two, &mut p2),
        ] {
            parallel.loss_and_gradient(
                &*model,
                &data,
                |out, y| loss::hinge(out.get(0), y),
                |p| loss::l2(p) * 1e-4,
                &mut grads,
            );
            sgd.step(model.parameters_mut(), &grads);
        }
    }
    for (a, b) in one.parameters().into_iter().zip(two.parameters()) {
        assert!((a - b).abs() < 1e-10, "{a} vs {b}");
    }
}
