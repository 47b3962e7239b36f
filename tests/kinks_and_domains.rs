//! The rules at kinks and domain edges, which follow PyTorch: no panics, IEEE NaN and inf.

use tapegrad::{Tape, Value};

type OnValue = for<'t> fn(Value<'t>) -> Value<'t>;

/// Value and derivative of `f` at `x`.
fn at(x: f64, f: impl for<'t> Fn(Value<'t>) -> Value<'t>) -> (f64, f64) {
    let tape = Tape::new();
    let v = tape.var(x);
    let y = f(v);
    y.backward();
    (y.data(), v.grad())
}

#[test]
fn relu_abs_and_leaky_relu_have_derivative_zero_or_slope_at_zero() {
    assert_eq!(at(0.0, |x| x.relu()), (0.0, 0.0));
    assert_eq!(at(0.0, |x| x.abs()), (0.0, 0.0));
    assert_eq!(at(0.0, |x| x.leaky_relu(0.1)), (0.0, 0.1));
}

#[test]
fn sqrt_has_infinite_derivative_at_zero() {
    assert_eq!(at(0.0, |x| x.sqrt()), (0.0, f64::INFINITY));
}

#[test]
fn logs_and_roots_of_negative_numbers_give_nan_value_and_nan_gradient() {
    let cases: [(&str, OnValue); 6] = [
        ("ln", |x| x.ln()),
        ("sqrt", |x| x.sqrt()),
        ("log2", |x| x.log2()),
        ("log10", |x| x.log10()),
        ("log", |x| x.log(3.0)),
        ("ln_1p at -2", |x| (x - 1.0).ln_1p()),
    ];
    for (name, f) in cases {
        let (value, grad) = at(-1.0, f);
        assert!(
            value.is_nan() && grad.is_nan(),
            "{name}: value {value}, grad {grad}"
        );
    }
}

#[test]
fn inverse_functions_outside_their_domain_give_nan() {
    let cases: [(&str, f64, OnValue); 4] = [
        ("asin", 2.0, |x| x.asin()),
        ("acos", -2.0, |x| x.acos()),
        ("atanh", 2.0, |x| x.atanh()),
        ("acosh", 0.5, |x| x.acosh()),
    ];
    for (name, x, f) in cases {
        let (value, grad) = at(x, f);
        assert!(
            value.is_nan() && grad.is_nan(),
            "{name}({x}): value {value}, grad {grad}"
        );
    }
}

#[test]
fn ln_of_zero_is_minus_infinity_with_infinite_slope() {
    assert_eq!(at(0.0, |x| x.ln()), (f64::NEG_INFINITY, f64::INFINITY));
}

#[test]
fn saturating_functions_stay_finite_at_plus_and_minus_1000() {
    for x in [1000.0, -1000.0] {
        for (name, f) in [
            ("tanh", (|v| v.tanh()) as OnValue),
            ("sigmoid", |v| v.sigmoid()),
            ("softplus", |v| v.softplus()),
        ] {
            let (value, grad) = at(x, f);
            assert!(
                value.is_finite() && grad.is_finite(),
                "{name}({x}) = {value}, grad {grad}"
            );
        }
    }
    assert_eq!(at(1000.0, |x| x.sigmoid()), (1.0, 0.0));
    assert_eq!(at(-1000.0, |x| x.sigmoid()), (0.0, 0.0));
    assert_eq!(at(1000.0, |x| x.softplus()), (1000.0, 1.0));
    assert_eq!(at(-1000.0, |x| x.softplus()), (0.0, 0.0));
    assert_eq!(at(1000.0, |x| x.tanh()), (1.0, 0.0));
}

#[test]
fn max_and_min_split_a_tie_evenly() {
    let tape = Tape::new();
    let (a, b) = (tape.var(2.0), tape.var(2.0));
    let y = a.max(b) + a.min(b);
    y.backward();
    assert_eq!((a.grad(), b.grad()), (1.0, 1.0));
}

#[test]
fn power_zero_has_derivative_zero_even_at_zero() {
    assert_eq!(at(0.0, |x| x.powi(0)), (1.0, 0.0));
    assert_eq!(at(0.0, |x| x.powf(0.0)), (1.0, 0.0));
    let tape = Tape::new();
    let (base, exponent) = (tape.var(0.0), tape.var(2.0));
    let y = base.pow(exponent);
    y.backward();
    assert_eq!((y.data(), base.grad(), exponent.grad()), (0.0, 0.0, 0.0));
}

#[test]
fn clamp_passes_the_gradient_on_its_bounds_and_inside() {
    assert_eq!(at(1.0, |x| x.clamp(-1.0, 1.0)), (1.0, 1.0));
    assert_eq!(at(0.5, |x| x.clamp(-1.0, 1.0)), (0.5, 1.0));
    assert_eq!(at(-3.0, |x| x.clamp(-1.0, 1.0)), (-1.0, 0.0));
}

#[test]
fn rounding_functions_have_zero_derivative() {
    for f in [
        (|x| x.floor()) as OnValue,
        |x| x.ceil(),
        |x| x.round(),
        |x| x.trunc(),
        |x| x.signum(),
    ] {
        assert_eq!(at(2.3, f).1, 0.0);
    }
}

#[test]
fn division_by_zero_follows_ieee() {
    let (value, grad) = at(0.0, |x| 1.0 / x);
    assert_eq!(value, f64::INFINITY);
    assert_eq!(grad, f64::NEG_INFINITY);
}
