//! The contract at kinks and domain edges (the crate docs' "Kinks and domains"), as tables.
//!
//! Every method and operator is checked at the edge points: signed zeros, ±1e-300, ±1e300,
//! the ends of [-1, 1], ±inf and NaN. Each row gives the value, the first derivative (checked
//! through `backward` and through `gradient`) and the second derivative (`gradient`, then
//! `backward` on it). The expectations are closed forms written here from the mathematics and
//! the contract (values are `f64`'s own; derivatives are the textbook formulas, written so
//! that they neither under- nor overflow where the true value is a normal number), plus
//! literal rows where a closed form's IEEE evaluation is not the true limit (`0 · inf` at
//! ±inf) and for the contract's own choices.
//!
//! Comparison is exact: NaN matches NaN, infinities and finite numbers match bit for bit,
//! except that a zero matches a zero of either sign unless a row says which sign (values of
//! `f64` methods keep their sign; the piecewise ops' values and all derivatives do not state
//! one). Rows whose closed form rounds differently from the rule's arithmetic allow a few
//! units in the last place, and say so with `ulps`: every such op is named in its row, with
//! the formula pair that differs.

use std::f64::consts::{FRAC_PI_2, LN_2, LN_10, PI};

use tapegrad::{Activation, Tape, Value};

const INF: f64 = f64::INFINITY;
const NEG_INF: f64 = f64::NEG_INFINITY;
const NAN: f64 = f64::NAN;

/// The edge points every op is checked at.
const POINTS: [f64; 11] = [
    0.0, -0.0, 1e-300, -1e-300, 1e300, -1e300, 1.0, -1.0, INF, NEG_INF, NAN,
];

type Unary = for<'t> fn(Value<'t>) -> Value<'t>;
type Binary = for<'t> fn(Value<'t>, Value<'t>) -> Value<'t>;

/// Whether `actual` is `expected`: NaN is NaN, a zero is a zero (of the stated sign when
/// `signed`), and anything else is equal to within `ulps` units in the last place.
fn agrees(expected: f64, actual: f64, ulps: u64, signed: bool) -> bool {
    if expected.is_nan() || actual.is_nan() {
        return expected.is_nan() && actual.is_nan();
    }
    if expected == 0.0 || actual == 0.0 {
        return expected == actual && (!signed || expected.to_bits() == actual.to_bits());
    }
    if expected.is_infinite() || actual.is_infinite() || expected.signum() != actual.signum() {
        return expected == actual;
    }
    expected.to_bits().abs_diff(actual.to_bits()) <= ulps
}

/// Value, derivative by `backward`, derivative by `gradient`, and second derivative of `f`
/// at `x` by `backward` and by `gradient` on the recorded derivative.
fn observe_unary(f: Unary, x: f64) -> [f64; 5] {
    let tape = Tape::new();
    let v = tape.var(x);
    let y = f(v);
    y.backward();
    let (value, backward) = (y.data(), v.grad());

    let tape = Tape::new();
    let v = tape.var(x);
    let dy = f(v).gradient(&[v])[0];
    let twice = dy.gradient(&[v])[0].data();
    dy.backward();
    [value, backward, dy.data(), v.grad(), twice]
}

/// One op of one operand: its closed forms and the points where a literal replaces them.
struct UnaryRow {
    name: &'static str,
    f: Unary,
    value: fn(f64) -> f64,
    d1: fn(f64) -> f64,
    d2: fn(f64) -> f64,
    /// Units in the last place allowed for finite non-zero expectations (0: exact).
    ulps: u64,
    /// Whether a zero value's sign is the contract's (it is for `f64`'s methods).
    signed_value: bool,
    /// `(x, value, derivative, second derivative)` where the closed form's IEEE evaluation
    /// is not the answer (a limit at ±inf, or a choice of the contract).
    at: &'static [(f64, f64, f64, f64)],
    /// `(x, second derivative)` where `gradient` taken twice differs from `backward` on the
    /// recorded derivative: `backward` passes nothing on from a zero gradient, `gradient`
    /// records `0 · inf = NaN` as PyTorch's double backward does.
    twice_at: &'static [(f64, f64)],
}

