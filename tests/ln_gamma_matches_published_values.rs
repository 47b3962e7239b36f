//! `ln_gamma` against published values of Γ (Abramowitz and Stegun's constants, factorials,
//! half-integers), against Legendre's duplication formula at random points, and at its
//! poles and the ends of the line.
//!
//! The promised accuracy (see `ln_gamma`'s docs): absolute error below 1e-14 for
//! `0 < x < 10`, relative below 1e-15 from 10 on, and below 1e-14 of `ln Γ(1 - x) + 1` for
//! negative `x`.

// The published values are quoted with the digits they are published with, past f64's.
#![allow(clippy::excessive_precision)]

use proptest::prelude::*;
use std::f64::consts::{LN_2, PI};
use tapegrad::ln_gamma;

/// Checks `ln_gamma(x)` against `expected` with the accuracy promised at `x`.
fn assert_accurate(x: f64, expected: f64) {
    let got = ln_gamma(x);
    let bound = if x < 0.0 {
        1e-14 * (ln_gamma(1.0 - x).abs() + 1.0)
    } else if x < 10.0 {
        1e-14
    } else {
        1e-15 * expected.abs()
    };
    assert!(
        (got - expected).abs() <= bound,
        "ln Γ({x}) = {got}, published {expected}: off by {:e}, allowed {bound:e}",
        (got - expected).abs()
    );
}

#[test]
fn ln_gamma_of_rational_points_matches_published_gamma_values() {
    // Γ(1/2) = √π, Γ(3/2) = √π / 2, and Γ(1/3), Γ(1/4), Γ(1/10) to 20 digits.
    let published = [
        (0.5, 1.772_453_850_905_516_027_3),
        (1.5, 0.886_226_925_452_758_013_65),
        (1.0 / 3.0, 2.678_938_534_707_747_633_7),
        (0.25, 3.625_609_908_221_908_311_9),
        (0.1, 9.513_507_698_668_731_836_3),
    ];
    for (x, gamma) in published {
        assert_accurate(x, f64::ln(gamma));
    }
}

#[test]
fn ln_gamma_of_whole_numbers_is_the_log_of_a_factorial() {
    // Γ(n) = (n - 1)!, exact in f64 up to 22!.
    let mut factorial = 1.0;
    for n in 1..=23 {
        assert_accurate(n as f64, f64::ln(factorial));
        factorial *= n as f64;
    }
    // ln 99! and ln 170!, from tables of log-factorials.
    assert_accurate(100.0, 359.134_205_369_575_398_78);
    assert_accurate(171.0, 706.573_062_245_787_347_11);
}

#[test]
fn ln_gamma_of_half_integers_follows_the_double_factorial_formula() {
    // Γ(n + 1/2) = (2n)! / (4^n n!) √π = (1 · 3 · 5 ... (2n - 1)) / 2^n · √π
    let mut gamma = PI.sqrt();
    for n in 0..30 {
        assert_accurate(n as f64 + 0.5, gamma.ln());
        gamma *= n as f64 + 0.5;
    }
    // And below zero: Γ(-1/2) = -2√π, Γ(-3/2) = 4√π/3, Γ(-5/2) = -8√π/15.
    let root_pi = PI.sqrt();
    assert_accurate(-0.5, f64::ln(2.0 * root_pi));
    assert_accurate(-1.5, f64::ln(4.0 * root_pi / 3.0));
    assert_accurate(-2.5, f64::ln(8.0 * root_pi / 15.0));
}

#[test]
fn ln_gamma_of_large_and_tiny_arguments_follows_the_asymptotics() {
    // ln Γ(1e10), to 20 digits (mpmath); ln Γ(x) = -ln x - γ x + O(x²) for tiny x.
    assert_accurate(1e10, 220_258_509_288.810_581_47);
    let euler_gamma = 0.577_215_664_901_532_860_6;
    for x in [1e-300, 1e-100, 1e-20, 1e-10] {
        assert_accurate(x, -x.ln() - euler_gamma * x);
    }
}

#[test]
fn ln_gamma_is_infinite_at_poles_and_at_both_infinities() {
    for x in [
        0.0,
        -0.0,
        -1.0,
        -2.0,
        -17.0,
        -1e20,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ] {
        assert_eq!(ln_gamma(x), f64::INFINITY, "ln Γ({x})");
    }
    assert!(ln_gamma(f64::NAN).is_nan());
    // Γ(1) = Γ(2) = 1.
    assert!(ln_gamma(1.0).abs() < 1e-14 && ln_gamma(2.0).abs() < 1e-14);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Legendre's duplication formula, Γ(x) Γ(x + 1/2) = 2^(1 - 2x) √π Γ(2x), in logs.
    #[test]
    fn ln_gamma_satisfies_the_duplication_formula(exponent in -3.0..5.0f64) {
        let x = 10f64.powf(exponent);
        let left = ln_gamma(x) + ln_gamma(x + 0.5);
        let right = (1.0 - 2.0 * x) * LN_2 + 0.5 * PI.ln() + ln_gamma(2.0 * x);
        let scale = ln_gamma(x).abs() + ln_gamma(x + 0.5).abs() + ln_gamma(2.0 * x).abs()
            + ((1.0 - 2.0 * x) * LN_2).abs();
        prop_assert!(
            (left - right).abs() <= 3e-14 + 3e-15 * scale,
            "x = {}: {} against {}", x, left, right
        );
    }
}
