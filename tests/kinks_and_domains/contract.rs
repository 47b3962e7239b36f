//! The contract's own points, each a behaviour of its own: a NaN picks no branch, clamp on a
//! bound, acosh below 1, atan2 at and near the origin, cbrt at the ends, powi(i32::MIN), and
//! fused neurons as their unfused ops.

use tapegrad::{Activation, Tape};

use crate::harness::{
    Binary, INF, NAN, NEG_INF, POINTS, Unary, agrees, branch, logistic, logistic_slope,
    observe_binary, observe_unary,
};

/// A fused neuron `act(w x + b)` with `w = 1`, `b = 0` passes `act'(x)` to the bias, `act'(x) w`
/// to the input and `act'(x) x` to the weight, as the unfused ops would: at a NaN input, a
/// relu neuron's derivatives are all NaN; where the activation is flat (tanh and sigmoid at
/// ±inf), its slope 0 passes nothing on, so the weight gets 0, not `0 · inf`.
#[test]
fn fused_neurons_follow_their_activations_at_the_edges() {
    // (activation, its value, its slope, the weight's derivative `slope · x`); a relu at
    // rest, and a tanh or sigmoid at ±inf, pass nothing at all (so not `0 · ±inf`), as the
    // unfused ops do.
    type Case = (Activation, fn(f64) -> f64, fn(f64) -> f64, fn(f64) -> f64);
    let cases: [Case; 4] = [
        (
            Activation::Relu,
            |z| branch(z, z, 0.0),
            |z| branch(z, 1.0, 0.0),
            |x| branch(x, x, 0.0),
        ),
        (
            Activation::Tanh,
            f64::tanh,
            |z| 1.0 / (z.cosh() * z.cosh()),
            |x| flat_at_infinity(x, x / (x.cosh() * x.cosh())),
        ),
        (Activation::Sigmoid, logistic, logistic_slope, |x| {
            flat_at_infinity(x, x * logistic_slope(x))
        }),
        (Activation::Identity, |z| z, |_| 1.0, |x| x),
    ];
    let mut found = Vec::new();
    for (activation, value, slope, weight_slope) in cases {
        for x in POINTS {
            let tape = Tape::new();
            let (w, b, input) = (tape.var(1.0), tape.var(0.0), tape.var(x));
            let y = tape.neuron(&[w], b, &[input], activation);
            y.backward();
            let d = slope(x);
            let checks = [
                ("value", value(x), y.data()),
                ("d/dw", weight_slope(x), w.grad()),
                ("d/dx", d, input.grad()),
                ("d/db", d, b.grad()),
            ];
            for (what, want, got) in checks {
                // The tanh and sigmoid closed forms (1/cosh², via tanh(x/2)) round differently
                // from the rules' 1 - y² and y (1 - y): 4 ulps, at ±1.
                if !agrees(want, got, 4, false) {
                    found.push(format!(
                        "{activation:?} at {x:e}: {what} {got:e}, want {want:e}"
                    ));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "{} mismatches:\n{}",
        found.len(),
        found.join("\n")
    );
}

/// The weight's derivative `slope · x` of a tanh or sigmoid neuron: 0 at `x = ±inf`, where
/// the slope is 0 and passes nothing on, else `slope_times_x`.
fn flat_at_infinity(x: f64, slope_times_x: f64) -> f64 {
    if x.is_infinite() { 0.0 } else { slope_times_x }
}

/// `powi`'s rule takes the exponent `n - 1`, which for `i32::MIN` is no `i32`: the
/// derivative `n x^(n-1)` is still exact. At 2, `2^(-2^31 - 1)` underflows, so the slope is
/// `-2^31 · 0 = -0`; at 0.5 it is `-2^31 · 2^(2^31 + 1) = -inf`; at -2 the odd power is `-0`
/// and the slope `+0`. The second derivative `n (n - 1) x^(n-2)` is `+0`, `+inf`, `+0`.
#[test]
fn powi_of_i32_min_has_the_exact_derivative() {
    let cases = [
        (2.0, 0.0, -0.0, 0.0),
        (0.5, INF, NEG_INF, INF),
        (-2.0, 0.0, 0.0, 0.0),
        (1.0, 1.0, -2147483648.0, 2147483648.0 * 2147483649.0),
    ];
    for (x, value, d1, d2) in cases {
        let [v, backward, gradient, second, twice] = observe_unary(|x| x.powi(i32::MIN), x);
        assert_eq!(v.to_bits(), value.to_bits(), "value at {x}");
        // `backward` adds the slope to a gradient that starts at +0, and +0 + -0 = +0: only
        // `gradient`, which returns the recorded slope itself, keeps the sign of a zero.
        assert_eq!(backward, d1, "backward at {x}: {backward}");
        assert_eq!(
            gradient.to_bits(),
            d1.to_bits(),
            "gradient at {x}: {gradient}"
        );
        assert_eq!(second, d2, "second derivative by backward at {x}");
        assert_eq!(twice, d2, "second derivative by gradient at {x}");
    }
}

/// A NaN input picks no branch of a piecewise op: value and derivative are NaN (the second
/// derivative, 0 on every branch, stays 0).
#[test]
fn a_nan_input_picks_no_branch() {
    let ops: [(&str, Unary); 5] = [
        ("abs", |x| x.abs()),
        ("relu", |x| x.relu()),
        ("leaky_relu", |x| x.leaky_relu(0.1)),
        ("clamp", |x| x.clamp(-1.0, 1.0)),
        ("neuron with relu", |x| {
            let tape = x.tape();
            tape.neuron(&[x], x, &[x], Activation::Relu)
        }),
    ];
    for (name, f) in ops {
        let [value, backward, gradient, ..] = observe_unary(f, NAN);
        assert!(value.is_nan(), "{name}: value {value}");
        assert!(backward.is_nan(), "{name}: backward {backward}");
        assert!(gradient.is_nan(), "{name}: gradient {gradient}");
    }
    for (name, f) in [
        ("max", (|a, b| a.max(b)) as Binary),
        ("min", |a, b| a.min(b)),
    ] {
        let (_, backward, gradient, ..) = observe_binary(f, NAN, NAN);
        assert!(
            backward.iter().all(|d| d.is_nan()),
            "{name}: backward {backward:?}"
        );
        assert!(
            gradient.iter().all(|d| d.is_nan()),
            "{name}: gradient {gradient:?}"
        );
        // One NaN operand: the other wins, as in f64, and takes the whole gradient.
        let (value, backward, ..) = observe_binary(f, NAN, 3.0);
        assert_eq!((value, backward), (3.0, [0.0, 1.0]), "{name}");
    }
}

/// `clamp` passes the gradient strictly inside its bounds only: on a bound the derivative is
/// 0, as `relu'(0) = 0` (`relu(x)` is `clamp(x, 0, inf)`).
#[test]
fn clamp_on_a_bound_passes_no_gradient() {
    for (x, d) in [(-1.0, 0.0), (1.0, 0.0), (0.5, 1.0), (-3.0, 0.0), (3.0, 0.0)] {
        let [value, backward, gradient, ..] = observe_unary(|x| x.clamp(-1.0, 1.0), x);
        assert_eq!(value, x.clamp(-1.0, 1.0));
        assert_eq!((backward, gradient), (d, d), "at {x}");
    }
    let [_, at_zero, ..] = observe_unary(|x| x.clamp(0.0, INF), 0.0);
    let [_, relu_at_zero, ..] = observe_unary(|x| x.relu(), 0.0);
    assert_eq!((at_zero, relu_at_zero), (0.0, 0.0));
    // An infinite bound is a bound like any other.
    let [value, at_infinity, ..] = observe_unary(|x| x.clamp(0.0, INF), INF);
    assert_eq!((value, at_infinity), (INF, 0.0));
}

/// `acosh` has no real value below 1, and so no derivative there: NaN, also at and below -1
/// where `1/sqrt(x² - 1)` would be finite.
#[test]
fn acosh_below_one_has_a_nan_derivative() {
    for x in [0.5, 0.0, -1.0, -1.3, -1e300, NEG_INF] {
        let [value, backward, gradient, second, twice] = observe_unary(|x| x.acosh(), x);
        for d in [value, backward, gradient, second, twice] {
            assert!(d.is_nan(), "acosh at {x}: {d}");
        }
    }
}

/// `atan2(a, b)`'s partials `b/(a² + b²)` and `-a/(a² + b²)`, computed without squaring: at
/// the origin both are 0; at tiny operands they are the true, huge ones.
#[test]
fn atan2_partials_are_zero_at_the_origin_and_do_not_underflow() {
    let cases = [
        (0.0, 0.0, [0.0, 0.0]),
        (-0.0, 0.0, [0.0, 0.0]),
        (0.0, -0.0, [0.0, 0.0]),
        (-0.0, -0.0, [0.0, 0.0]),
        (1e-300, 0.0, [0.0, -1e300]),
        (0.0, 1e-300, [1e300, 0.0]),
        (-1e-300, 0.0, [0.0, 1e300]),
        (1e-300, 1e-300, [5e299, -5e299]),
    ];
    for (a, b, partials) in cases {
        let (_, backward, gradient, ..) = observe_binary(|a, b| a.atan2(b), a, b);
        for (got, want) in backward.into_iter().chain(gradient).zip(partials.repeat(2)) {
            assert!(
                agrees(want, got, 0, false),
                "atan2({a}, {b}): {got:e}, want {want:e}"
            );
        }
    }
}

/// The second derivative of `cbrt`, `-2/(9 x^(5/3))`, vanishes at ±inf and is ∓inf at ±0,
/// also through `gradient` taken twice (where a `0 · inf` in the recorded rule would give
/// NaN).
#[test]
fn cbrt_second_derivative_is_zero_at_infinity_and_infinite_at_zero() {
    for (x, d2) in [(INF, 0.0), (NEG_INF, 0.0), (0.0, NEG_INF), (-0.0, INF)] {
        let [.., second, twice] = observe_unary(|x| x.cbrt(), x);
        assert_eq!((second, twice), (d2, d2), "cbrt'' at {x}");
    }
}
