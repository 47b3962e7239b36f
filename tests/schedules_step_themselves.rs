//! Schedules that set the optimizer's learning rate from its own step count: warm-up,
//! exponential decay and reduce-on-plateau against their closed forms and hand-worked
//! sequences, and a schedule that goes on where it was after the optimizer is reloaded.
#![cfg(feature = "nn")]

use tapegrad::nn::{Activation, Adam, Init, Mlp, Module, Optimizer, Schedule, Sgd};

#[test]
fn warmup_rises_linearly_then_hands_over_to_the_schedule_from_its_start() {
    let schedule = Schedule::exponential(0.2, 0.5).with_warmup(5);
    let expected = [
        0.04, 0.08, 0.12, 0.16, 0.2, // (k + 1) / 5 of 0.2
        0.2, 0.1, 0.05, // 0.2 * 0.5^(k - 5)
    ];
    for (k, &rate) in expected.iter().enumerate() {
        assert!((schedule.at(k) - rate).abs() < 1e-15, "step {k}");
    }
}

#[test]
fn exponential_decay_is_start_times_gamma_to_the_step() {
    let schedule = Schedule::exponential(0.01, 0.99);
    for k in [0, 1, 10, 100, 1000] {
        let closed_form = 0.01 * (k as f64 * 0.99f64.ln()).exp();
        assert!((schedule.at(k) - closed_form).abs() < 1e-15, "step {k}");
    }
}

#[test]
fn reduce_on_plateau_follows_pytorchs_rule_with_a_zero_threshold() {
    // ReduceLROnPlateau(mode="min", factor=0.5, patience=2, threshold=0): worked by hand.
    // epoch:  1    2    3    4    5    6    7    8    9    10
    // loss:   1.0  0.9  0.95 0.9  0.91 0.8  0.85 0.85 0.85 0.85
    // bad:    0    0    1    2    3->0 0    1    2    3->0 1
    // rate:   1    1    1    1    0.5  0.5  0.5  0.5  0.25 0.25
    let losses = [1.0, 0.9, 0.95, 0.9, 0.91, 0.8, 0.85, 0.85, 0.85, 0.85];
    let rates = [1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25];
    let mut schedule = Schedule::constant(1.0).reduce_on_plateau(0.5, 2);
    for (epoch, (&loss, &rate)) in losses.iter().zip(&rates).enumerate() {
        schedule.observe(loss);
        assert_eq!(schedule.at(0), rate, "after epoch {}", epoch + 1);
    }
    assert_eq!(schedule.reductions(), 2);
}

#[test]
fn a_nan_loss_counts_as_an_epoch_without_improvement() {
    let mut schedule = Schedule::constant(1.0).reduce_on_plateau(0.5, 0);
    schedule.observe(1.0);
    assert!(schedule.observe(f64::NAN));
    assert_eq!(schedule.at(0), 0.5);
}

#[test]
fn step_sets_the_rate_of_the_optimizers_next_step_for_a_boxed_optimizer_too() {
    let schedule = Schedule::linear(1.0, 0.0, 10).with_warmup(2);
    let mut opt: Box<dyn Optimizer> = Box::new(Adam::new(123.0));
    let mut p = [0.0];
    let mut seen = Vec::new();
    for _ in 0..4 {
        schedule.step(&mut opt);
        seen.push(opt.learning_rate());
        opt.step(&mut p, &[1.0]);
    }
    // Warm-up: 1/2, 2/2 of 1.0; then the line from its step 0: 1.0, 0.9.
    assert_eq!(seen, [0.5, 1.0, 1.0, 0.9]);
}

#[test]
fn sgds_step_count_survives_a_reload_and_the_schedule_continues_from_it() {
    let mut model = Mlp::new(
        2,
        &[(3, Activation::Tanh), (1, Activation::Identity)],
        Init::Xavier,
        0,
    );
    let schedule = Schedule::cosine(0.5, 0.01, 20);
    let mut sgd = Sgd::new(0.0).with_momentum(0.9);
    let grads = vec![0.1; model.parameter_count()];
    for _ in 0..7 {
        schedule.step(&mut sgd);
        sgd.step(model.parameters_mut(), &grads);
    }
    assert_eq!(sgd.steps(), 7);
    let text = model.to_text_with_optimizer(&sgd);
    assert!(text.contains("\nsteps 7\n"), "{text}");
    let (_, mut loaded) = Mlp::from_text_with_optimizer::<Sgd>(&text).unwrap();
    assert_eq!(loaded.steps(), 7);
    schedule.step(&mut loaded);
    assert_eq!(loaded.learning_rate(), schedule.at(7));
}

#[test]
fn an_sgd_file_without_a_step_count_reads_as_zero_steps() {
    // A file written before Sgd counted its steps.
    let text = "tapegrad-mlp 1\ninputs 1\nlayer 1 identity\nlayer1.neuron1.w1 0.5\n\
                layer1.neuron1.b 0.0\noptimizer sgd\nlearning_rate 0.1\nmomentum 0.0\n\
                weight_decay 0.0\nvelocity layer1.neuron1.w1 0.0\nvelocity layer1.neuron1.b 0.0\n\
                end\n";
    let (_, sgd) = Mlp::from_text_with_optimizer::<Sgd>(text).unwrap();
    assert_eq!(sgd.steps(), 0);
}

#[test]
#[should_panic(expected = "factor in (0, 1)")]
fn a_plateau_factor_of_one_is_refused() {
    let _ = Schedule::constant(0.1).reduce_on_plateau(1.0, 3);
}
