//! Dual numbers at kinks and domain edges: signed zeros, tiny and huge numbers, the ends of
//! [-1, 1], infinities and NaN. Every expected value and derivative is written from the
//! closed form and the crate's rules (a NaN does not pick a branch; derivatives outside the
//! real domain are NaN; a bound of `clamp` has derivative 0; rounding ops have derivative 0),
//! not read from the implementation.

use std::f64::consts::{FRAC_PI_2, PI};
const INF: f64 = f64::INFINITY;
const NAN: f64 = f64::NAN;

use tapegrad::Dual;

type Unary = fn(Dual) -> Dual;

/// Equal as numbers, NaN equal to NaN.
fn same(got: f64, want: f64) -> bool {
    (got.is_nan() && want.is_nan()) || got == want
}

fn check(name: &str, f: Unary, x: f64, value: f64, derivative: f64) {
    let y = f(Dual::new(x, 1.0));
    assert!(
        same(y.value(), value) && same(y.tangent(), derivative),
        "{name}({x:e}): got value {:e}, derivative {:e}; want {value:e}, {derivative:e}",
        y.value(),
        y.tangent()
    );
}

#[test]
fn a_nan_does_not_pick_a_branch() {
    let rows: [(&str, Unary); 5] = [
        ("abs", |x| x.abs()),
        ("relu", |x| x.relu()),
        ("leaky_relu", |x| x.leaky_relu(0.1)),
        ("clamp", |x| x.clamp(-1.0, 1.0)),
        ("ln", |x| x.ln()),
    ];
    for (name, f) in rows {
        check(name, f, NAN, NAN, NAN);
    }
}

#[test]
fn piecewise_ops_at_their_kinks() {
    let rows: [(&str, Unary, f64, f64, f64); 14] = [
        ("abs", |x| x.abs(), 0.0, 0.0, 0.0),
        ("abs", |x| x.abs(), -0.0, 0.0, 0.0),
        ("abs", |x| x.abs(), -INF, INF, -1.0),
        ("relu", |x| x.relu(), 0.0, 0.0, 0.0),
        ("relu", |x| x.relu(), 1e-300, 1e-300, 1.0),
        ("relu", |x| x.relu(), -INF, 0.0, 0.0),
        ("leaky_relu", |x| x.leaky_relu(0.1), 0.0, 0.0, 0.1),
        ("leaky_relu", |x| x.leaky_relu(0.1), -1e300, -1e299, 0.1),
        (
            "clamp on the upper bound",
            |x| x.clamp(-1.0, 1.0),
            1.0,
            1.0,
            0.0,
        ),
        (
            "clamp on the lower bound",
            |x| x.clamp(-1.0, 1.0),
            -1.0,
            -1.0,
            0.0,
        ),
        ("clamp inside", |x| x.clamp(-1.0, 1.0), 0.5, 0.5, 1.0),
        ("clamp outside", |x| x.clamp(-1.0, 1.0), INF, 1.0, 0.0),
        ("fract", |x| x.fract(), 2.5, 0.5, 1.0),
        ("signum", |x| x.signum(), 0.0, 1.0, 0.0),
    ];
    for (name, f, x, value, derivative) in rows {
        check(name, f, x, value, derivative);
    }
}

#[test]
fn rounding_ops_have_derivative_zero_everywhere_even_at_nan() {
    let rows: [(&str, Unary); 5] = [
        ("floor", |x| x.floor()),
        ("ceil", |x| x.ceil()),
        ("round", |x| x.round()),
        ("trunc", |x| x.trunc()),
        ("signum", |x| x.signum()),
    ];
    for (name, f) in rows {
        for x in [2.5, -0.0, INF, NAN] {
            let y = f(Dual::new(x, 1.0));
            assert_eq!(y.tangent(), 0.0, "{name}({x})");
        }
    }
}

