//! Optimizer steps and learning-rate schedules against updates worked out by hand from the
//! published update rules (PyTorch's SGD, Adam and AdamW documentation).
#![cfg(feature = "nn")]

use tapegrad::nn::{Adam, AdamW, Optimizer, Schedule, Sgd};

fn assert_close(got: &[f64], want: &[f64]) {
    for (g, w) in got.iter().zip(want) {
        assert!((g - w).abs() < 1e-12, "got {got:?}, want {want:?}");
    }
}

#[test]
fn plain_sgd_subtracts_rate_times_gradient() {
    let mut params = [1.0, -2.0];
    let mut sgd = Sgd::new(0.1);
    sgd.step(&mut params, &[0.5, 0.25]);
    assert_close(&params, &[0.95, -2.025]);
    sgd.step(&mut params, &[-1.0, 0.5]);
    assert_close(&params, &[1.05, -2.075]);
}

#[test]
fn sgd_with_momentum_and_weight_decay_matches_two_hand_steps() {
    // lr 0.1, momentum 0.9, weight decay 0.01, from p = (1, -2).
    let mut params = [1.0, -2.0];
    let mut sgd = Sgd::new(0.1).with_momentum(0.9).with_weight_decay(0.01);

    // Step 1, g = (0.5, 0.25): d = g + 0.01 p = (0.51, 0.23); v = d;
    // p = p - 0.1 v = (0.949, -2.023).
    sgd.step(&mut params, &[0.5, 0.25]);
    assert_close(&params, &[0.949, -2.023]);

    // Step 2, g = (-1, 0.5): d = g + 0.01 p = (-0.99051, 0.47977);
    // v = 0.9 (0.51, 0.23) + d = (-0.53151, 0.68677); p = p - 0.1 v = (1.002151, -2.091677).
    sgd.step(&mut params, &[-1.0, 0.5]);
    assert_close(&params, &[1.002151, -2.091677]);
}

#[test]
fn adam_matches_two_hand_steps() {
    // lr 0.1, betas 0.9 and 0.999, eps 1e-8, from p = 1.
    let mut params = [1.0];
    let mut adam = Adam::new(0.1);

    // Step 1, g = 2: m = 0.2, v = 0.004; bias corrections 1 - 0.9 = 0.1, 1 - 0.999 = 0.001;
    // p = 1 - (0.1 / 0.1) * 0.2 / (sqrt(0.004) / sqrt(0.001) + 1e-8) = 1 - 0.2 / (2 + 1e-8).
    adam.step(&mut params, &[2.0]);
    let p1 = 1.0 - 0.2 / (2.0 + 1e-8);
    assert_close(&params, &[p1]);

    // Step 2, g = -1: m = 0.9 * 0.2 - 0.1 = 0.08; v = 0.999 * 0.004 + 0.001 = 0.004996;
    // corrections 1 - 0.81 = 0.19 and 1 - 0.998001 = 0.001999.
    adam.step(&mut params, &[-1.0]);
    let p2 = p1 - (0.1 / 0.19) * 0.08 / ((0.004996f64).sqrt() / (0.001999f64).sqrt() + 1e-8);
    assert_close(&params, &[p2]);
}

#[test]
fn adam_defaults_are_pytorchs() {
    // With PyTorch's defaults the first step moves each parameter by lr = 1e-3 against the
    // sign of its gradient, whatever the gradient's size, up to eps: by lr |g| / (|g| + eps).
    let mut params = [0.0, 0.0, 0.0];
    let mut adam = Adam::default();
    assert_eq!(adam.learning_rate(), 1e-3);
    adam.step(&mut params, &[1e-3, -50.0, 7.0]);
    let moved = |g: f64| 1e-3 * g.abs() / (g.abs() + 1e-8);
    assert_close(&params, &[-moved(1e-3), moved(50.0), -moved(7.0)]);
}

#[test]
fn adam_betas_and_eps_are_used() {
    let mut params = [0.0];
    let mut adam = Adam::new(1.0).with_betas(0.5, 0.5).with_eps(1.0);
    // m = 0.5 * 4 = 2, v = 0.5 * 16 = 8; corrections 0.5 and 0.5;
    // p = 0 - (1 / 0.5) * 2 / (sqrt(8) / sqrt(0.5) + 1) = -4 / 5.
    adam.step(&mut params, &[4.0]);
    assert_close(&params, &[-0.8]);
}

#[test]
fn adam_weight_decay_is_added_to_the_gradient_as_pytorchs_adam() {
    // lr 0.1, weight decay 0.5, PyTorch's other defaults, from p = 1.
    let mut params = [1.0];
    let mut adam = Adam::new(0.1).with_weight_decay(0.5);

    // Step 1, g = 2: the decayed gradient is 2 + 0.5 * 1 = 2.5; m = 0.25, v = 0.00625;
    // p = 1 - (0.1 / 0.1) * 0.25 / (sqrt(0.00625) / sqrt(0.001) + 1e-8) = 0.9000000004.
    adam.step(&mut params, &[2.0]);
    let p1 = 1.0 - 0.25 / (2.5 + 1e-8);
    assert_close(&params, &[p1]);
    assert!((p1 - 0.9000000004).abs() < 1e-12);

    // Step 2, g = -1: the decayed gradient is -1 + 0.5 p1 = -0.5499999998;
    // m = 0.9 * 0.25 + 0.1 g = 0.17000000002; v = 0.999 * 0.00625 + 0.001 g² = 0.00654625;
    // corrections 0.19 and 0.001999: p = 0.8505569312282295.
    adam.step(&mut params, &[-1.0]);
    let g = -1.0 + 0.5 * p1;
    let (m, v) = (0.9 * 0.25 + 0.1 * g, 0.999 * 0.00625 + 0.001 * g * g);
    let p2 = p1 - (0.1 / 0.19) * m / (v.sqrt() / 0.001999f64.sqrt() + 1e-8);
    assert_close(&params, &[p2]);
    assert!((p2 - 0.8505569312282295).abs() < 1e-12);
}

