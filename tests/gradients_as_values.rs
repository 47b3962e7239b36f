//! What `Value::gradient` promises: gradients that are values on the same tape, to any order,
//! zeros for inputs the function ignores, and no effect on earlier `backward` results.

use tapegrad::{Tape, Value};

/// The `order`-th derivative of `f` at `x`, by `order` nested `gradient` calls.
fn nth_derivative(f: impl for<'t> Fn(Value<'t>) -> Value<'t>, x: f64, order: usize) -> f64 {
    let tape = Tape::new();
    let v = tape.var(x);
    let mut d = f(v);
    for _ in 0..order {
        d = d.gradient(&[v])[0];
    }
    d.data()
}

#[test]
fn the_contract_example_gives_second_derivatives() {
    let tape = Tape::new();
    let (x, y) = (tape.var(1.5), tape.var(-0.5));
    let f = x * x * y + y.sin();
    let g = f.gradient(&[x, y]);
    assert_eq!(g[0].data(), 2.0 * 1.5 * -0.5);
    assert_eq!(g[1].data(), 1.5 * 1.5 + (-0.5f64).cos());
    g[0].backward();
    assert_eq!(x.grad(), 2.0 * -0.5);
    assert_eq!(y.grad(), 2.0 * 1.5);
    g[1].backward();
    assert_eq!(x.grad(), 2.0 * 1.5);
    assert_eq!(y.grad(), -(-0.5f64).sin());
}

#[test]
fn x_to_the_fifth_differentiates_to_any_order() {
    // d^n/dx^n x^5 at 2: 5 x^4 = 80, 20 x^3 = 160, 60 x^2 = 240, 120 x = 240, 120, then 0
    let expected = [32.0, 80.0, 160.0, 240.0, 240.0, 120.0, 0.0, 0.0];
    for (order, &want) in expected.iter().enumerate() {
        assert_eq!(
            nth_derivative(|x| x.powi(5), 2.0, order),
            want,
            "powi, order {order}"
        );
        assert_eq!(
            nth_derivative(|x| x * x * x * x * x, 2.0, order),
            want,
            "products, order {order}"
        );
    }
}

#[test]
fn exp_of_2x_differentiates_to_powers_of_two() {
    for order in 0..=6 {
        let got = nth_derivative(|x| (2.0 * x).exp(), 0.3, order);
        let want = 2f64.powi(order as i32) * 0.6f64.exp();
        assert!(
            (got - want).abs() <= 1e-14 * want,
            "order {order}: {got}, expected {want}"
        );
    }
}

#[test]
fn sine_derivatives_cycle_through_cos_minus_sin_minus_cos_sin() {
    let x = 0.8_f64;
    let cycle = [x.sin(), x.cos(), -x.sin(), -x.cos()];
    for order in 0..=8 {
        let got = nth_derivative(|v| v.sin(), x, order);
        assert!(
            (got - cycle[order % 4]).abs() <= 1e-15,
            "order {order}: {got}, expected {}",
            cycle[order % 4]
        );
    }
}

#[test]
fn mixed_partials_come_from_differentiating_in_turn() {
    let tape = Tape::new();
    let (x, y, z) = (tape.var(1.5), tape.var(-2.0), tape.var(0.5));
    let wrt = [x, y, z];
    // d³/dx dy dz (x y z) = 1, in any order
    let xyz = x * y * z;
    let dx = xyz.gradient(&wrt)[0];
    let dxdy = dx.gradient(&wrt)[1];
    assert_eq!(dxdy.gradient(&wrt)[2].data(), 1.0);
    let dz = xyz.gradient(&wrt)[2];
    let dzdx = dz.gradient(&wrt)[0];
    assert_eq!(dzdx.gradient(&wrt)[1].data(), 1.0);
    // d²/dx dy (x² y³) = 6 x y²
    let f = x * x * y.powi(3);
    f.gradient(&wrt)[0].backward();
    assert_eq!(y.grad(), 6.0 * 1.5 * 4.0);
    // d⁴/dx² dy² (x² y²) = 4
    let f = x * x * y * y;
    let d = f.gradient(&wrt)[0].gradient(&wrt)[0].gradient(&wrt)[1];
    d.backward();
    assert_eq!(y.grad(), 4.0);
}

#[test]
fn an_input_the_function_ignores_gets_a_zero_value() {
    let tape = Tape::new();
    let (x, unused) = (tape.var(2.0), tape.var(7.0));
    let f = x.exp();
    let before = tape.len();
    let g = f.gradient(&[x, unused]);
    assert_eq!(g[1].data(), 0.0);
    assert!(g[1].index() >= before, "a new node, not an existing one");
    // and it stays zero when differentiated again
    assert_eq!(g[1].gradient(&[x, unused])[0].data(), 0.0);
    g[1].backward();
    assert_eq!((x.grad(), unused.grad()), (0.0, 0.0));
}

