//! An optimizer's state saved with the model: training `2k` steps straight gives the same
//! bits as training `k`, saving the model and its optimizer to a file, loading both and
//! training `k` more; and the state section of a model file reads back or fails with a typed
//! error naming the line.
#![cfg(feature = "nn")]

use tapegrad::nn::{
    self, Activation, Adam, AdamW, DataParallel, Dataset, Init, Mlp, Module, Optimizer, Resumable,
    Schedule, Sgd, loss,
};

const HALF: usize = 15;

fn model() -> Mlp {
    Mlp::new(
        2,
        &[(6, Activation::Tanh), (3, Activation::Identity)],
        Init::Xavier,
        3,
    )
}

fn bits(model: &Mlp) -> Vec<u64> {
    model.parameters().into_iter().map(f64::to_bits).collect()
}

/// Steps `steps` of mini-batch training with softmax cross-entropy and an L2 penalty: step
/// `s` takes a batch
/// shuffled with seed `s`, at the rate the schedule gives for `s`.
fn train(
    model: &mut Mlp,
    opt: &mut impl Optimizer,
    data: &Dataset<usize>,
    steps: std::ops::Range<usize>,
) {
    let schedule = Schedule::cosine(0.05, 0.005, 2 * HALF);
    let mut parallel = DataParallel::new(1);
    let mut grads = Vec::new();
    for s in steps {
        let batch = data.batches(16, s as u64).next().unwrap();
        opt.set_learning_rate(schedule.at(s));
        parallel.loss_and_gradient(
            &*model,
            &batch,
            |scores, class| loss::softmax_cross_entropy(scores, class),
            |params| loss::l2(params) * 1e-4,
            &mut grads,
        );
        opt.step(model.parameters_mut(), &grads);
    }
}

/// Runs `2 * HALF` steps straight and `HALF`, save, load, `HALF` more; returns both
/// models and both optimizers' files after the last step.
fn straight_and_resumed<O: Resumable + Clone>(opt: O, name: &str) -> [(Vec<u64>, String); 2] {
    let data = nn::spiral(20, 3, 0.2, 1);

    let (mut straight, mut straight_opt) = (model(), opt.clone());
    train(&mut straight, &mut straight_opt, &data, 0..2 * HALF);

    let (mut first, mut first_opt) = (model(), opt);
    train(&mut first, &mut first_opt, &data, 0..HALF);
    let path =
        std::env::temp_dir().join(format!("tapegrad-resume-{name}-{}.txt", std::process::id()));
    first.save_with_optimizer(&first_opt, &path).unwrap();
    drop((first, first_opt));
    let (mut resumed, mut resumed_opt) = Mlp::load_with_optimizer::<O>(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    train(&mut resumed, &mut resumed_opt, &data, HALF..2 * HALF);

    [
        (
            bits(&straight),
            straight.to_text_with_optimizer(&straight_opt),
        ),
        (bits(&resumed), resumed.to_text_with_optimizer(&resumed_opt)),
    ]
}

fn assert_resumes_bit_for_bit<O: Resumable + Clone>(opt: O, name: &str) {
    let [straight, resumed] = straight_and_resumed(opt, name);
    assert_eq!(straight.0, resumed.0, "{name}: parameters differ");
    assert_eq!(straight.1, resumed.1, "{name}: optimizer state differs");
}

#[test]
fn adamw_resumes_bit_for_bit() {
    assert_resumes_bit_for_bit(AdamW::new(0.05, 0.01).with_betas(0.8, 0.99), "adamw");
}

#[test]
fn adam_with_weight_decay_resumes_bit_for_bit() {
    assert_resumes_bit_for_bit(Adam::new(0.05).with_weight_decay(1e-3), "adam");
}

#[test]
fn sgd_with_momentum_resumes_bit_for_bit() {
    let sgd = Sgd::new(0.05).with_momentum(0.9).with_weight_decay(1e-3);
    assert_resumes_bit_for_bit(sgd, "sgd");
}

#[test]
fn loaded_adam_keeps_its_step_count_for_the_schedule() {
    let data = nn::spiral(20, 3, 0.2, 1);
    let (mut model, mut opt) = (model(), AdamW::default());
    train(&mut model, &mut opt, &data, 0..7);
    let text = model.to_text_with_optimizer(&opt);
    assert!(text.contains("\nsteps 7\n"), "{text}");
    let (_, loaded) = Mlp::from_text_with_optimizer::<AdamW>(&text).unwrap();
    assert_eq!(loaded.steps(), 7);
}
