//! What `backward` promises: fresh gradients each call, accumulation over reuse, any node as
//! the output, zeros for unrelated nodes.

use tapegrad::Tape;

#[test]
fn grad_is_zero_before_any_backward() {
    let tape = Tape::new();
    let x = tape.var(3.0);
    let y = x * x;
    assert_eq!((x.grad(), y.grad()), (0.0, 0.0));
}

#[test]
fn calling_backward_twice_gives_the_same_gradients() {
    let tape = Tape::new();
    let x = tape.var(1.5);
    let y = (x * x).sin() + x;
    y.backward();
    let first = x.grad();
    y.backward();
    assert_eq!(x.grad(), first);
    assert_eq!(first, 2.0 * 1.5 * (1.5f64 * 1.5).cos() + 1.0);
}

#[test]
fn a_later_backward_replaces_an_earlier_one() {
    let tape = Tape::new();
    let x = tape.var(2.0);
    let square = x * x;
    let triple = 3.0 * x;
    square.backward();
    assert_eq!(x.grad(), 4.0);
    triple.backward();
    assert_eq!(x.grad(), 3.0);
    assert_eq!(square.grad(), 0.0, "square does not feed triple");
}

#[test]
fn a_value_used_twice_collects_both_gradients() {
    let tape = Tape::new();
    let a = tape.var(3.0);
    let sum = a + a;
    sum.backward();
    assert_eq!(a.grad(), 2.0);
    let product = a * a;
    product.backward();
    assert_eq!(a.grad(), 6.0);
}

#[test]
fn backward_from_an_intermediate_node_ignores_later_nodes() {
    let tape = Tape::new();
    let (x, y) = (tape.var(2.0), tape.var(5.0));
    let z = x * y;
    let w = z + x.exp();
    z.backward();
    assert_eq!((x.grad(), y.grad(), z.grad()), (5.0, 2.0, 1.0));
    assert_eq!(w.grad(), 0.0);
    w.backward();
    assert_eq!(x.grad(), 5.0 + 2f64.exp());
}

#[test]
fn nodes_that_do_not_feed_the_output_get_zero() {
    let tape = Tape::new();
    let x = tape.var(2.0);
    let unrelated = tape.var(7.0);
    let side = unrelated * x;
    let y = x.powi(3);
    y.backward();
    assert_eq!(x.grad(), 12.0);
    assert_eq!((unrelated.grad(), side.grad()), (0.0, 0.0));
}

#[test]
fn an_unused_nan_does_not_reach_the_inputs() {
    let tape = Tape::new();
    let x = tape.var(-1.0);
    let poison = x.ln(); // NaN, never used
    let y = x * 2.0;
    y.backward();
    assert!(poison.data().is_nan());
    assert_eq!(x.grad(), 2.0);
}

#[test]
fn tape_counts_one_node_per_operation_and_none_for_constants() {
    let tape = Tape::new();
    let x = tape.var(2.0);
    let y = x * x + 3.0 * x;
    y.backward();
    assert_eq!(y.data(), 10.0);
    assert_eq!(x.grad(), 7.0);
    assert_eq!(tape.len(), 4);
    assert!(!tape.is_empty());
}

#[test]
fn operators_with_f64_on_either_side_agree_with_f64() {
    let tape = Tape::new();
    let x = tape.var(1.75);
    let v = 1.75_f64;
    let cases = [
        (x + 0.3, v + 0.3),
        (0.3 + x, 0.3 + v),
        (x - 0.3, v - 0.3),
        (0.3 - x, 0.3 - v),
        (x * 0.3, v * 0.3),
        (0.3 * x, 0.3 * v),
        (x / 0.3, v / 0.3),
        (0.3 / x, 0.3 / v),
        (-x, -v),
    ];
    for (i, (value, expected)) in cases.iter().enumerate() {
        assert_eq!(value.data().to_bits(), expected.to_bits(), "case {i}");
    }
    let mut y = x;
    y += 1.0;
    y -= x;
    y *= 4.0;
    y /= 2.0;
    y += x;
    y -= 0.5;
    y *= x;
    y /= x;
    assert_eq!(
        y.data(),
        ((1.75 + 1.0 - 1.75) * 4.0 / 2.0 + 1.75 - 0.5) * 1.75 / 1.75
    );
}

#[test]
fn clear_forgets_the_nodes_and_keeps_the_memory() {
    let mut tape = Tape::new();
    for i in 0..1000 {
        tape.var(i as f64);
    }
    let capacity = tape.capacity();
    assert!(capacity >= 1000);
    tape.clear();
    assert!(tape.is_empty());
    assert_eq!(tape.capacity(), capacity);
    let x = tape.var(4.0);
    assert_eq!((x.index(), x.grad()), (0, 0.0));
}

#[test]
fn display_and_debug_show_data_and_grad() {
    let tape = Tape::new();
    let x = tape.var(2.0);
    let y = x * x;
    y.backward();
    assert_eq!(format!("{x}"), "Value(data=2.0, grad=4.0)");
    assert_eq!(format!("{y:?}"), "Value(data=4.0, grad=1.0, node=1, op=*)");
}

#[test]
fn comparisons_compare_the_numbers() {
    let tape = Tape::new();
    let (a, b) = (tape.var(1.0), tape.var(2.0));
    assert!(a < b && b > 1.5 && a == 1.0 && a != b);
    assert_eq!(tape.len(), 2, "comparisons record nothing");
}
