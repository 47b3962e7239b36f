//! Checkpoints: the model, the optimizer's state, the standardiser, the epoch and the best
//! validation loss in one text file, read back bit for bit; a damaged file is a typed error
//! naming its line; model readers read a checkpoint as the model; and training resumed from
//! a checkpoint takes the same steps as training that never stopped.
#![cfg(feature = "nn")]

use tapegrad::nn::{
    self, Activation, Adam, Checkpoint, EarlyStopping, Init, LoadProblem, Mlp, Module, Optimizer,
    Schedule, Sgd, Standardize, Verdict, loss,
};

fn checkpoint() -> Checkpoint<Adam> {
    let mut model = Mlp::new(
        2,
        &[(3, Activation::Tanh), (1, Activation::Identity)],
        Init::Xavier,
        7,
    );
    let mut adam = Adam::new(0.01).with_weight_decay(1e-4);
    for k in 0..3 {
        let grads: Vec<f64> = (0..model.parameter_count())
            .map(|i| (i + k) as f64 * 0.1 - 0.3)
            .collect();
        adam.step(model.parameters_mut(), &grads);
    }
    let standardize = Standardize::new(vec![0.1 + 0.2, -1e-300], vec![1.0 / 3.0, 7e10]);
    Checkpoint::new(model, adam, 9, 0.1 + 0.7).with_standardize(standardize)
}

#[test]
fn a_checkpoint_reads_back_bit_for_bit() {
    let saved = checkpoint();
    let text = saved.to_text();
    let loaded = Checkpoint::<Adam>::from_text(&text).unwrap();
    assert_eq!(loaded.model, saved.model);
    assert_eq!(loaded.epoch, 9);
    assert_eq!(
        loaded.best_validation_loss.to_bits(),
        (0.1f64 + 0.7).to_bits()
    );
    assert_eq!(loaded.standardize, saved.standardize);
    assert_eq!(loaded.optimizer.steps(), 3);
    // The optimizer is the same: its next step is the same.
    let (mut a, mut b) = (saved.model.clone(), loaded.model.clone());
    let (mut oa, mut ob) = (saved.optimizer.clone(), loaded.optimizer);
    let grads = vec![0.5; a.parameter_count()];
    oa.step(a.parameters_mut(), &grads);
    ob.step(b.parameters_mut(), &grads);
    assert_eq!(a, b);
    assert_eq!(
        text,
        Checkpoint::<Adam>::from_text(&text).unwrap().to_text()
    );
}

#[test]
fn model_readers_read_a_checkpoint_as_the_model() {
    let saved = checkpoint();
    let text = saved.to_text();
    assert_eq!(Mlp::from_text(&text).unwrap(), saved.model);
    let (model, adam) = Mlp::from_text_with_optimizer::<Adam>(&text).unwrap();
    assert_eq!((model, adam.steps()), (saved.model, 3));
}

#[test]
fn without_a_standardiser_the_section_is_left_out() {
    let model = Mlp::new(1, &[(1, Activation::Identity)], Init::Xavier, 0);
    let text = Checkpoint::new(model, Sgd::new(0.1), 0, f64::INFINITY).to_text();
    assert!(!text.contains("standardize"));
    let loaded = Checkpoint::<Sgd>::from_text(&text).unwrap();
    assert_eq!(
        (loaded.standardize, loaded.best_validation_loss),
        (None, f64::INFINITY)
    );
}

/// The line number of the first line of `text` that starts with `prefix`.
fn line_of(text: &str, prefix: &str) -> usize {
    text.lines().position(|l| l.starts_with(prefix)).unwrap() + 1
}

