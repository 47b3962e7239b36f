//! Early stopping keeps the parameters of the best epoch and stops after `patience` epochs
//! without a better validation loss; gradient clipping by global norm scales every gradient
//! by one factor, PyTorch's `max_norm / (norm + 1e-6)`.
#![cfg(feature = "nn")]

use tapegrad::nn::{
    self, Activation, Adam, EarlyStopping, Init, Mlp, Module, Optimizer, Verdict, clip_grad_norm,
    loss,
};

#[test]
fn early_stopping_stops_after_patience_and_restores_the_best_epochs_parameters() {
    // A wide network on 12 noisy points overfits: its validation loss turns up.
    let data = nn::moons(60, 0.3, 4);
    let (train, validation) = data.split(0.2, 1);
    let mut model = Mlp::new(
        2,
        &[(64, Activation::Tanh), (1, Activation::Identity)],
        Init::Xavier,
        2,
    );
    let mut adam = Adam::new(0.05);
    let mut early = EarlyStopping::new(5);
    let (mut best_by_hand, mut best_loss, mut best_epoch) = (model.clone(), f64::INFINITY, 0);
    let mut grads = Vec::new();
    let bce = nn::DataParallel::loss(|out, t: f64| {
        loss::binary_cross_entropy_with_logits(out.get(0), (t + 1.0) / 2.0)
    });
    let mut stopped = None;
    for epoch in 1..=500 {
        nn::DataParallel::new(1).loss_and_gradient(
            &model,
            &train,
            bce,
            loss::no_penalty,
            &mut grads,
        );
        adam.step(model.parameters_mut(), &grads);
        let validation_loss = model.mean_loss(&validation, bce);
        if validation_loss < best_loss {
            (best_by_hand, best_loss, best_epoch) = (model.clone(), validation_loss, epoch);
        }
        let verdict = early.observe(validation_loss, &model);
        assert_eq!(verdict == Verdict::Improved, epoch == best_epoch);
        if verdict == Verdict::Stop {
            stopped = Some(epoch);
            break;
        }
    }
    let stopped = stopped.expect("the validation loss turns up well before 500 epochs");
    assert_eq!(stopped, best_epoch + 5);
    assert_eq!(early.best_epoch(), Some(best_epoch));
    assert_eq!(early.best_loss(), best_loss);
    assert_ne!(model, best_by_hand);
    early.restore_best(&mut model);
    assert_eq!(model, best_by_hand);
}

#[test]
fn resuming_early_stopping_counts_on_from_the_checkpoints_epoch() {
    let model = Mlp::new(1, &[(1, Activation::Identity)], Init::Xavier, 0);
    let mut early = EarlyStopping::resume(2, 10, 0.5, &model);
    assert_eq!(early.observe(0.6, &model), Verdict::Wait);
    assert_eq!(early.observe(0.4, &model), Verdict::Improved);
    assert_eq!((early.epoch(), early.best_epoch()), (12, Some(12)));
}

#[test]
#[should_panic(expected = "no best parameters yet")]
fn restoring_before_any_epoch_panics() {
    let mut model = Mlp::new(1, &[(1, Activation::Identity)], Init::Xavier, 0);
    EarlyStopping::new(3).restore_best(&mut model);
}

#[test]
fn clipping_scales_every_gradient_by_max_norm_over_the_norm() {
    let mut grads = [1.0, -2.0, 2.0, 0.0]; // norm 3
    let norm = clip_grad_norm(&mut grads, 0.5);
    assert_eq!(norm, 3.0);
    let factor = 0.5 / (3.0 + 1e-6);
    assert_eq!(grads, [factor, -2.0 * factor, 2.0 * factor, 0.0]);
    let clipped = grads.iter().map(|g| g * g).sum::<f64>().sqrt();
    assert!(clipped < 0.5 && clipped > 0.5 - 1e-6, "{clipped}");
}

#[test]
fn gradients_within_the_bound_are_left_alone() {
    let mut grads = [0.1, 0.2];
    let before = grads;
    clip_grad_norm(&mut grads, 1.0);
    assert_eq!(grads, before);
}

#[test]
fn a_non_finite_norm_leaves_the_gradients_as_they_are_and_is_returned() {
    let mut grads = [f64::INFINITY, 1.0];
    assert_eq!(clip_grad_norm(&mut grads, 1.0), f64::INFINITY);
    assert_eq!(grads, [f64::INFINITY, 1.0]);
    let mut nan = [f64::NAN, 1.0];
    assert!(clip_grad_norm(&mut nan, 1.0).is_nan());
    assert_eq!(nan[1], 1.0);
}