fn row(
    name: &'static str,
    f: Unary,
    value: fn(f64) -> f64,
    d1: fn(f64) -> f64,
    d2: fn(f64) -> f64,
) -> UnaryRow {
    UnaryRow {
        name,
        f,
        value,
        d1,
        d2,
        ulps: 0,
        signed_value: true,
        at: &[],
        twice_at: &[],
    }
}

impl UnaryRow {
    fn ulps(self, ulps: u64) -> Self {
        UnaryRow { ulps, ..self }
    }
    fn unsigned_zero_value(self) -> Self {
        UnaryRow {
            signed_value: false,
            ..self
        }
    }
    fn at(self, at: &'static [(f64, f64, f64, f64)]) -> Self {
        UnaryRow { at, ..self }
    }
    fn twice_at(self, twice_at: &'static [(f64, f64)]) -> Self {
        UnaryRow { twice_at, ..self }
    }

    /// What this row expects at `x`.
    fn expected(&self, x: f64) -> [f64; 3] {
        match self.at.iter().find(|p| p.0.to_bits() == x.to_bits()) {
            Some(&(_, value, d1, d2)) => [value, d1, d2],
            None => [(self.value)(x), (self.d1)(x), (self.d2)(x)],
        }
    }

    /// A line for each point where the op differs from this row.
    fn mismatches(&self) -> Vec<String> {
        let mut found = Vec::new();
        for x in POINTS {
            let [value, d1, d2] = self.expected(x);
            let [v, back, grad, second, twice] = observe_unary(self.f, x);
            let d2_twice = match self.twice_at.iter().find(|p| p.0.to_bits() == x.to_bits()) {
                Some(&(_, d2_twice)) => d2_twice,
                None => d2,
            };
            let checks = [
                ("value", value, v, self.signed_value),
                ("backward", d1, back, false),
                ("gradient", d1, grad, false),
                ("second derivative by backward", d2, second, false),
                ("second derivative by gradient", d2_twice, twice, false),
            ];
            for (what, want, got, signed) in checks {
                if !agrees(want, got, self.ulps, signed) {
                    found.push(format!(
                        "{} at {x:e}: {what} {got:e}, want {want:e}",
                        self.name
                    ));
                }
            }
        }
        found
    }
}

fn check_all(rows: &[UnaryRow]) {
    let found: Vec<String> = rows.iter().flat_map(UnaryRow::mismatches).collect();
    assert!(
        found.is_empty(),
        "{} mismatches:\n{}",
        found.len(),
        found.join("\n")
    );
}

/// `above` for `x > 0`, `at_or_below` for `x <= 0`, NaN for a NaN `x` (which picks no
/// branch).
fn branch(x: f64, above: f64, at_or_below: f64) -> f64 {
    if x.is_nan() {
        NAN
    } else if x > 0.0 {
        above
    } else {
        at_or_below
    }
}

/// `d` at and above `edge`, NaN below it (outside the real domain).
fn nan_below(x: f64, edge: f64, d: f64) -> f64 {
    if x < edge { NAN } else { d }
}

/// `1 / (1 + e^-x)` at `x`, exactly as a closed form: `(1 + tanh(x/2)) / 2`.
fn logistic(x: f64) -> f64 {
    0.5 + 0.5 * (0.5 * x).tanh()
}

/// `sigmoid'(x) = 1 / (4 cosh²(x/2))`, which neither overflows nor cancels.
fn logistic_slope(x: f64) -> f64 {
    let c = (0.5 * x).cosh();
    0.25 / (c * c)
}

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