#[test]
fn adamw_decays_the_parameter_apart_from_the_gradient_as_pytorchs_adamw() {
    // lr 0.1, weight decay 0.5, PyTorch's other defaults, from p = 1.
    let mut params = [1.0];
    let mut adamw = AdamW::new(0.1, 0.5);

    // Step 1, g = 2: p = 1 * (1 - 0.1 * 0.5) = 0.95; then Adam's step on g alone
    // (m = 0.2, v = 0.004, as in `adam_matches_two_hand_steps`): p = 0.95 - 0.2 / (2 + 1e-8).
    adamw.step(&mut params, &[2.0]);
    let p1 = 0.95 - 0.2 / (2.0 + 1e-8);
    assert_close(&params, &[p1]);
    assert!((p1 - 0.8500000005).abs() < 1e-12);

    // Step 2, g = -1: p = 0.95 p1; m = 0.08, v = 0.004996; corrections 0.19 and 0.001999:
    // p = 0.7808662966774312.
    adamw.step(&mut params, &[-1.0]);
    let p2 = 0.95 * p1 - (0.1 / 0.19) * 0.08 / (0.004996f64.sqrt() / 0.001999f64.sqrt() + 1e-8);
    assert_close(&params, &[p2]);
    assert!((p2 - 0.7808662966774312).abs() < 1e-12);
}

#[test]
fn adamw_defaults_are_pytorchs() {
    // PyTorch's AdamW: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 1e-2. The first
    // step shrinks p by lr * weight decay, then moves it by lr |g| / (|g| + eps).
    let mut params = [3.0, -3.0];
    let mut adamw = AdamW::default();
    assert_eq!((adamw.learning_rate(), adamw.weight_decay()), (1e-3, 1e-2));
    adamw.step(&mut params, &[0.5, 0.5]);
    let shrunk = 3.0 * (1.0 - 1e-5);
    let moved = 1e-3 * 0.5 / (0.5 + 1e-8);
    assert_close(&params, &[shrunk - moved, -shrunk - moved]);
}

#[test]
fn adamw_without_decay_and_adam_without_decay_take_the_same_steps() {
    let (mut a, mut b) = ([0.3, -1.2], [0.3, -1.2]);
    let mut adam = Adam::new(0.05).with_weight_decay(0.0);
    let mut adamw = AdamW::new(0.05, 0.0);
    for grads in [[1.0, -2.0], [0.5, 0.25], [-3.0, 1e-3]] {
        adam.step(&mut a, &grads);
        adamw.step(&mut b, &grads);
    }
    assert_eq!(a, b);
}

#[test]
fn coupled_and_decoupled_decay_differ_where_gradients_are_large() {
    // With a large gradient, Adam's step is about lr whatever the decay term adds to the
    // gradient, so coupled decay barely shows; AdamW's shrink of lr * wd * p shows in full.
    let mut coupled = [10.0];
    let mut decoupled = [10.0];
    Adam::new(0.1)
        .with_weight_decay(0.1)
        .step(&mut coupled, &[1000.0]);
    AdamW::new(0.1, 0.1).step(&mut decoupled, &[1000.0]);
    assert!((coupled[0] - (10.0 - 0.1)).abs() < 1e-9);
    assert!((decoupled[0] - (10.0 * 0.99 - 0.1)).abs() < 1e-9);
}

#[test]
fn linear_schedule_is_micrograds_decay() {
    let steps = 100;
    let schedule = Schedule::linear(1.0, 0.1, steps);
    for k in 0..steps {
        assert_eq!(
            schedule.at(k),
            1.0 - 0.9 * k as f64 / steps as f64,
            "step {k}"
        );
    }
    assert_eq!(schedule.at(steps), 0.1);
    assert_eq!(schedule.at(10 * steps), 0.1);
}

#[test]
fn constant_step_and_cosine_schedules() {
    assert_eq!(Schedule::constant(0.3).at(12345), 0.3);
    let step = Schedule::step_decay(0.8, 0.5, 3);
    let rates: Vec<f64> = (0..7).map(|k| step.at(k)).collect();
    assert_eq!(rates, [0.8, 0.8, 0.8, 0.4, 0.4, 0.4, 0.2]);
    let cosine = Schedule::cosine(1.0, 0.2, 10);
    assert_eq!(cosine.at(0), 1.0);
    assert!((cosine.at(5) - 0.6).abs() < 1e-15, "halfway is the mean");
    assert_eq!(cosine.at(10), 0.2);
}

#[test]
fn learning_rate_can_be_changed_between_steps() {
    let mut params = [1.0];
    let mut sgd = Sgd::new(0.1);
    sgd.set_learning_rate(0.5);
    sgd.step(&mut params, &[1.0]);
    assert_eq!(params, [0.5]);
}
