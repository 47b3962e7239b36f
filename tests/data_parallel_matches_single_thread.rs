//! Splitting a batch across threads gives the loss and gradient of one tape to 1e-12, and
//! the same numbers at every run and for every number of threads above one; a batch too small
//! to split gives one thread's numbers.
#![cfg(feature = "nn")]

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
    run(&mut DataParallel::new(threads), model, data)
}

/// Every batch split, however small.
fn split(threads: usize) -> DataParallel {
    DataParallel::new(threads).split_batches_from(1)
}

fn run(parallel: &mut DataParallel, model: &Mlp, data: &Dataset) -> (f64, Vec<f64>) {
    let mut grads = Vec::new();
    let loss = parallel.loss_and_gradient(
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
    // 1000 points on 337 parameters: split by the measured rule.
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

fn assert_same_bits(a: &(f64, Vec<f64>), b: &(f64, Vec<f64>), context: &str) {
    assert_eq!(
        a.0.to_bits(),
        b.0.to_bits(),
        "{context}: loss {} vs {}",
        a.0,
        b.0
    );
    assert_eq!(a.1.len(), b.1.len(), "{context}");
    for (i, (x, y)) in a.1.iter().zip(&b.1).enumerate() {
        assert_eq!(
            x.to_bits(),
            y.to_bits(),
            "{context}: grad {i} is {x} vs {y}"
        );
    }
}

#[test]
fn results_are_identical_from_run_to_run() {
    let data = nn::moons(301, 0.2, 9);
    let model = model();
    let first = run(&mut split(3), &model, &data);
    let mut again = split(3);
    for round in 0..5 {
        let fresh = run(&mut split(3), &model, &data);
        assert_same_bits(
            &fresh,
            &first,
            &format!("a new DataParallel, round {round}"),
        );
        let kept = run(&mut again, &model, &data);
        assert_same_bits(
            &kept,
            &first,
            &format!("the same DataParallel, round {round}"),
        );
    }
}

#[test]
fn every_thread_count_above_one_gives_the_same_bits() {
    // 1000 points on 337 parameters: split by the measured rule too.
    let data = nn::moons(1000, 0.2, 5);
    let model = model();
    let two = run(&mut DataParallel::new(2), &model, &data);
    for threads in 3..=5 {
        let other = run(&mut DataParallel::new(threads), &model, &data);
        assert_same_bits(&other, &two, &format!("{threads} threads"));
    }
    let mut current = DataParallel::on_current_pool();
    if current.threads() > 1 {
        let other = run(&mut current, &model, &data);
        assert_same_bits(&other, &two, "rayon's current pool");
    }
    // A small batch, split because it is told to.
    let data = nn::moons(37, 0.2, 6);
    let two = run(&mut split(2), &model, &data);
    for threads in 3..=9 {
        let other = run(&mut split(threads), &model, &data);
        assert_same_bits(&other, &two, &format!("37 points, {threads} threads"));
    }
}

#[test]
fn a_batch_too_small_to_split_gives_one_threads_numbers_to_the_bit() {
    let data = nn::moons(40, 0.2, 7);
    let model = model();
    let one = parallel(1, &model, &data);
    for threads in 2..=4 {
        let other = parallel(threads, &model, &data);
        assert_same_bits(&other, &one, &format!("{threads} threads"));
    }
}

#[test]
fn one_thread_splits_nothing_even_when_told_to() {
    let data = nn::moons(40, 0.2, 7);
    let model = model();
    let one = parallel(1, &model, &data);
    let told = run(&mut split(1), &model, &data);
    assert_same_bits(&told, &one, "one thread told to split");
}

#[test]
fn more_threads_than_points_still_works() {
    let data = nn::moons(3, 0.1, 1);
    let model = model();
    let (want_loss, want_grads) = single_tape(&model, &data);
    for (loss, grads) in [
        parallel(8, &model, &data),
        run(&mut split(8), &model, &data),
    ] {
        assert!((loss - want_loss).abs() <= 1e-12);
        assert!(
            grads
                .iter()
                .zip(&want_grads)
                .all(|(g, w)| (g - w).abs() <= 1e-12)
        );
    }
}

#[test]
fn training_on_two_threads_follows_the_one_thread_path() {
    let data = nn::moons(200, 0.1, 2);
    let mut one = model();
    let mut two = model();
    let (mut sgd_one, mut sgd_two) = (Sgd::new(0.2), Sgd::new(0.2));
    let (mut p1, mut p2) = (DataParallel::new(1), split(2));
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