/// Value, partials by `backward`, partials by `gradient`, and the second partials
/// `[∂²/∂a², ∂²/∂a∂b, ∂²/∂b²]` of `f` at `(a, b)` by `backward` and by `gradient` on the
/// recorded partials.
type Observed = (f64, [f64; 2], [f64; 2], [f64; 3], [f64; 3]);
fn observe_binary(f: Binary, a: f64, b: f64) -> Observed {
    let tape = Tape::new();
    let (va, vb) = (tape.var(a), tape.var(b));
    let y = f(va, vb);
    y.backward();
    let (value, backward) = (y.data(), [va.grad(), vb.grad()]);

    let tape = Tape::new();
    let (va, vb) = (tape.var(a), tape.var(b));
    let g = f(va, vb).gradient(&[va, vb]);
    let [twice_aa, twice_ab] = [0, 1].map(|i| g[0].gradient(&[va, vb])[i].data());
    let twice_bb = g[1].gradient(&[vb])[0].data();
    g[0].backward();
    let (haa, hab) = (va.grad(), vb.grad());
    let gradient = [g[0].data(), g[1].data()];

    let tape = Tape::new();
    let (va, vb) = (tape.var(a), tape.var(b));
    f(va, vb).gradient(&[va, vb])[1].backward();
    let backward_twice = [haa, hab, vb.grad()];
    let gradient_twice = [twice_aa, twice_ab, twice_bb];
    (value, backward, gradient, backward_twice, gradient_twice)
}

/// One op of two operands: closed forms for its value, partials and second partials.
struct BinaryRow {
    name: &'static str,
    f: Binary,
    value: fn(f64, f64) -> f64,
    partials: fn(f64, f64) -> [f64; 2],
    second: fn(f64, f64) -> [f64; 3],
    ulps: u64,
    /// Where the second partials are part of the contract.
    second_pinned: fn(f64, f64) -> bool,
}

fn binary(
    name: &'static str,
    f: Binary,
    value: fn(f64, f64) -> f64,
    partials: fn(f64, f64) -> [f64; 2],
    second: fn(f64, f64) -> [f64; 3],
) -> BinaryRow {
    BinaryRow {
        name,
        f,
        value,
        partials,
        second,
        ulps: 0,
        second_pinned: |_, _| true,
    }
}

impl BinaryRow {
    fn ulps(self, ulps: u64) -> Self {
        BinaryRow { ulps, ..self }
    }
    fn second_pinned(self, second_pinned: fn(f64, f64) -> bool) -> Self {
        BinaryRow {
            second_pinned,
            ..self
        }
    }

    /// Each edge point against 0.5 on either side, and against itself (ties, both NaN).
    fn mismatches(&self) -> Vec<String> {
        let pairs = POINTS.iter().flat_map(|&p| [(p, 0.5), (0.5, p), (p, p)]);
        let mut found = Vec::new();
        for (a, b) in pairs {
            let (partials, second) = ((self.partials)(a, b), (self.second)(a, b));
            let (value, backward, gradient, hessian, twice) = observe_binary(self.f, a, b);
            let mut check = |what: &str, want: f64, got: f64, signed: bool| {
                if !agrees(want, got, self.ulps, signed) {
                    found.push(format!(
                        "{} at ({a:e}, {b:e}): {what} {got:e}, want {want:e}",
                        self.name
                    ));
                }
            };
            check("value", (self.value)(a, b), value, true);
            for (i, name) in ["a", "b"].into_iter().enumerate() {
                check(
                    &format!("backward d/d{name}"),
                    partials[i],
                    backward[i],
                    false,
                );
                check(
                    &format!("gradient d/d{name}"),
                    partials[i],
                    gradient[i],
                    false,
                );
            }
            if !(self.second_pinned)(a, b) {
                continue;
            }
            for (i, name) in ["aa", "ab", "bb"].into_iter().enumerate() {
                check(
                    &format!("d²/d{name} by backward"),
                    second[i],
                    hessian[i],
                    false,
                );
                check(
                    &format!("d²/d{name} by gradient"),
                    second[i],
                    twice[i],
                    false,
                );
            }
        }
        found
    }
}

