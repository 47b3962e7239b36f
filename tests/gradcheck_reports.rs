//! `gradcheck`: its numbers against closed forms of the central difference, and that it
//! catches a wrong gradient.
#![cfg(feature = "teach")]

use tapegrad::teach::{DEFAULT_STEP, Tolerance, gradcheck_with_step};
use tapegrad::{Value, gradcheck};

/// A function gradcheck can take.
type Function = for<'t> fn(&[Value<'t>]) -> Value<'t>;

#[test]
fn correct_gradients_pass_with_small_errors() {
    let functions: [(&str, Function, &[f64]); 4] = [
        ("x y + sin(x)", |v| v[0] * v[1] + v[0].sin(), &[0.4, -1.3]),
        (
            "tanh neuron",
            |v| (v[0] * v[1] + v[2]).tanh(),
            &[0.5, -0.8, 0.1],
        ),
        (
            "exp(x) / (1 + y²)",
            |v| v[0].exp() / (1.0 + v[1] * v[1]),
            &[1.1, 0.3],
        ),
        (
            "sum of squares",
            |v| v[0].tape().sum(v.iter().map(|x| x.powi(2))),
            &[1.0, 2.0, 3.0],
        ),
    ];
    for (name, f, at) in functions {
        let report = gradcheck(f, at);
        assert_eq!(report.inputs().len(), at.len());
        assert!(report.passes(Tolerance::default()), "{name}:\n{report}");
        assert!(report.worst_abs_error() < 1e-8, "{name}:\n{report}");
        assert!(report.worst_rel_error() < 1e-8, "{name}:\n{report}");
    }
}

/// Reading an input's number and using it as a constant cuts that path out of the graph: a
/// classic way to get a wrong gradient. `x * x.data()` is x² in value, but backward sees
/// d/dx = x instead of 2x.
#[test]
fn a_wrong_gradient_fails_with_the_size_of_the_mistake() {
    let report = gradcheck(|v| v[0] * v[0].data(), &[3.0]);
    let check = report.inputs()[0];
    assert_eq!(check.analytic(), 3.0);
    assert!((check.numeric() - 6.0).abs() < 1e-8, "{}", check.numeric());
    assert!((check.abs_error() - 3.0).abs() < 1e-8);
    assert!((check.rel_error() - 0.5).abs() < 1e-8);
    assert!(!report.passes(Tolerance::default()), "{report}");
    assert!(!check.passes(Tolerance::new(1.0, 0.1)));
    assert!(
        check.passes(Tolerance::new(3.1, 0.0)),
        "a loose enough tolerance"
    );
}

#[test]
fn only_the_wrong_input_fails() {
    // f = x y with y detached: df/dx is right, df/dy is reported as 0.
    let report = gradcheck(|v| v[0] * v[1].data() + v[1] * 0.0, &[2.0, 5.0]);
    let [dx, dy] = [report.inputs()[0], report.inputs()[1]];
    assert!(dx.passes(Tolerance::default()));
    assert!(!dy.passes(Tolerance::default()));
    assert_eq!(dy.analytic(), 0.0);
    assert!((dy.numeric() - 2.0).abs() < 1e-8);
    assert_eq!(report.worst_abs_error(), dy.abs_error());
    assert_eq!(report.worst_rel_error(), 1.0);
}

/// The central difference of sin is exact in closed form: (sin(x+h) - sin(x-h)) / 2h =
/// cos(x) sin(h) / h, and that of exp is exp(x) sinh(h) / h.
#[test]
fn numeric_derivatives_match_the_closed_form_of_the_central_difference() {
    let h = 1e-2;
    let x = 0.8f64;
    let report = gradcheck_with_step(|v| v[0].sin(), &[x], h);
    let check = report.inputs()[0];
    let want = x.cos() * h.sin() / h;
    assert!(
        (check.numeric() - want).abs() < 1e-13,
        "{} vs {want}",
        check.numeric()
    );
    assert_eq!(check.analytic(), x.cos());
    let truncation = x.cos() * (1.0 - h.sin() / h); // about cos(x) h² / 6
    assert!((check.abs_error() - truncation).abs() < 1e-13);

    let report = gradcheck_with_step(|v| v[0].exp(), &[x], h);
    let want = x.exp() * h.sinh() / h;
    assert!((report.inputs()[0].numeric() - want).abs() < 1e-13);
    assert_eq!(report.value(), x.exp());
}

#[test]
fn the_step_grows_with_large_inputs() {
    // At x = 1000 the step is 1e-2 * 1000 = 10, which the closed form of the central
    // difference of sin shows: cos(x) sin(10) / 10, not cos(x) sin(0.01) / 0.01.
    let x = 1000.0f64;
    let report = gradcheck_with_step(|v| v[0].sin(), &[x], 1e-2);
    let want = x.cos() * 10f64.sin() / 10.0;
    assert!((report.inputs()[0].numeric() - want).abs() < 1e-12);
    assert_eq!(report.step(), 1e-2);
    assert_eq!(gradcheck(|v| v[0], &[1.0]).step(), DEFAULT_STEP);
}

#[test]
fn kinks_fail_where_backward_chooses_a_side() {
    // relu'(0) = 0 by convention, the central difference gives 1/2.
    let report = gradcheck(|v| v[0].relu(), &[0.0]);
    assert_eq!(report.inputs()[0].analytic(), 0.0);
    assert!((report.inputs()[0].numeric() - 0.5).abs() < 1e-12);
    assert!(!report.passes(Tolerance::default()));
}

#[test]
fn nan_makes_the_check_fail_and_the_worst_error_nan() {
    let report = gradcheck(|v| v[0].ln() + v[1], &[-1.0, 2.0]);
    assert!(report.inputs()[0].analytic().is_nan());
    assert!(report.worst_abs_error().is_nan());
    assert!(report.worst_rel_error().is_nan());
    assert!(!report.passes(Tolerance::new(1e9, 1e9)));
    // The value itself is NaN, so every finite difference is NaN too, even where backward
    // has a number (df/dy = 1).
    assert_eq!(report.inputs()[1].analytic(), 1.0);
    assert!(report.inputs()[1].numeric().is_nan());
    assert!(!report.inputs()[1].passes(Tolerance::default()));
}

#[test]
#[should_panic(expected = "gradcheck needs at least one input")]
fn no_inputs_panic() {
    gradcheck(|v| v[0], &[]);
}

#[test]
#[should_panic(expected = "step must be a positive finite number, got 0")]
fn a_zero_step_panics() {
    gradcheck_with_step(|v| v[0], &[1.0], 0.0);
}

#[test]
fn the_report_prints_a_row_per_input() {
    let report = gradcheck(|v| v[0] * v[1] * v[2], &[1.0, 2.0, 3.0]);
    let text = report.to_string();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 6, "{text}"); // title, header, 3 inputs, worst
    assert!(lines[1].contains("analytic") && lines[1].contains("rel error"));
    let first: Vec<&str> = lines[2].split_whitespace().take(4).collect();
    assert_eq!(
        first,
        ["0", "1", "6", "6"],
        "input, at, analytic, numeric:\n{text}"
    );
    assert!(lines[5].starts_with("worst: abs error"));
}
