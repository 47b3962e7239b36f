//! The optimizer's section of a model file: what it says, files without it still read as
//! before, and every kind of damage to it gives a typed error naming the line.
#![cfg(feature = "nn")]

use tapegrad::nn::{
    Activation, Adam, AdamW, Init, LoadError, LoadProblem, Mlp, Module, Optimizer, Resumable, Sgd,
};

/// One neuron with one input: parameters `layer1.neuron1.w1` and `layer1.neuron1.b`.
fn small() -> Mlp {
    Mlp::new(1, &[(1, Activation::Identity)], Init::Xavier, 0)
}

/// The small model after one Adam step (lr 0.1, decay 0.01) with gradients (2, -1), and its
/// file with the optimizer's state.
fn stepped() -> (Mlp, Adam, String) {
    let mut model = small();
    let mut adam = Adam::new(0.1).with_weight_decay(0.01);
    adam.step(model.parameters_mut(), &[2.0, -1.0]);
    let text = model.to_text_with_optimizer(&adam);
    (model, adam, text)
}

/// The number (from 1) of the line of `text` that starts with `start`.
fn line_of(text: &str, start: &str) -> usize {
    1 + text
        .lines()
        .position(|l| l.starts_with(start))
        .unwrap_or_else(|| panic!("no line starts with {start:?} in\n{text}"))
}

fn problem_at<O: Resumable + std::fmt::Debug>(text: &str) -> (usize, LoadProblem) {
    match Mlp::from_text_with_optimizer::<O>(text) {
        Err(LoadError::Invalid { line, problem }) => (line, problem),
        other => panic!("expected an error for\n{text}\ngot {other:?}"),
    }
}

fn expected(expected: &str, found: &str) -> LoadProblem {
    LoadProblem::Expected {
        expected: expected.into(),
        found: found.into(),
    }
}

#[test]
fn section_holds_settings_step_count_and_moments_by_parameter_name() {
    let (_, _, text) = stepped();
    let w = small().parameters()[0];
    let section = text.split_once("optimizer adam\n").unwrap().1;
    let lines: Vec<&str> = section.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(
        lines[..6],
        [
            "learning_rate 0.1",
            "beta1 0.9",
            "beta2 0.999",
            "eps 1e-8",
            "weight_decay 0.01",
            "steps 1",
        ]
    );
    // Step 1 of Adam with coupled decay from w and b = 0: the gradients with the decay term
    // are 2 + 0.01 w and -1, so m = 0.1 g and v = 0.001 g².
    for (line, name, g) in [
        (lines[6], "layer1.neuron1.w1", 2.0 + 0.01 * w),
        (lines[7], "layer1.neuron1.b", -1.0),
    ] {
        let words: Vec<&str> = line.split(' ').collect();
        assert_eq!(words[..2], ["moments", name]);
        let (m, v): (f64, f64) = (words[2].parse().unwrap(), words[3].parse().unwrap());
        assert!((m - 0.1 * g).abs() < 1e-15, "{line}");
        assert!((v - 0.001 * g * g).abs() < 1e-15, "{line}");
    }
    assert_eq!(lines[8], "end");
}

#[test]
fn an_optimizer_that_has_not_stepped_saves_zeros() {
    let text = small().to_text_with_optimizer(&Sgd::new(0.1).with_momentum(0.9));
    assert!(text.contains("\nvelocity layer1.neuron1.w1 0.0\nvelocity layer1.neuron1.b 0.0\n"));
    let (_, mut loaded) = Mlp::from_text_with_optimizer::<Sgd>(&text).unwrap();
    // Zeros behave as the state an optimizer sizes at its first step.
    let mut p = [1.0, 1.0];
    loaded.step(&mut p, &[1.0, 2.0]);
    assert_eq!(p, [0.9, 0.8]);
}

/// Saves and loads a fresh optimizer, then checks that the original and the loaded one take
/// the same three steps: each setting read back is used.
fn assert_same_steps<O: Resumable>(mut original: O) {
    let text = small().to_text_with_optimizer(&original);
    let (_, mut loaded) = Mlp::from_text_with_optimizer::<O>(&text).unwrap();
    let (mut a, mut b) = ([1.5, -0.5], [1.5, -0.5]);
    for grads in [[0.5, -2.0], [1.0, 0.25], [-0.75, 3.0]] {
        original.step(&mut a, &grads);
        loaded.step(&mut b, &grads);
        assert_eq!(a, b);
    }
}

