//! Training steps on a reused tape allocate nothing after the first one, so memory stays flat
//! however long training runs: checked over 1000 steps by counting every allocation, and by
//! the tape's capacity.
#![cfg(feature = "nn")]

use tapegrad::Tape;
use tapegrad::nn::{
    self, Activation, Adam, DataParallel, Dataset, Init, Mlp, Module, Optimizer, Run, Schedule,
    Sgd, loss,
};

mod allocations;
use allocations::allocations_during;

fn moons_model() -> Mlp {
    Mlp::new(
        2,
        &[
            (16, Activation::Relu),
            (16, Activation::Relu),
            (1, Activation::Identity),
        ],
        Init::Uniform,
        1,
    )
}

/// One step of micrograd's demo written out: bind, forward, hinge + L2, backward, SGD.
fn step(tape: &Tape, model: &mut Mlp, data: &Dataset, sgd: &mut Sgd, grads: &mut Vec<f64>) {
    let params = model.bind(tape);
    let data_loss = tape.sum(data.iter().map(|(x, y)| {
        let score = model.forward(params, Run::vars(tape, x)).get(0);
        loss::hinge(score, y)
    })) / data.len() as f64;
    let total = data_loss + loss::l2(params) * 1e-4;
    total.backward();
    params.grads_into(grads);
    sgd.step(model.parameters_mut(), grads);
}

#[test]
fn a_thousand_training_steps_allocate_nothing_after_the_first() {
    let data = nn::moons(20, 0.1, 0);
    let mut model = moons_model();
    let schedule = Schedule::linear(1.0, 0.1, 1000);
    let mut sgd = Sgd::new(1.0).with_momentum(0.5);
    let mut tape = Tape::new();
    let mut grads = Vec::new();
    let first = allocations_during(|| step(&tape, &mut model, &data, &mut sgd, &mut grads));
    assert!(first > 0, "the first step sets up the tape and the buffers");
    let capacity = tape.capacity();
    for k in 1..1000 {
        tape.clear();
        sgd.set_learning_rate(schedule.at(k));
        let later = allocations_during(|| step(&tape, &mut model, &data, &mut sgd, &mut grads));
        assert_eq!(later, 0, "step {k} allocated");
        assert_eq!(tape.capacity(), capacity, "step {k} grew the tape");
    }
}

#[test]
fn adam_and_softmax_steps_allocate_nothing_after_the_first() {
    let data = nn::spiral(10, 3, 0.2, 0);
    let mut model = Mlp::new(
        2,
        &[(8, Activation::Tanh), (3, Activation::Identity)],
        Init::Xavier,
        0,
    );
    let mut adam = Adam::default();
    // Softmax cross-entropy records two nodes fewer at a point whose class already has the
    // highest score, so a step's length moves as training goes; a tape with room for twice
    // the first step holds every later one.
    let first_step = {
        let tape = Tape::new();
        let params = model.bind(&tape);
        for (x, class) in data.iter() {
            loss::softmax_cross_entropy(model.forward(params, Run::vars(&tape, x)), class);
        }
        tape.len()
    };
    let mut tape = Tape::with_capacity(2 * first_step);
    let mut grads = Vec::new();
    for k in 0..1000 {
        tape.clear();
        let allocations = allocations_during(|| {
            let params = model.bind(&tape);
            let total = tape.sum(data.iter().map(|(x, class)| {
                let scores = model.forward(params, Run::vars(&tape, x));
                loss::softmax_cross_entropy(scores, class)
            }));
            total.backward();
            params.grads_into(&mut grads);
            adam.step(model.parameters_mut(), &grads);
        });
        if k > 0 {
            assert_eq!(allocations, 0, "step {k} allocated");
        }
    }
}

#[test]
fn single_threaded_data_parallel_steps_allocate_nothing_after_the_first() {
    let data = nn::moons(20, 0.1, 0);
    let mut model = moons_model();
    let mut sgd = Sgd::new(0.1);
    let mut parallel = DataParallel::new(1);
    let mut grads = Vec::new();
    for k in 0..1000 {
        let allocations = allocations_during(|| {
            parallel.loss_and_gradient(
                &model,
                &data,
                |out, y| loss::hinge(out.get(0), y),
                |p| loss::l2(p) * 1e-4,
                &mut grads,
            );
            sgd.step(model.parameters_mut(), &grads);
        });
        if k > 0 {
            assert_eq!(allocations, 0, "step {k} allocated");
        }
    }
}
