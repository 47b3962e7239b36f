//! Every method and operator of one operand (constants included) against its closed forms.

use std::f64::consts::{FRAC_PI_2, LN_2, LN_10, PI};

use crate::harness::{
    INF, NAN, NEG_INF, branch, check_all, logistic, logistic_slope, nan_below, row,
};

/// The arithmetic operators with one constant operand, and the scalings.
#[test]
fn operators_with_a_constant_follow_their_closed_forms_at_the_edges() {
    let zero = |_: f64| 0.0;
    check_all(&[
        row("x + 2", |x| x + 2.0, |x| x + 2.0, |_| 1.0, zero),
        row("2 + x", |x| 2.0 + x, |x| 2.0 + x, |_| 1.0, zero),
        row("x - 2", |x| x - 2.0, |x| x - 2.0, |_| 1.0, zero),
        row("2 - x", |x| 2.0 - x, |x| 2.0 - x, |_| -1.0, zero),
        row("x * 2", |x| x * 2.0, |x| x * 2.0, |_| 2.0, zero),
        row("2 * x", |x| 2.0 * x, |x| 2.0 * x, |_| 2.0, zero),
        row("x / 2", |x| x / 2.0, |x| x / 2.0, |_| 0.5, zero),
        row("-x", |x| -x, |x| -x, |_| -1.0, zero),
        row(
            "x += 2",
            |mut x| {
                x += 2.0;
                x
            },
            |x| x + 2.0,
            |_| 1.0,
            zero,
        ),
        row(
            "x -= 2",
            |mut x| {
                x -= 2.0;
                x
            },
            |x| x - 2.0,
            |_| 1.0,
            zero,
        ),
        row(
            "x *= 2",
            |mut x| {
                x *= 2.0;
                x
            },
            |x| x * 2.0,
            |_| 2.0,
            zero,
        ),
        row(
            "x /= 2",
            |mut x| {
                x /= 2.0;
                x
            },
            |x| x / 2.0,
            |_| 0.5,
            zero,
        ),
        // One node for the sum, and for the dot product x·x = x²: 2x, 2.
        row(
            "sum of x and 2x",
            |x| x.tape().sum([x, 2.0 * x]),
            |x| x + 2.0 * x,
            |_| 3.0,
            zero,
        )
        // A sum starts from +0, so a sum of -0s is +0.
        .unsigned_zero_value(),
        row(
            "dot of [x] and [x]",
            |x| x.tape().dot(&[x], &[x]),
            |x| x * x,
            |x| 2.0 * x,
            |_| 2.0,
        ),
        // d/dx 2/x = -2/x², d² = 4/x³
        row(
            "2 / x",
            |x| 2.0 / x,
            |x| 2.0 / x,
            |x| -2.0 / (x * x),
            |x| 4.0 / (x * x * x),
        ),
        row(
            "recip",
            |x| x.recip(),
            |x| x.recip(),
            |x| -1.0 / (x * x),
            |x| 2.0 / (x * x * x),
        ),
        row(
            "to_degrees",
            |x| x.to_degrees(),
            f64::to_degrees,
            |_| 180.0 / PI,
            zero,
        ),
        row(
            "to_radians",
            |x| x.to_radians(),
            f64::to_radians,
            |_| PI / 180.0,
            zero,
        ),
    ]);
}

#[test]
fn powers_and_roots_follow_their_closed_forms_at_the_edges() {
    check_all(&[
        // 3x², 6x
        row(
            "powi(3)",
            |x| x.powi(3),
            |x| x.powi(3),
            |x| 3.0 * (x * x),
            |x| 6.0 * x,
        ),
        // -2/x³, 6/x⁴
        row(
            "powi(-2)",
            |x| x.powi(-2),
            |x| x.powi(-2),
            |x| -2.0 / (x * x * x),
            |x| 6.0 / (x * x * x * x),
        ),
        // The exponent 0 gives the constant 1, with derivative 0 everywhere, NaN included.
        row("powi(0)", |x| x.powi(0), |x| x.powi(0), |_| 0.0, |_| 0.0),
        row(
            "powf(0)",
            |x| x.powf(0.0),
            |x| x.powf(0.0),
            |_| 0.0,
            |_| 0.0,
        ),
        // IEEE powf, not sqrt: powf(-0, 0.5) = +0 with slope +inf, powf(-inf, 0.5) = +inf
        // with slope 0.
        row(
            "powf(0.5)",
            |x| x.powf(0.5),
            |x| x.powf(0.5),
            |x| 0.5 * x.powf(-0.5),
            |x| -0.25 * x.powf(-1.5),
        ),
        // 1/(2√x), -1/(4 (√x)³): at -0, √x = -0, so the slope is -inf and its slope +inf.
        row(
            "sqrt",
            |x| x.sqrt(),
            f64::sqrt,
            |x| 0.5 / x.sqrt(),
            |x| {
                let y = x.sqrt();
                -0.25 / (y * y * y)
            },
        ),
        // 1/(3 y²), -2/(9 y⁵) with y = ∛x: both vanish at ±inf.
        row(
            "cbrt",
            |x| x.cbrt(),
            f64::cbrt,
            |x| {
                let y = x.cbrt();
                1.0 / (3.0 * (y * y))
            },
            |x| {
                let y = x.cbrt();
                -2.0 / (9.0 * (y * y * y * y * y))
            },
        ),
    ]);
}

