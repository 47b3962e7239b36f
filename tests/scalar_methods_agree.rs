//! Every `Scalar` method, called through the trait, gives the same number on `f64`, `Value`
//! and `Dual` (NaN where `f64` gives NaN), and at random points `Dual`'s tangent equals
//! `Value`'s gradient: the trait adds no semantics of its own to any type.
//!
//! Derivatives at edges (NaN inputs, outside an op's domain, at kinks) follow the crate docs'
//! table; each type has its own edge table (`kinks_and_domains.rs`,
//! `dual_kinks_and_domains.rs`), so here the edge points check values only.

use proptest::prelude::*;
use tapegrad::{Dual, Scalar, Tape};

/// Every method of the trait that returns `Self`, applied to `x` (with a second operand
/// `y` where the method takes one, once as `Self` and once as a number).
fn methods<S: Scalar>(x: S, y: S, k: f64) -> Vec<(&'static str, S)> {
    vec![
        ("powf", x.powf(1.7)),
        ("powi", x.powi(3)),
        ("pow(Self)", x.pow(y)),
        ("pow(f64)", x.pow(k)),
        ("sqrt", x.sqrt()),
        ("cbrt", x.cbrt()),
        ("recip", x.recip()),
        ("mul_add(Self, Self)", x.mul_add(y, y)),
        ("mul_add(f64, Self)", x.mul_add(k, y)),
        ("mul_add(Self, f64)", x.mul_add(y, k)),
        ("hypot(Self)", x.hypot(y)),
        ("hypot(f64)", x.hypot(k)),
        ("exp", x.exp()),
        ("exp2", x.exp2()),
        ("exp_m1", x.exp_m1()),
        ("ln", x.ln()),
        ("ln_1p", x.ln_1p()),
        ("log2", x.log2()),
        ("log10", x.log10()),
        ("log", x.log(3.0)),
        ("sin", x.sin()),
        ("cos", x.cos()),
        ("sin_cos.0", x.sin_cos().0),
        ("sin_cos.1", x.sin_cos().1),
        ("tan", x.tan()),
        ("asin", x.asin()),
        ("acos", x.acos()),
        ("atan", x.atan()),
        ("atan2(Self)", x.atan2(y)),
        ("atan2(f64)", x.atan2(k)),
        ("sinh", x.sinh()),
        ("cosh", x.cosh()),
        ("tanh", x.tanh()),
        ("asinh", x.asinh()),
        ("acosh", x.acosh()),
        ("atanh", x.atanh()),
        ("to_degrees", x.to_degrees()),
        ("to_radians", x.to_radians()),
        ("abs", x.abs()),
        ("max(Self)", x.max(y)),
        ("max(f64)", x.max(k)),
        ("min(Self)", x.min(y)),
        ("min(f64)", x.min(k)),
        ("clamp", x.clamp(-0.5, 0.5)),
        ("signum", x.signum()),
        ("floor", x.floor()),
        ("ceil", x.ceil()),
        ("round", x.round()),
        ("trunc", x.trunc()),
        ("fract", x.fract()),
        ("relu", x.relu()),
        ("leaky_relu", x.leaky_relu(0.1)),
        ("sigmoid", x.sigmoid()),
        ("softplus", x.softplus()),
        ("from", S::from(k)),
        ("lift", x.lift(k)),
    ]
}

fn predicates<S: Scalar>(x: S) -> [bool; 5] {
    [
        x.is_nan(),
        x.is_finite(),
        x.is_infinite(),
        x.is_sign_negative(),
        x.is_sign_positive(),
    ]
}

fn same(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || a == b
}

/// Values (and, with `derivatives`, tangents against gradients where the value is a number)
/// of every method at `(x, y)`, with `k` as the number operand.
fn check(x: f64, y: f64, k: f64, derivatives: bool) -> Result<(), TestCaseError> {
    let plain = methods(x, y, k);
    let duals = methods(Dual::new(x, 1.0), Dual::new(y, 0.0), k);
    let tape = Tape::new();
    let (vx, vy) = (tape.var(x), tape.var(y));
    let values = methods(vx, vy, k);
    for ((&(name, p), &(_, d)), &(_, v)) in plain.iter().zip(&duals).zip(&values) {
        prop_assert!(
            same(p, d.value()),
            "{name}({x}, {y}): f64 {p}, dual {}",
            d.value()
        );
        prop_assert!(
            same(p, v.data()),
            "{name}({x}, {y}): f64 {p}, value {}",
            v.data()
        );
        if !derivatives || p.is_nan() {
            continue;
        }
        if v.is_constant() {
            // `S::from(k)`: a constant on no tape, with nothing to sweep.
            prop_assert_eq!(d.tangent(), 0.0, "{}", name);
            continue;
        }
        v.backward();
        prop_assert!(
            same(d.tangent(), vx.grad()),
            "{name}({x}, {y}): dual tangent {}, backward's gradient {}",
            d.tangent(),
            vx.grad()
        );
    }
    prop_assert_eq!(predicates(x), predicates(Dual::new(x, 1.0)));
    prop_assert_eq!(predicates(x), predicates(vx));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn every_method_agrees_across_types_at_random_points(
        x in -3.0..3.0f64,
        y in -3.0..3.0f64,
        k in -3.0..3.0f64,
    ) {
        check(x, y, k, true)?;
    }
}

#[test]
fn every_method_has_the_same_value_on_every_type_at_edge_points() {
    let edges = [
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.5,
        1e-300,
        1e300,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
    ];
    for x in edges {
        for y in [0.0, 1.0] {
            check(x, y, 0.5, false).unwrap();
        }
    }
}

/// Forward and reverse mode read one table of partials, so a dual's tangent and the backward
/// sweep's gradient are the same number, to the bit, even where the partial needs care:
/// `atan2` at operands so small that their squares underflow unless scaled.
#[test]
fn tangents_and_gradients_of_atan2_agree_to_the_bit_at_tiny_operands() {
    let mut tape = Tape::new();
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = || {
        // xorshift64*: a fixed stream, for repeatable points.
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        (state.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut checked = 0;
    for _ in 0..20_000 {
        // Magnitudes from 1e-170 to 1e-130, either sign.
        let magnitude = |u: f64| 10f64.powf(-170.0 + 40.0 * u);
        let a = magnitude(next()) * if next() < 0.5 { -1.0 } else { 1.0 };
        let b = magnitude(next()) * if next() < 0.5 { -1.0 } else { 1.0 };
        tape.clear();
        let (va, vb) = (tape.var(a), tape.var(b));
        va.atan2(vb).backward();
        let by_a = Dual::new(a, 1.0).atan2(Dual::constant(b)).tangent();
        let by_b = Dual::constant(a).atan2(Dual::new(b, 1.0)).tangent();
        assert_eq!(
            (by_a.to_bits(), by_b.to_bits()),
            (va.grad().to_bits(), vb.grad().to_bits()),
            "atan2({a:e}, {b:e})"
        );
        checked += 1;
    }
    assert_eq!(checked, 20_000);
}