/// `atan2(a, b)`'s partials `b/(a² + b²)`, `-a/(a² + b²)` and second partials
/// `-2ab/(a² + b²)²`, `(a² - b²)/(a² + b²)²`, `2ab/(a² + b²)²`, computed on `a` and `b`
/// scaled by a power of two so that `a² + b²` neither under- nor overflows. Both partials are
/// 0 at the origin (the contract, as PyTorch); at an infinite operand the formula is
/// evaluated as it stands, in IEEE arithmetic.
fn atan2_derivatives(a: f64, b: f64) -> ([f64; 2], [f64; 3]) {
    if a == 0.0 && b == 0.0 {
        return ([0.0, 0.0], [0.0, 0.0, 0.0]);
    }
    let big = a.abs().max(b.abs());
    let s = if big.is_finite() {
        2f64.powi(-(big.log2().floor() as i32))
    } else {
        1.0
    };
    let (u, v) = (a * s, b * s);
    let q = u * u + v * v;
    (
        [v / q * s, -u / q * s],
        [
            -2.0 * u * v / (q * q) * s * s,
            (u * u - v * v) / (q * q) * s * s,
            2.0 * u * v / (q * q) * s * s,
        ],
    )
}

/// The partials of `max` (`is_max`) or `min` of `a` and `b`: to the winner, half each on a
/// tie, all to the other when one is NaN (as `f64` returns the other), NaN when both are.
fn max_min_partials(a: f64, b: f64, is_max: bool) -> [f64; 2] {
    match (a.is_nan(), b.is_nan()) {
        (true, true) => [NAN, NAN],
        (true, false) => [0.0, 1.0],
        (false, true) => [1.0, 0.0],
        _ if a == b => [0.5, 0.5],
        _ if (a > b) == is_max => [1.0, 0.0],
        _ => [0.0, 1.0],
    }
}

#[test]
fn binary_operators_follow_their_closed_forms_at_the_edges() {
    let zero = |_: f64, _: f64| [0.0; 3];
    let rows = [
        binary("a + b", |a, b| a + b, |a, b| a + b, |_, _| [1.0, 1.0], zero),
        binary(
            "a - b",
            |a, b| a - b,
            |a, b| a - b,
            |_, _| [1.0, -1.0],
            zero,
        ),
        binary(
            "a * b",
            |a, b| a * b,
            |a, b| a * b,
            |a, b| [b, a],
            |_, _| [0.0, 1.0, 0.0],
        ),
        // 1/b, -a/b² = -(a/b)/b; 0, -1/b², 2a/b³
        binary(
            "a / b",
            |a, b| a / b,
            |a, b| a / b,
            |a, b| [1.0 / b, -(a / b) / b],
            |a, b| [0.0, -(1.0 / b) / b, 2.0 * (a / b) / b / b],
        ),
        // a b + b: b, a + 1; 0, 1, 0
        binary(
            "a.mul_add(b, b)",
            |a, b| a.mul_add(b, b),
            |a, b| a.mul_add(b, b),
            |a, b| [b, a + 1.0],
            |_, _| [0.0, 1.0, 0.0],
        ),
    ];
    let found: Vec<String> = rows.iter().flat_map(BinaryRow::mismatches).collect();
    assert!(
        found.is_empty(),
        "{} mismatches:\n{}",
        found.len(),
        found.join("\n")
    );
}