#[test]
fn derivatives_outside_the_real_domain_are_nan() {
    let rows: [(&str, Unary, f64); 11] = [
        ("ln", |x| x.ln(), -1.0),
        ("log2", |x| x.log2(), -1e-300),
        ("log10", |x| x.log10(), -1.0),
        ("log(3)", |x| x.log(3.0), -1.0),
        ("ln_1p", |x| x.ln_1p(), -2.0),
        ("sqrt", |x| x.sqrt(), -1.0),
        ("asin", |x| x.asin(), 2.0),
        ("acos", |x| x.acos(), -2.0),
        ("atanh", |x| x.atanh(), 2.0),
        ("acosh", |x| x.acosh(), 0.5),
        ("acosh", |x| x.acosh(), -1.3),
    ];
    for (name, f, x) in rows {
        check(name, f, x, NAN, NAN);
    }
}

#[test]
fn smooth_ops_at_their_domain_edges_and_at_infinity() {
    let rows: [(&str, Unary, f64, f64, f64); 17] = [
        // sqrt'(x) = 1 / (2 sqrt x)
        ("sqrt", |x| x.sqrt(), 0.0, 0.0, INF),
        ("sqrt", |x| x.sqrt(), INF, INF, 0.0),
        ("sqrt", |x| x.sqrt(), 1e-300, 1e-150, 5e149),
        // ln'(x) = 1 / x
        ("ln", |x| x.ln(), 0.0, -INF, INF),
        ("ln", |x| x.ln(), INF, INF, 0.0),
        ("ln", |x| x.ln(), 1e-300, 1e-300f64.ln(), 1.0 / 1e-300),
        // ln_1p'(x) = 1 / (1 + x)
        ("ln_1p", |x| x.ln_1p(), -1.0, -INF, INF),
        // asin'(x) = 1 / sqrt(1 - x²), acos' its negative, atanh'(x) = 1 / (1 - x²)
        ("asin", |x| x.asin(), 1.0, FRAC_PI_2, INF),
        ("acos", |x| x.acos(), 1.0, 0.0, -INF),
        ("atanh", |x| x.atanh(), 1.0, INF, INF),
        // acosh'(x) = 1 / sqrt(x² - 1)
        ("acosh", |x| x.acosh(), 1.0, 0.0, INF),
        // cbrt'(x) = 1 / (3 cbrt(x)²)
        ("cbrt", |x| x.cbrt(), 0.0, 0.0, INF),
        ("cbrt", |x| x.cbrt(), INF, INF, 0.0),
        ("cbrt", |x| x.cbrt(), -INF, -INF, 0.0),
        // saturating functions stay finite
        ("tanh", |x| x.tanh(), 1000.0, 1.0, 0.0),
        ("sigmoid", |x| x.sigmoid(), -1000.0, 0.0, 0.0),
        ("softplus", |x| x.softplus(), 1000.0, 1000.0, 1.0),
    ];
    for (name, f, x, value, derivative) in rows {
        check(name, f, x, value, derivative);
    }
}

#[test]
fn powers_with_exponent_zero_have_derivative_zero_even_at_zero() {
    check("powf(0)", |x| x.powf(0.0), 0.0, 1.0, 0.0);
    check("powi(0)", |x| x.powi(0), 0.0, 1.0, 0.0);
    // pow(a, b) at a = 0, b >= 0: d/db = 0 (not ln(0) * 0 = NaN).
    for b in [0.0, 0.5, 2.0] {
        let by_b = Dual::constant(0.0).pow(Dual::new(b, 1.0));
        assert_eq!(by_b.tangent(), 0.0, "d/db 0^{b}");
    }
}

#[test]
fn powi_of_i32_min_is_exact() {
    // d/dx x^n = n x^(n-1) with n - 1 = -2^31 - 1, odd.
    let n = f64::from(i32::MIN);
    let at_two = Dual::new(2.0, 1.0).powi(i32::MIN);
    assert_eq!(at_two.tangent(), 0.0);
    assert!(at_two.tangent().is_sign_negative(), "n * 2^(n-1) = -0");
    check("powi(MIN)", |x| x.powi(i32::MIN), 0.5, INF, -INF);
    check("powi(MIN)", |x| x.powi(i32::MIN), -1.0, 1.0, -n);
}

#[test]
fn powf_follows_ieee_powf_at_minus_zero_and_minus_infinity() {
    // IEEE: (-0)^0.5 = +0 and (-inf)^0.5 = +inf (sqrt would give -0 and NaN);
    // d/dx = 0.5 x^(-0.5): (-0)^(-0.5) = +inf, (-inf)^(-0.5) = +0.
    check("powf(0.5)", |x| x.powf(0.5), -0.0, 0.0, INF);
    check("powf(0.5)", |x| x.powf(0.5), -INF, INF, 0.0);
}