#[test]
fn exponentials_and_logarithms_follow_their_closed_forms_at_the_edges() {
    check_all(&[
        row("exp", |x| x.exp(), f64::exp, f64::exp, f64::exp),
        row(
            "exp2",
            |x| x.exp2(),
            f64::exp2,
            |x| LN_2 * x.exp2(),
            |x| LN_2 * LN_2 * x.exp2(),
        ),
        // e^x twice.
        row("exp_m1", |x| x.exp_m1(), f64::exp_m1, f64::exp, f64::exp),
        // 1/x, -1/x², NaN for x < 0 (outside the real domain).
        row(
            "ln",
            |x| x.ln(),
            f64::ln,
            |x| nan_below(x, 0.0, 1.0 / x),
            |x| nan_below(x, 0.0, -1.0 / (x * x)),
        ),
        // 1/(x ln 2), -1/(x² ln 2)
        row(
            "log2",
            |x| x.log2(),
            f64::log2,
            |x| nan_below(x, 0.0, 1.0 / (x * LN_2)),
            |x| nan_below(x, 0.0, -1.0 / (x * x * LN_2)),
        ),
        row(
            "log10",
            |x| x.log10(),
            f64::log10,
            |x| nan_below(x, 0.0, 1.0 / (x * LN_10)),
            |x| nan_below(x, 0.0, -1.0 / (x * x * LN_10)),
        ),
        row(
            "log(3)",
            |x| x.log(3.0),
            |x| x.log(3.0),
            |x| nan_below(x, 0.0, 1.0 / (x * 3f64.ln())),
            |x| nan_below(x, 0.0, -1.0 / (x * x * 3f64.ln())),
        ),
        // 1/(1 + x), -1/(1 + x)², NaN for x < -1.
        row(
            "ln_1p",
            |x| x.ln_1p(),
            f64::ln_1p,
            |x| nan_below(x, -1.0, 1.0 / (1.0 + x)),
            |x| nan_below(x, -1.0, -1.0 / ((1.0 + x) * (1.0 + x))),
        ),
    ]);
}

#[test]
fn trigonometric_functions_follow_their_closed_forms_at_the_edges() {
    check_all(&[
        row("sin", |x| x.sin(), f64::sin, f64::cos, |x| -x.sin()),
        row("cos", |x| x.cos(), f64::cos, |x| -x.sin(), |x| -x.cos()),
        row(
            "sin_cos().0",
            |x| x.sin_cos().0,
            f64::sin,
            f64::cos,
            |x| -x.sin(),
        ),
        row(
            "sin_cos().1",
            |x| x.sin_cos().1,
            f64::cos,
            |x| -x.sin(),
            |x| -x.cos(),
        ),
        // 1/cos² x and 2 tan x / cos² x; the rule computes 1 + tan² x.
        row(
            "tan",
            |x| x.tan(),
            f64::tan,
            |x| 1.0 / (x.cos() * x.cos()),
            |x| 2.0 * x.tan() / (x.cos() * x.cos()),
        )
        .ulps(4),
        // 1/√(1 - x²), x/(1 - x²)^(3/2)
        row(
            "asin",
            |x| x.asin(),
            f64::asin,
            |x| 1.0 / (1.0 - x * x).sqrt(),
            |x| {
                let r = (1.0 - x * x).sqrt();
                x / (r * r * r)
            },
        ),
        row(
            "acos",
            |x| x.acos(),
            f64::acos,
            |x| -1.0 / (1.0 - x * x).sqrt(),
            |x| {
                let r = (1.0 - x * x).sqrt();
                -x / (r * r * r)
            },
        ),
        // 1/(1 + x²), -2x/(1 + x²)²; both vanish at ±inf.
        row(
            "atan",
            |x| x.atan(),
            f64::atan,
            |x| 1.0 / (1.0 + x * x),
            |x| -2.0 * x / ((1.0 + x * x) * (1.0 + x * x)),
        )
        .at(&[(INF, FRAC_PI_2, 0.0, 0.0), (NEG_INF, -FRAC_PI_2, 0.0, 0.0)])
        .twice_at(&[(INF, NAN), (NEG_INF, NAN)]),
    ]);
}