#[test]
fn each_optimizer_reads_back_its_settings() {
    let sgd = Sgd::new(0.3).with_momentum(0.5).with_weight_decay(0.25);
    assert_same_steps(sgd);
    assert_same_steps(
        Adam::new(0.02)
            .with_betas(0.5, 0.75)
            .with_eps(1e-3)
            .with_weight_decay(0.5),
    );
    let adamw = AdamW::new(0.02, 0.125).with_betas(0.5, 0.75).with_eps(1e-3);
    assert_same_steps(adamw.clone());
    let text = small().to_text_with_optimizer(&adamw);
    let (_, loaded) = Mlp::from_text_with_optimizer::<AdamW>(&text).unwrap();
    assert_eq!(loaded.learning_rate(), 0.02);
    assert_eq!(loaded.weight_decay(), 0.125);
}

#[test]
fn a_model_file_with_an_optimizer_section_is_still_a_model_file() {
    let (model, _, text) = stepped();
    assert_eq!(Mlp::from_text(&text).unwrap(), model);
}

#[test]
fn a_model_file_without_the_section_has_no_optimizer_to_load() {
    let text = small().to_text();
    let end = text.lines().count();
    assert_eq!(
        problem_at::<Adam>(&text),
        (end, expected("`optimizer adam`", "end"))
    );
}

#[test]
fn the_state_of_another_optimizer_is_a_typed_error() {
    let (_, _, text) = stepped();
    assert_eq!(
        problem_at::<AdamW>(&text),
        (
            line_of(&text, "optimizer"),
            LoadProblem::OptimizerKind {
                expected: "adamw".into(),
                found: "adam".into()
            }
        )
    );
    let err = Mlp::from_text_with_optimizer::<Sgd>(&text).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "line {}: the file holds the state of an `adam` optimizer, not of the `sgd` asked for",
            line_of(&text, "optimizer")
        )
    );
}

