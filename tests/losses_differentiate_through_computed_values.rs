//! The losses take computed values, not just a network's outputs, and their gradients reach
//! whatever the values were computed from: checked against gradients worked out by hand.
#![cfg(feature = "nn")]

use tapegrad::Tape;
use tapegrad::nn::{Run, loss};

#[test]
fn mse_of_a_product_differentiates_through_the_product() {
    // L = (w x - 1)²: dL/dw = 2 (w x - 1) x, dL/dx = 2 (w x - 1) w.
    let tape = Tape::new();
    let (w, x) = (tape.var(1.7), tape.var(-2.3));
    let l = loss::mse(vec![w * x], &[1.0]);
    l.backward();
    let r: f64 = 1.7 * -2.3 - 1.0;
    assert_eq!(l.data(), r * r);
    assert!((w.grad() - 2.0 * r * -2.3).abs() < 1e-14);
    assert!((x.grad() - 2.0 * r * 1.7).abs() < 1e-14);
}

#[test]
fn mse_of_values_out_of_order_matches_the_formula() {
    // Predictions w², 3w (not consecutive nodes): L = ((w² - 1)² + (3w - 2)²) / 2,
    // dL/dw = 2w (w² - 1) + 3 (3w - 2).
    let tape = Tape::new();
    let w = tape.var(0.5);
    let squared = w * w;
    let tripled = w * 3.0;
    let l = loss::mse([tripled, squared], &[2.0, 1.0]);
    l.backward();
    let want = 2.0 * 0.5 * (0.25 - 1.0) + 3.0 * (1.5 - 2.0);
    assert!((l.data() - (0.75f64.powi(2) + 0.25) / 2.0).abs() < 1e-15);
    assert!((w.grad() - want).abs() < 1e-15);
}

#[test]
fn softmax_cross_entropy_of_computed_logits_reaches_their_weights() {
    // Logits z_i = w_i x: L = ln(sum e^(z_i)) - z_c; dL/dw_i = x (softmax_i - [i == c]).
    let (weights, x, class) = ([0.3, -1.2, 2.0], 1.5, 0);
    let tape = Tape::new();
    let w = Run::vars(&tape, weights);
    let input = tape.var(x);
    let l = loss::softmax_cross_entropy(w.iter().map(|wi| wi * input), class);
    l.backward();
    let z: Vec<f64> = weights.iter().map(|wi| wi * x).collect();
    let total: f64 = z.iter().map(|z| z.exp()).sum();
    for (i, zi) in z.iter().enumerate() {
        let p = zi.exp() / total;
        let want = x * (p - if i == class { 1.0 } else { 0.0 });
        assert!((w.get(i).grad() - want).abs() < 1e-14, "dL/dw{i}");
    }
    assert!((l.data() - (total.ln() - z[class])).abs() < 1e-14);
}

#[test]
fn penalties_of_computed_values_reach_what_they_came_from() {
    // l1(2w, w²) = 2|w| + w², l2(2w, w²) = 4w² + w⁴ at w = -1.5.
    let tape = Tape::new();
    let w = tape.var(-1.5);
    let l1 = loss::l1([w * 2.0, w * w]);
    l1.backward();
    assert_eq!((l1.data(), w.grad()), (3.0 + 2.25, -2.0 - 3.0));
    let tape = Tape::new();
    let w = tape.var(-1.5);
    let l2 = loss::l2([w * 2.0, w * w]);
    l2.backward();
    assert_eq!(l2.data(), 9.0 + 2.25 * 2.25);
    assert_eq!(w.grad(), 8.0 * -1.5 + 4.0 * (-1.5f64).powi(3));
}