#[test]
fn binary_functions_follow_their_closed_forms_at_the_edges() {
    let zero = |_: f64, _: f64| [0.0; 3];
    let rows = [
        binary(
            "max",
            |a, b| a.max(b),
            f64::max,
            |a, b| max_min_partials(a, b, true),
            zero,
        ),
        binary(
            "min",
            |a, b| a.min(b),
            f64::min,
            |a, b| max_min_partials(a, b, false),
            zero,
        ),
        binary(
            "atan2",
            |a, b| a.atan2(b),
            f64::atan2,
            |a, b| atan2_derivatives(a, b).0,
            |a, b| atan2_derivatives(a, b).1,
        )
        // Where both operands are tiny, the true second partials (±5e599 at 1e-300) are
        // beyond f64, and the rule's arithmetic overflows in all three (the cross partial,
        // exactly 0 at a = b, included). Where an operand is infinite, a first partial is
        // already inf/inf = NaN (as in PyTorch) and what its recorded arithmetic gives for
        // the second partials (0 or NaN) is not pinned down.
        .second_pinned(|a, b| {
            let tiny = |x: f64| x != 0.0 && x.abs() < 1e-150;
            a.is_finite() && b.is_finite() && !(tiny(a) && tiny(b))
        }),
        // a/h, b/h; b²/h³, -ab/h³, a²/h³ with h = hypot(a, b), each ratio taken first.
        binary(
            "hypot",
            |a, b| a.hypot(b),
            f64::hypot,
            |a, b| {
                let h = a.hypot(b);
                [a / h, b / h]
            },
            |a, b| {
                let h = a.hypot(b);
                let (c, s) = (a / h, b / h);
                [s * s / h, -c * s / h, c * c / h]
            },
        )
        // The rule's second partials go through (a/h)' = 1/h - a²/h³, these through b²/h³.
        .ulps(4)
        // At an infinite operand, a/h is inf/inf = NaN (as in PyTorch): see atan2.
        .second_pinned(|a, b| a.is_finite() && b.is_finite()),
        // b a^(b-1) (0 for b = 0), a^b ln a (0 for a = 0, b >= 0);
        // b (b-1) a^(b-2), a^(b-1) + b a^(b-1) ln a, a^b ln² a, where the contract's zeros
        // have zero derivatives: the slope in b at b = 0 is kept only where a^(b-1) is
        // finite, and the slope in b at a = 0, b >= 0 is 0 along b.
        binary(
            "pow",
            |a, b| a.pow(b),
            f64::powf,
            |a, b| {
                let da = if b == 0.0 { 0.0 } else { b * a.powf(b - 1.0) };
                let db = if a == 0.0 && b >= 0.0 {
                    0.0
                } else {
                    a.powf(b) * a.ln()
                };
                [da, db]
            },
            |a, b| {
                let p = a.powf(b - 1.0);
                let da_dropped = b == 0.0 && !p.is_finite();
                [
                    if b == 0.0 {
                        0.0
                    } else {
                        b * (b - 1.0) * a.powf(b - 2.0)
                    },
                    if da_dropped { 0.0 } else { p + b * p * a.ln() },
                    if a == 0.0 && b >= 0.0 {
                        0.0
                    } else {
                        a.powf(b) * a.ln() * a.ln()
                    },
                ]
            },
        ),
    ];
    let found: Vec<String> = rows.iter().flat_map(BinaryRow::mismatches).collect();
    assert!(
        found.is_empty(),
        "{} mismatches:\n{}",
        found.len(),
        found.join("\n")
    );
}

/// A fused neuron `act(w x + b)` with `w = 1`, `b = 0` passes `act'(x)` to the bias, `act'(x) w`
/// to the input and `act'(x) x` to the weight, as the unfused ops would: at a NaN input, a
/// relu neuron's derivatives are all NaN.
#[test]
fn fused_neurons_follow_their_activations_at_the_edges() {
    // (activation, its value, its slope, the weight's derivative `slope · x`); a relu at
    // rest passes nothing at all (so not `0 · -inf`), as the unfused relu does.
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
            |x| x / (x.cosh() * x.cosh()),
        ),
        (Activation::Sigmoid, logistic, logistic_slope, |x| {
            x * logistic_slope(x)
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