#[test]
fn an_unknown_optimizer_is_a_typed_error_even_for_the_model_alone() {
    let (_, _, text) = stepped();
    let text = text.replace("optimizer adam\n", "optimizer rmsprop\n");
    let want = (
        line_of(&text, "optimizer"),
        LoadProblem::Optimizer {
            text: "rmsprop".into(),
        },
    );
    assert_eq!(problem_at::<Adam>(&text), want);
    match Mlp::from_text(&text) {
        Err(LoadError::Invalid { line, problem }) => assert_eq!((line, problem), want),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_bad_setting_is_a_typed_error() {
    let (_, _, text) = stepped();
    let bad = text.replace("beta1 0.9\n", "beta1 0.9x\n");
    assert_eq!(
        problem_at::<Adam>(&bad),
        (
            line_of(&bad, "beta1"),
            LoadProblem::Number {
                text: "0.9x".into()
            }
        )
    );
    let missing = text.replace("beta2 0.999\n", "");
    assert_eq!(
        problem_at::<Adam>(&missing),
        (
            line_of(&missing, "eps"),
            expected("`beta2 <number>`", "eps 1e-8")
        )
    );
}

#[test]
fn a_bad_step_count_is_a_typed_error() {
    // u64::MAX would overflow at the next step; 2^53 + 1 is no longer exact as an f64.
    for count in [
        "-1",
        "1.5",
        "many",
        "18446744073709551615",
        "9007199254740993",
    ] {
        let (_, _, text) = stepped();
        let text = text.replace("steps 1\n", &format!("steps {count}\n"));
        assert_eq!(
            problem_at::<Adam>(&text),
            (
                line_of(&text, "steps"),
                LoadProblem::Steps { text: count.into() }
            )
        );
    }
}

#[test]
fn a_step_count_of_2_to_the_53_loads() {
    let (_, _, text) = stepped();
    let most = text.replace("steps 1\n", "steps 9007199254740992\n");
    let (_, adam) = Mlp::from_text_with_optimizer::<Adam>(&most).unwrap();
    assert_eq!(adam.steps(), 1 << 53);
}

fn out_of_range(name: &str, text: &str, range: &str) -> LoadProblem {
    LoadProblem::OutOfRange {
        name: name.into(),
        text: text.into(),
        range: range.into(),
    }
}

#[test]
fn settings_an_optimizer_cannot_step_with_are_typed_errors() {
    const NON_NEGATIVE: &str = "a finite number from 0 up";
    const FRACTION: &str = "a number in [0, 1)";
    let (_, _, text) = stepped();
    for (line, bad, range) in [
        ("learning_rate 0.1", "NaN", NON_NEGATIVE),
        ("learning_rate 0.1", "-0.1", NON_NEGATIVE),
        ("beta1 0.9", "1", FRACTION),
        ("beta2 0.999", "-0.5", FRACTION),
        ("eps 1e-8", "inf", NON_NEGATIVE),
        ("weight_decay 0.01", "-1", NON_NEGATIVE),
    ] {
        let name = line.split(' ').next().unwrap();
        let damaged = text.replace(&format!("{line}\n"), &format!("{name} {bad}\n"));
        assert_eq!(
            problem_at::<Adam>(&damaged),
            (line_of(&damaged, name), out_of_range(name, bad, range)),
        );
    }

    let mut model = small();
    let mut sgd = Sgd::new(0.1).with_momentum(0.9);
    sgd.step(model.parameters_mut(), &[1.0, 1.0]);
    let text = model.to_text_with_optimizer(&sgd);
    let damaged = text.replace("momentum 0.9\n", "momentum -inf\n");
    assert_eq!(
        problem_at::<Sgd>(&damaged),
        (
            line_of(&damaged, "momentum"),
            out_of_range("momentum", "-inf", NON_NEGATIVE)
        )
    );
    let message = Mlp::from_text_with_optimizer::<Sgd>(&damaged)
        .unwrap_err()
        .to_string();
    assert!(
        message.ends_with(
            "`momentum -inf` is out of range: momentum must be a finite number from 0 up"
        ),
        "{message}"
    );
}

#[test]
fn state_numbers_an_optimizer_cannot_step_with_are_typed_errors() {
    let (_, _, text) = stepped();
    let bias = line_of(&text, "moments layer1.neuron1.b");
    let with_bias_line = |line: &str| -> String {
        text.lines()
            .enumerate()
            .map(|(i, l)| format!("{}\n", if i + 1 == bias { line } else { l }))
            .collect()
    };
    for (line, want) in [
        (
            "moments layer1.neuron1.b NaN 0.001",
            out_of_range("m", "NaN", "a finite number"),
        ),
        (
            "moments layer1.neuron1.b 0.1 -0.001",
            out_of_range("v", "-0.001", "a finite number from 0 up"),
        ),
    ] {
        let damaged = with_bias_line(line);
        assert_eq!(problem_at::<Adam>(&damaged), (bias, want));
    }
    let damaged = with_bias_line("moments layer1.neuron1.b 0.1 0.001");
    assert!(Mlp::from_text_with_optimizer::<Adam>(&damaged).is_ok());
}

#[test]
fn missing_or_misnamed_or_short_state_lines_are_typed_errors() {
    let (_, _, text) = stepped();
    // The bias's line, with numbers easier to read than the ones its step left.
    let bias = line_of(&text, "moments layer1.neuron1.b");
    let text: String = text
        .lines()
        .enumerate()
        .map(|(i, line)| {
            if i + 1 == bias {
                "moments layer1.neuron1.b -0.1 0.001\n".to_owned()
            } else {
                format!("{line}\n")
            }
        })
        .collect();
    assert!(Mlp::from_text_with_optimizer::<Adam>(&text).is_ok());
    let want = "`moments layer1.neuron1.b <m> <v>`";

    let missing = text.replace("moments layer1.neuron1.b -0.1 0.001\n", "");
    assert_eq!(
        problem_at::<Adam>(&missing),
        (line_of(&missing, "end"), expected(want, "end"))
    );

    let misnamed = text.replace("moments layer1.neuron1.b", "moments layer1.neuron2.b");
    assert_eq!(
        problem_at::<Adam>(&misnamed),
        (
            line_of(&misnamed, "moments layer1.neuron2.b"),
            expected(want, "moments layer1.neuron2.b -0.1 0.001")
        )
    );

    let short = text.replace("-0.1 0.001\n", "-0.1\n");
    assert_eq!(
        problem_at::<Adam>(&short),
        (
            line_of(&short, "moments layer1.neuron1.b"),
            expected(want, "moments layer1.neuron1.b -0.1")
        )
    );

    let bad = text.replace("-0.1 0.001\n", "-0.1 nope\n");
    assert_eq!(
        problem_at::<Adam>(&bad),
        (
            line_of(&bad, "moments layer1.neuron1.b"),
            LoadProblem::Number {
                text: "nope".into()
            }
        )
    );
}

#[test]
fn a_file_cut_inside_the_section_is_a_typed_error() {
    let (_, _, text) = stepped();
    let cut = &text[..text.find("steps").unwrap()];
    let (line, problem) = problem_at::<Adam>(cut);
    assert_eq!(line, cut.lines().count() + 1);
    assert_eq!(
        problem,
        LoadProblem::UnexpectedEnd {
            expected: "`steps <count>`".into()
        }
    );
}

#[test]
#[should_panic(expected = "the optimizer has state for 2 parameters but the model has 9")]
fn saving_a_model_with_another_models_optimizer_panics() {
    let (_, adam, _) = stepped();
    let bigger = Mlp::new(
        2,
        &[(2, Activation::Tanh), (1, Activation::Identity)],
        Init::He,
        0,
    );
    bigger.to_text_with_optimizer(&adam);
}
