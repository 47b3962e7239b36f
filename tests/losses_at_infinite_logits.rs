//! At infinite logits the losses and `softmax` give their limits, and the tape's gradients
//! are the limits of the closed-form gradients (`sigmoid(z) - t`, `softmax - one_hot`). At
//! large finite logits the restructured expressions still agree with finite differences.
#![cfg(feature = "nn")]

use tapegrad::Tape;
use tapegrad::nn::{Run, loss, softmax};

const INF: f64 = f64::INFINITY;

/// The loss and the logit's gradient of binary cross-entropy at `z`, `t`.
fn bce(z: f64, t: f64) -> (f64, f64) {
    let tape = Tape::new();
    let logit = tape.var(z);
    let l = loss::binary_cross_entropy_with_logits(logit, t);
    l.backward();
    (l.data(), logit.grad())
}

#[test]
fn binary_cross_entropy_at_infinite_logits_is_its_limit() {
    // Right side: 0, gradient sigmoid(z) - t = 0.
    assert_eq!(bce(INF, 1.0), (0.0, 0.0));
    assert_eq!(bce(-INF, 0.0), (0.0, 0.0));
    // Wrong side: +inf, gradient sigmoid(z) - t = -1 or +1.
    assert_eq!(bce(-INF, 1.0), (INF, -1.0));
    assert_eq!(bce(INF, 0.0), (INF, 1.0));
    // A probability between: the loss grows without bound either way; sigmoid(z) - t.
    assert_eq!(bce(INF, 0.25), (INF, 0.75));
    assert_eq!(bce(-INF, 0.25), (INF, -0.25));
}

#[test]
fn binary_cross_entropy_near_its_limits_matches_the_closed_form() {
    // softplus(-z) for t = 1 keeps the digits where softplus(z) - z would cancel: at z = 40,
    // ln(1 + e^-40) = e^-40 to within e^-80.
    let (l, g) = bce(40.0, 1.0);
    assert!((l - (-40f64).exp()).abs() <= 1e-30, "{l}");
    assert!((g + (-40f64).exp()).abs() <= 1e-30, "{g}");
    // Against central differences at moderate logits and fractional targets.
    for (z, t) in [(3.0, 0.2), (-7.5, 0.9), (0.25, 0.5), (12.0, 0.0)] {
        let h = 1e-6 * f64::max(1.0, f64::abs(z));
        let numeric = (bce(z + h, t).0 - bce(z - h, t).0) / (2.0 * h);
        let (_, g) = bce(z, t);
        assert!(
            (g - numeric).abs() < 1e-7,
            "z = {z}, t = {t}: {g} vs {numeric}"
        );
        let closed = 1.0 / (1.0 + (-z).exp()) - t;
        assert!(
            (g - closed).abs() < 1e-15,
            "z = {z}, t = {t}: {g} vs {closed}"
        );
    }
}

#[test]
fn softmax_at_infinite_scores_is_its_limit() {
    assert_eq!(softmax(&[INF, 0.0]), [1.0, 0.0]);
    let p = softmax(&[0.0, 2.0]);
    assert_eq!(softmax(&[0.0, -INF, 2.0]), [p[0], 0.0, p[1]]);
    assert_eq!(softmax(&[INF, -3.0, INF]), [0.5, 0.0, 0.5]);
    assert_eq!(softmax(&[-INF, -INF]), [0.5, 0.5]);
    assert!(softmax(&[f64::NAN, INF]).iter().all(|p| p.is_nan()));
}

/// The loss and the gradient by logit of softmax cross-entropy.
fn cross_entropy(logits: &[f64], class: usize) -> (f64, Vec<f64>) {
    let tape = Tape::new();
    let z = Run::vars(&tape, logits);
    let l = loss::softmax_cross_entropy(z, class);
    l.backward();
    let mut grads = Vec::new();
    z.grads_into(&mut grads);
    (l.data(), grads)
}

#[test]
fn softmax_cross_entropy_at_one_infinite_logit_is_its_limit() {
    // The class holds the +inf logit: loss 0, softmax - one_hot = [1, 0, 0] - [1, 0, 0].
    assert_eq!(
        cross_entropy(&[INF, 0.0, -1.0], 0),
        (0.0, vec![0.0, 0.0, 0.0])
    );
    // Another class: loss +inf, gradient [1, 0, 0] - [0, 1, 0].
    assert_eq!(
        cross_entropy(&[INF, 0.0, -1.0], 1),
        (INF, vec![1.0, -1.0, 0.0])
    );
    assert_eq!(
        cross_entropy(&[0.0, -1.0, INF], 0),
        (INF, vec![-1.0, 0.0, 1.0])
    );
}

#[test]
fn a_logit_of_minus_infinity_has_probability_zero() {
    let p = softmax(&[1.0, 2.0]);
    // Its own class: loss +inf; the others get their softmax as if it were absent.
    let (l, g) = cross_entropy(&[-INF, 1.0, 2.0], 0);
    assert_eq!(l, INF);
    assert_eq!(g[0], -1.0);
    assert!(
        (g[1] - p[0]).abs() < 1e-15 && (g[2] - p[1]).abs() < 1e-15,
        "{g:?}"
    );
    // Another class: the loss of the other two logits alone.
    let (l, g) = cross_entropy(&[-INF, 1.0, 2.0], 2);
    assert!((l - (1.0 + (-1f64).exp()).ln()).abs() < 1e-15, "{l}");
    assert_eq!(g[0], 0.0);
    assert!(
        (g[1] - p[0]).abs() < 1e-15 && (g[2] - (p[1] - 1.0)).abs() < 1e-15,
        "{g:?}"
    );
}

#[test]
fn two_logits_of_plus_infinity_have_no_limit_and_give_nan() {
    let (l, _) = cross_entropy(&[INF, INF, 0.0], 0);
    assert!(l.is_nan());
    let (l, _) = cross_entropy(&[f64::NAN, 1.0], 1);
    assert!(l.is_nan());
}

#[test]
fn softmax_cross_entropy_at_large_finite_logits_matches_finite_differences() {
    for (logits, class) in [
        (vec![30.0, 0.0, -1.0], 1),
        (vec![-700.0, 700.0, 699.0], 2),
        (vec![0.5, 0.5, -0.25, 3.0], 0),
    ] {
        let (l, g) = cross_entropy(&logits, class);
        let p = softmax(&logits);
        let closed = -p[class].ln();
        assert!(
            (l - closed).abs() <= 1e-12 * (1.0 + closed.abs()),
            "{l} vs {closed}"
        );
        for i in 0..logits.len() {
            let want = p[i] - if i == class { 1.0 } else { 0.0 };
            assert!((g[i] - want).abs() < 1e-15, "d/dz{i}: {} vs {want}", g[i]);
            let h = 1e-6 * f64::max(1.0, logits[i].abs());
            let (mut up, mut down) = (logits.clone(), logits.clone());
            up[i] += h;
            down[i] -= h;
            let numeric = (cross_entropy(&up, class).0 - cross_entropy(&down, class).0) / (2.0 * h);
            assert!(
                (g[i] - numeric).abs() < 1e-6,
                "d/dz{i}: {} vs {numeric}",
                g[i]
            );
        }
    }
}
