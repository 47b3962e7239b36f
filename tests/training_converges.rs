//! Training the library's networks on its data sets reaches what the examples promise: XOR
//! from any of five seeds, micrograd's two-moons demo to training accuracy 1.00, and a
//! network without a hidden layer failing on XOR as the theory says.
#![cfg(feature = "nn")]

use tapegrad::Tape;
use tapegrad::nn::{
    self, Activation, Adam, DataParallel, Dataset, Init, Mlp, Module, Optimizer, Run, Schedule,
    Sgd, loss,
};

/// Trains `model` on XOR with binary cross-entropy and Adam (lr 0.1) for `steps` steps;
/// returns the last loss and the fraction of points classified right afterwards.
fn train_xor(model: &mut Mlp, steps: usize) -> (f64, f64) {
    let data = nn::xor();
    let mut adam = Adam::new(0.1);
    let mut tape = Tape::new();
    let mut grads = Vec::new();
    let mut last = f64::NAN;
    for _ in 0..steps {
        tape.clear();
        let params = model.bind(&tape);
        let total = tape.sum(data.iter().map(|(x, t)| {
            let logit = model.forward(params, Run::vars(&tape, x)).get(0);
            loss::binary_cross_entropy_with_logits(logit, t)
        })) / data.len() as f64;
        total.backward();
        params.grads_into(&mut grads);
        adam.step(model.parameters_mut(), &grads);
        last = total.data();
    }
    let correct = data
        .iter()
        .filter(|&(x, t)| (model.predict(x)[0] > 0.0) == (t == 1.0))
        .count();
    (last, correct as f64 / data.len() as f64)
}

#[test]
fn xor_converges_from_five_seeds() {
    for seed in 1..=5 {
        let mut model = Mlp::new(
            2,
            &[(4, Activation::Tanh), (1, Activation::Identity)],
            Init::Xavier,
            seed,
        );
        let (loss, accuracy) = train_xor(&mut model, 300);
        assert_eq!(accuracy, 1.0, "seed {seed}: loss {loss}");
        assert!(loss < 0.05, "seed {seed}: loss {loss}");
    }
}

#[test]
fn xor_without_a_hidden_layer_cannot_be_learned() {
    for seed in 1..=3 {
        let mut model = Mlp::new(2, &[(1, Activation::Identity)], Init::Xavier, seed);
        let (loss, accuracy) = train_xor(&mut model, 300);
        // The best a linear model can do under cross-entropy is to say 1/2 everywhere:
        // a loss of ln 2. It never gets all four points right.
        assert!(accuracy < 1.0, "seed {seed}");
        assert!(loss > 2f64.ln() - 1e-3, "seed {seed}: loss {loss}");
    }
}

/// micrograd's demo with the moons example's settings (seed 4); returns the training
/// accuracy and the final loss.
fn train_moons(threads: usize) -> (f64, f64) {
    let data = nn::moons(100, 0.1, 4);
    let mut model = Mlp::new(
        2,
        &[
            (16, Activation::Relu),
            (16, Activation::Relu),
            (1, Activation::Identity),
        ],
        Init::Uniform,
        4,
    );
    let steps = 100;
    let schedule = Schedule::linear(1.0, 0.1, steps);
    let mut sgd = Sgd::new(schedule.at(0));
    let mut parallel = DataParallel::new(threads);
    let mut grads = Vec::new();
    let mut last = f64::NAN;
    for k in 0..steps {
        last = parallel.loss_and_gradient(
            &model,
            &data,
            |out, y| loss::hinge(out.get(0), y),
            |p| loss::l2(p) * 1e-4,
            &mut grads,
        );
        sgd.set_learning_rate(schedule.at(k));
        sgd.step(model.parameters_mut(), &grads);
    }
    (accuracy(&model, &data), last)
}

fn accuracy(model: &Mlp, data: &Dataset) -> f64 {
    let correct = data
        .iter()
        .filter(|&(x, y)| (model.predict(x)[0] > 0.0) == (y > 0.0))
        .count();
    correct as f64 / data.len() as f64
}

#[test]
fn moons_demo_reaches_full_training_accuracy() {
    let (accuracy, loss) = train_moons(1);
    assert_eq!(accuracy, 1.0, "final loss {loss}");
    assert!(loss < 0.05, "final loss {loss}");
}

#[test]
fn moons_demo_on_two_threads_reaches_full_training_accuracy() {
    let (accuracy, loss) = train_moons(2);
    assert_eq!(accuracy, 1.0, "final loss {loss}");
}

#[test]
fn spiral_is_learned_with_softmax_cross_entropy() {
    let data = nn::spiral(40, 3, 0.1, 0);
    let mut model = Mlp::new(
        2,
        &[
            (24, Activation::Relu),
            (24, Activation::Relu),
            (3, Activation::Identity),
        ],
        Init::He,
        0,
    );
    let mut adam = Adam::new(0.02);
    let mut tape = Tape::new();
    let mut grads = Vec::new();
    for _ in 0..300 {
        tape.clear();
        let params = model.bind(&tape);
        let total = tape.sum(data.iter().map(|(x, class)| {
            let scores = model.forward(params, Run::vars(&tape, x));
            loss::softmax_cross_entropy(scores, class)
        })) / data.len() as f64;
        total.backward();
        params.grads_into(&mut grads);
        adam.step(model.parameters_mut(), &grads);
    }
    let correct = data
        .iter()
        .filter(|&(x, class)| {
            let scores = model.predict(x);
            let best = (0..3)
                .max_by(|&a, &b| scores[a].total_cmp(&scores[b]))
                .unwrap();
            best == class
        })
        .count();
    let accuracy = correct as f64 / data.len() as f64;
    // A linear classifier manages about half of these points.
    assert!(accuracy > 0.9, "accuracy {accuracy}");
}