#[test]
fn damaged_sections_are_typed_errors_naming_the_line() {
    let text = checkpoint().to_text();
    let cases: [(&str, &str, &str); 7] = [
        (
            "input1 ",
            "input1 0.3 0",
            "`scale 0` is out of range: scale must be a finite number above 0",
        ),
        (
            "input2 ",
            "input2 NaN 1",
            "`mean NaN` is out of range: mean must be a finite number",
        ),
        (
            "input2 ",
            "input3 0 1",
            "expected `input2 <mean> <scale>`, found `input3 0 1`",
        ),
        (
            "epoch ",
            "epoch -1",
            "`-1` is not an epoch (a whole number from 0 up)",
        ),
        (
            "epoch ",
            "epochs 1",
            "expected `epoch <number>`, found `epochs 1`",
        ),
        (
            "best_validation_loss ",
            "best_validation_loss NaN",
            "`best_validation_loss NaN` is out of range: best_validation_loss must be a number (inf for none yet), not NaN",
        ),
        (
            "training",
            "trainin",
            "expected `training`, found `trainin`",
        ),
    ];
    for (prefix, replacement, message) in cases {
        let line = line_of(&text, prefix);
        let damaged: String = text
            .lines()
            .enumerate()
            .map(|(i, l)| if i + 1 == line { replacement } else { l })
            .map(|l| format!("{l}\n"))
            .collect();
        let err = Checkpoint::<Adam>::from_text(&damaged).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("line {line}: {message}"),
            "{replacement}"
        );
        // The model reader checks the sections too.
        let err = Mlp::from_text(&damaged).unwrap_err();
        assert_eq!(err.line(), Some(line), "{replacement}");
    }
    let cut = &text[..text.find("best_validation_loss").unwrap()];
    let err = Checkpoint::<Adam>::from_text(cut).unwrap_err();
    assert!(
        matches!(err.problem(), Some(LoadProblem::UnexpectedEnd { .. })),
        "{err}"
    );
}

#[test]
fn a_checkpoint_of_another_optimizer_is_a_typed_error() {
    let text = checkpoint().to_text();
    let err = Checkpoint::<Sgd>::from_text(&text).unwrap_err();
    assert!(
        matches!(err.problem(), Some(LoadProblem::OptimizerKind { .. })),
        "{err}"
    );
}

/// Trains `model` on moons for `epochs` epochs from `start` (epochs counted from 1), with a
/// warm-up and exponential decay stepped from the optimizer's count, early stopping, and a
/// checkpoint kept at each improvement.
fn train(
    model: &mut Mlp,
    sgd: &mut Sgd,
    early: &mut EarlyStopping,
    epochs: std::ops::RangeInclusive<usize>,
) -> Option<Checkpoint<Sgd>> {
    let data = nn::moons(80, 0.15, 3);
    let (train, validation) = data.split(0.75, 0);
    let schedule = Schedule::exponential(0.1, 0.99).with_warmup(5);
    let hinge = nn::DataParallel::loss(|out, t: f64| loss::hinge(out.get(0), t));
    let mut grads = Vec::new();
    let mut saved = None;
    for epoch in epochs {
        for batch in train.batches(16, epoch as u64) {
            nn::DataParallel::new(1).loss_and_gradient(
                model,
                &batch,
                hinge,
                loss::no_penalty,
                &mut grads,
            );
            nn::clip_grad_norm(&mut grads, 1.0);
            schedule.step(sgd);
            sgd.step(model.parameters_mut(), &grads);
        }
        let validation_loss = model.mean_loss(&validation, hinge);
        if early.observe(validation_loss, &*model) == Verdict::Improved {
            saved = Some(Checkpoint::new(
                model.clone(),
                sgd.clone(),
                epoch,
                validation_loss,
            ));
        }
    }
    saved
}

#[test]
fn training_resumed_from_a_checkpoint_takes_the_same_steps() {
    let start = Mlp::new(
        2,
        &[(8, Activation::Relu), (1, Activation::Identity)],
        Init::He,
        1,
    );
    // Straight through: 12 epochs.
    let (mut straight, mut sgd) = (start.clone(), Sgd::new(0.0).with_momentum(0.9));
    let mut early = EarlyStopping::new(100);
    train(&mut straight, &mut sgd, &mut early, 1..=12);
    // Six epochs, a checkpoint through text, six more.
    let (mut first, mut sgd) = (start, Sgd::new(0.0).with_momentum(0.9));
    let mut early_first = EarlyStopping::new(100);
    train(&mut first, &mut sgd, &mut early_first, 1..=6);
    let text = Checkpoint::new(first, sgd, 6, early_first.best_loss()).to_text();
    let Checkpoint {
        mut model,
        mut optimizer,
        epoch,
        best_validation_loss,
        ..
    } = Checkpoint::<Sgd>::from_text(&text).unwrap();
    let mut resumed_early = EarlyStopping::resume(100, epoch, best_validation_loss, &model);
    train(&mut model, &mut optimizer, &mut resumed_early, 7..=12);
    assert_eq!(model, straight);
    assert_eq!(resumed_early.best_loss(), early.best_loss());
    assert_eq!(resumed_early.epoch(), early.epoch());
}
