//! Every method and operator of two operands against its closed forms, at each edge point
//! against 0.5 on either side and against itself.

use crate::harness::{BinaryRow, NAN, binary};

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
        binary(
            "a += b",
            |mut a, b| {
                a += b;
                a
            },
            |a, b| a + b,
            |_, _| [1.0, 1.0],
            zero,
        ),
        binary(
            "a -= b",
            |mut a, b| {
                a -= b;
                a
            },
            |a, b| a - b,
            |_, _| [1.0, -1.0],
            zero,
        ),
        binary(
            "a *= b",
            |mut a, b| {
                a *= b;
                a
            },
            |a, b| a * b,
            |a, b| [b, a],
            |_, _| [0.0, 1.0, 0.0],
        ),
        binary(
            "a /= b",
            |mut a, b| {
                a /= b;
                a
            },
            |a, b| a / b,
            |a, b| [1.0 / b, -(a / b) / b],
            |a, b| [0.0, -(1.0 / b) / b, 2.0 * (a / b) / b / b],
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
                        // In this order the product is 0 where a^(b-2) underflows to 0 and
                        // b (b-1) overflows (at a = 1/2, b = 1e300, say), as its true value
                        // is; the other order makes inf * 0 = NaN there.
                        b * ((b - 1.0) * a.powf(b - 2.0))
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