#[test]
fn hyperbolic_functions_follow_their_closed_forms_at_the_edges() {
    check_all(&[
        row("sinh", |x| x.sinh(), f64::sinh, f64::cosh, f64::sinh),
        row("cosh", |x| x.cosh(), f64::cosh, f64::sinh, f64::cosh),
        // 1/cosh² x, -2 tanh x / cosh² x; the rule computes 1 - tanh² x.
        row(
            "tanh",
            |x| x.tanh(),
            f64::tanh,
            |x| 1.0 / (x.cosh() * x.cosh()),
            |x| -2.0 * x.tanh() / (x.cosh() * x.cosh()),
        )
        .ulps(4),
        // 1/√(x² + 1) = 1/hypot(x, 1), -x/hypot(x, 1)³: at 1e300 the slope is 1e-300.
        row(
            "asinh",
            |x| x.asinh(),
            f64::asinh,
            |x| 1.0 / x.hypot(1.0),
            |x| {
                let h = x.hypot(1.0);
                -x / (h * h * h)
            },
        )
        .at(&[(INF, INF, 0.0, 0.0), (NEG_INF, NEG_INF, 0.0, 0.0)])
        .twice_at(&[(INF, NAN), (NEG_INF, NAN)]),
        // 1/√(x² - 1) = 1/(√(x - 1) √(x + 1)), -x/(x² - 1)^(3/2): NaN below 1, where acosh
        // has no real value (so at -1 too).
        row(
            "acosh",
            |x| x.acosh(),
            f64::acosh,
            |x| 1.0 / ((x - 1.0).sqrt() * (x + 1.0).sqrt()),
            |x| {
                let r = (x - 1.0).sqrt() * (x + 1.0).sqrt();
                -x / (r * r * r)
            },
        )
        .at(&[(INF, INF, 0.0, 0.0)]),
        // 1/(1 - x²), 2x/(1 - x²)², NaN for |x| > 1.
        row(
            "atanh",
            |x| x.atanh(),
            f64::atanh,
            |x| {
                if x.abs() > 1.0 {
                    NAN
                } else {
                    1.0 / (1.0 - x * x)
                }
            },
            |x| {
                let r = 1.0 - x * x;
                if x.abs() > 1.0 {
                    NAN
                } else {
                    2.0 * x / (r * r)
                }
            },
        ),
    ]);
}

#[test]
fn activations_follow_their_closed_forms_at_the_edges() {
    let zero = |_: f64| 0.0;
    check_all(&[
        // Piecewise linear: slope 1 above the kink, 0 at and below it, NaN at NaN (a NaN
        // picks no branch); the second derivative is 0 on every branch.
        row(
            "relu",
            |x| x.relu(),
            |x| branch(x, x, 0.0),
            |x| branch(x, 1.0, 0.0),
            zero,
        )
        .unsigned_zero_value(),
        row(
            "leaky_relu(0.1)",
            |x| x.leaky_relu(0.1),
            |x| branch(x, x, 0.1 * x),
            |x| branch(x, 1.0, 0.1),
            zero,
        ),
        // σ(x), σ(x)(1 - σ(x)), σ'(x)(1 - 2σ(x)) = -tanh(x/2) / (4 cosh²(x/2)).
        row(
            "sigmoid",
            |x| x.sigmoid(),
            logistic,
            logistic_slope,
            |x| -(0.5 * x).tanh() * logistic_slope(x),
        )
        // The rule and the value compute with e^-x, the closed forms with tanh(x/2).
        .ulps(4)
        // σ(±1e-300) rounds to 1/2, where the rule's y (1 - y) is flat: its second derivative
        // there, ∓1.25e-301 exactly, comes out 0 (an absolute error of 1.25e-301).
        .at(&[(1e-300, 0.5, 0.25, 0.0), (-1e-300, 0.5, 0.25, 0.0)]),
        // ln(1 + e^x) (x itself once e^-x is below the rounding of x), σ(x), σ'(x).
        row(
            "softplus",
            |x| x.softplus(),
            |x| {
                if x > 40.0 { x } else { x.exp().ln_1p() }
            },
            logistic,
            logistic_slope,
        )
        // As for sigmoid: the closed forms go through tanh(x/2), the rule through e^-x.
        .ulps(4),
    ]);
}

#[test]
fn piecewise_functions_follow_the_contract_at_the_edges() {
    let zero = |_: f64| 0.0;
    check_all(&[
        // sign x, 0 at a zero, NaN at NaN; second derivative 0 everywhere.
        row(
            "abs",
            |x| x.abs(),
            f64::abs,
            |x| {
                if x == 0.0 { 0.0 } else { x.signum() }
            },
            zero,
        ),
        // 1 strictly inside [lo, hi], 0 on a bound and outside, NaN at NaN.
        row(
            "clamp(-1, 1)",
            |x| x.clamp(-1.0, 1.0),
            |x| x.clamp(-1.0, 1.0),
            |x| branch(1.0 - x.abs(), 1.0, 0.0),
            zero,
        ),
        // Piecewise constant: derivative 0 everywhere, NaN included.
        row("signum", |x| x.signum(), f64::signum, zero, zero),
        row("floor", |x| x.floor(), f64::floor, zero, zero),
        row("ceil", |x| x.ceil(), f64::ceil, zero, zero),
        row("round", |x| x.round(), f64::round, zero, zero),
        row("trunc", |x| x.trunc(), f64::trunc, zero, zero),
        // x - trunc(x): slope 1 wherever, since trunc passes nothing.
        row("fract", |x| x.fract(), f64::fract, |_| 1.0, zero),
    ]);
}