#[test]
fn max_and_min_split_ties_and_pass_nan_by() {
    let pairs = |a: f64, b: f64, f: fn(Dual, Dual) -> Dual| {
        let by_a = f(Dual::new(a, 1.0), Dual::new(b, 0.0));
        let by_b = f(Dual::new(a, 0.0), Dual::new(b, 1.0));
        (by_a.value(), by_a.tangent(), by_b.tangent())
    };
    let max: fn(Dual, Dual) -> Dual = |a, b| a.max(b);
    let min: fn(Dual, Dual) -> Dual = |a, b| a.min(b);
    for f in [max, min] {
        assert_eq!(pairs(2.0, 2.0, f), (2.0, 0.5, 0.5));
        // One NaN operand: the other one, value and derivative, as f64 does.
        assert_eq!(pairs(NAN, 1.0, f), (1.0, 0.0, 1.0));
        assert_eq!(pairs(1.0, NAN, f), (1.0, 1.0, 0.0));
        let (value, by_a, by_b) = pairs(NAN, NAN, f);
        assert!(value.is_nan() && by_a.is_nan() && by_b.is_nan());
    }
    assert_eq!(pairs(1.0, 3.0, max), (3.0, 0.0, 1.0));
    assert_eq!(pairs(1.0, 3.0, min), (1.0, 1.0, 0.0));
}

#[test]
fn atan2_at_the_origin_has_zero_partials_and_tiny_operands_do_not_underflow() {
    // d/dy atan2(y, x) = x / (x² + y²), d/dx = -y / (x² + y²)
    let partials = |y: f64, x: f64| {
        let by_y = Dual::new(y, 1.0).atan2(Dual::new(x, 0.0));
        let by_x = Dual::new(y, 0.0).atan2(Dual::new(x, 1.0));
        (by_y.value(), by_y.tangent(), by_x.tangent())
    };
    for (y, x) in [(0.0, 0.0), (-0.0, 0.0), (0.0, -0.0), (-0.0, -0.0)] {
        let (value, by_y, by_x) = partials(y, x);
        assert_eq!(
            (value, by_y, by_x),
            (y.atan2(x), 0.0, 0.0),
            "atan2({y}, {x})"
        );
    }
    assert_eq!(partials(0.0, -0.0).0, PI);
    // (1e-300, 0): x / r² = 0 and -y / r² = -1 / y, about -1e300 (to the two roundings of
    // r² and the quotient).
    let (value, by_y, by_x) = partials(1e-300, 0.0);
    assert_eq!((value, by_y), (FRAC_PI_2, 0.0));
    assert!(
        (by_x + 1.0 / 1e-300).abs() <= 1e300 * 2.0 * f64::EPSILON,
        "{by_x:e}"
    );
    // (1e-300, 1e-300): ±1e-300 / 2e-600 = ±5e299.
    let (_, by_y, by_x) = partials(1e-300, 1e-300);
    assert!(
        (by_y - 5e299).abs() <= 5e299 * 4.0 * f64::EPSILON,
        "{by_y:e}"
    );
    assert!(
        (by_x + 5e299).abs() <= 5e299 * 4.0 * f64::EPSILON,
        "{by_x:e}"
    );
}

#[test]
fn addition_passes_its_derivative_whatever_the_other_operand() {
    let y = Dual::new(1.0, 1.0) + Dual::new(NAN, 0.0);
    assert!(y.value().is_nan());
    assert_eq!(y.tangent(), 1.0);
}

#[test]
fn a_zero_tangent_carries_nothing_even_through_an_infinite_derivative() {
    // d/dx (x + sqrt(y)) along x at y = 0 is 1, though sqrt'(0) = inf.
    let (x, y) = (Dual::new(1.0, 1.0), Dual::new(0.0, 0.0));
    assert_eq!((x + y.sqrt()).tangent(), 1.0);
    // x * y with y = inf, moving x alone: y's infinite value meets y's zero tangent.
    let z = Dual::new(2.0, 0.0) * Dual::new(INF, 0.0) + x;
    assert_eq!(z.tangent(), 1.0);
}