#[test]
fn a_linear_function_has_a_zero_second_derivative() {
    let tape = Tape::new();
    let x = tape.var(1.0);
    let g = (3.0 * x + 1.0).gradient(&[x])[0];
    assert_eq!(g.data(), 3.0);
    let h = g.gradient(&[x])[0];
    assert_eq!(h.data(), 0.0);
}

#[test]
fn gradient_leaves_the_gradients_of_an_earlier_backward_as_they_were() {
    let tape = Tape::new();
    let (x, y) = (tape.var(0.5), tape.var(3.0));
    let f = (x * y).sin();
    f.backward();
    let (gx, gy) = (x.grad(), y.grad());
    let g = f.gradient(&[x, y]);
    assert_eq!((x.grad(), y.grad()), (gx, gy));
    assert_eq!((g[0].data(), g[1].data()), (gx, gy));
    assert_eq!(
        g[0].grad(),
        0.0,
        "recorded after the backward, so not reached by it"
    );
}

#[test]
fn backward_after_gradient_gives_the_same_first_derivatives() {
    let tape = Tape::new();
    let x = tape.var(0.7);
    let f = x.tanh() * x;
    let recorded = f.gradient(&[x])[0].data();
    f.backward();
    assert_eq!(x.grad(), recorded);
}

#[test]
fn the_gradient_with_respect_to_an_intermediate_value_treats_it_as_an_input() {
    let tape = Tape::new();
    let x = tape.var(1.2);
    let u = x * x;
    let f = u.sin() + u * x;
    // d f / d u with x held: cos(u) + x; then d/dx of that, through u = x²: -sin(u) 2x + 1
    let uv = 1.2_f64 * 1.2;
    let dfdu = f.gradient(&[u])[0];
    assert_eq!(dfdu.data(), uv.cos() + 1.2);
    dfdu.backward();
    assert!((x.grad() - (-uv.sin() * 2.4 + 1.0)).abs() < 1e-15);
}

#[test]
fn fused_nodes_have_second_derivatives() {
    let tape = Tape::new();
    // weights then bias, then inputs, each run consecutive: one affine node
    let params: Vec<_> = [0.5, -1.5, 0.25].iter().map(|&p| tape.var(p)).collect();
    let (w, bias) = (&params[..2], params[2]);
    let x = [tape.var(2.0), tape.var(-1.0)];
    let before = tape.len();
    let z = tape.affine(w, bias, &x);
    assert_eq!(tape.len(), before + 1, "one fused node");
    // (w·x + b)²: d²/dw0 dx0 = 2 (x0 w0 + z) = 2 (2·0.5 + z), with z = 1 + 1.5 + 0.25
    let loss = z * z;
    let zv = 2.75;
    let dw0 = loss.gradient(&[w[0]])[0];
    assert_eq!(dw0.data(), 2.0 * zv * 2.0);
    dw0.backward();
    assert_eq!(x[0].grad(), 2.0 * (0.5 * 2.0 + zv));
    assert_eq!(bias.grad(), 2.0 * 2.0);

    let dot = tape.dot(w, &x);
    let sum = tape.sum([w[0] * w[0], w[1] * x[1], x[0]]);
    let f = dot * sum;
    // d/dw1 (dot · sum) = x1 sum + dot x1; d/dx1 of that = sum + w1 x1 + dot + x1 w1
    let dw1 = f.gradient(&[w[1]])[0];
    dw1.backward();
    let (dot_v, sum_v) = (0.5 * 2.0 + 1.5, 0.25 + 1.5 + 2.0);
    assert_eq!(x[1].grad(), sum_v + 2.0 * (-1.5 * -1.0) + dot_v);
}

#[test]
fn gradient_passes_on_an_unused_nan_that_backward_holds_back() {
    // backward skips nodes whose incoming gradient is exactly 0; gradient cannot, because
    // the derivatives of that 0 may not vanish (d/dc of c ln x is ln x).
    let tape = Tape::new();
    let x = tape.var(-1.0);
    let f = x.ln() * 0.0;
    f.backward();
    assert_eq!(x.grad(), 0.0);
    assert!(f.gradient(&[x])[0].data().is_nan());
}

#[test]
fn a_gradient_records_nothing_for_the_history_below_its_oldest_input() {
    // A long history (as a loop's earlier iterations leave), then a small function of a value
    // made after it: its gradient records a few nodes, not one per node of the history.
    let tape = Tape::new();
    let mut history = tape.var(0.5);
    for _ in 0..10_000 {
        history = (history * 0.9).sin();
    }
    let x = history + 1.0;
    let y = x * x * x;
    let before = tape.len();
    let g = y.gradient(&[x]);
    assert!(tape.len() - before < 20, "{} nodes", tape.len() - before);
    // d/dx x³ = 3x², and its own derivative 6x still reaches the history by `backward`.
    let x0 = x.data();
    assert!((g[0].data() - 3.0 * x0 * x0).abs() < 1e-12);
    g[0].backward();
    assert!((x.grad() - 6.0 * x0).abs() < 1e-12);
}
