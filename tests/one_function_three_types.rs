//! Functions written once for `Scalar`, run on `f64`, on `Value` (reverse mode) and on `Dual`
//! (forward mode): the values agree to the bit, the derivatives with closed forms and with
//! each other.

use std::ops::{Add, Div, Mul};

use proptest::prelude::*;
use tapegrad::{
    Dual, Scalar, Tape, Value, hessian, jacobian, jacobian_forward, jvp, value_and_gradient,
    value_and_gradient_forward,
};

#[allow(dead_code)] // `main` is the example's, not called here
#[path = "../examples/one_function.rs"]
mod one_function_example;

fn rosenbrock<S: Scalar>(x: S, y: S) -> S {
    (x - 1.0) * (x - 1.0) + (y - x * x) * (y - x * x) * 100.0
}

/// micrograd's README expression, as the crate docs write it for `Value`s; the `where` clause
/// lets it keep its numbers on the left (`1.0 + c`, `3.0 * d`, `10.0 / f`).
#[allow(clippy::misrefactored_assign_op)] // `c += c + 1` is micrograd's expression, kept as is
fn micrograd<S: Scalar>(a: S, b: S) -> S
where
    f64: Add<S, Output = S> + Mul<S, Output = S> + Div<S, Output = S>,
{
    let mut c = a + b;
    let mut d = a * b + b.powi(3);
    c += c + 1.0;
    c += 1.0 + c + (-a);
    d += d * 2.0 + (b + a).relu();
    d += 3.0 * d + (b - a).relu();
    let e = c - d;
    let f = e.powi(2);
    let mut g = f / 2.0;
    g += 10.0 / f;
    g
}

#[test]
fn the_issue_contract_compiles_and_agrees() {
    let f = rosenbrock(0.5, 2.0);
    let d = rosenbrock(Dual::new(0.5, 1.0), Dual::new(2.0, 0.0));
    let (value, along) = jvp(
        |v: &[Dual]| rosenbrock(v[0], v[1]),
        &[0.5, 2.0],
        &[1.0, 0.0],
    );
    let tape = Tape::new();
    let (x, y) = (tape.var(0.5), tape.var(2.0));
    let r: Value = rosenbrock(x, y);
    r.backward();
    // f = 0.25 + 100 * 1.75² = 306.5; df/dx = 2 (x - 1) - 400 x (y - x²) = -1 - 350.
    assert_eq!(
        (f, d.value(), value, r.data()),
        (306.5, 306.5, 306.5, 306.5)
    );
    assert_eq!((d.tangent(), along, x.grad()), (-351.0, -351.0, -351.0));
    // df/dy = 200 (y - x²) = 350.
    assert_eq!(y.grad(), 350.0);
}

#[test]
fn rosenbrock_example_reports_the_ways_agree() {
    let report = one_function_example::report();
    let last = report.lines().last().unwrap();
    assert_eq!(
        last,
        "one_function: value=306.5 grad_x=-351 grad_y=350 hessian_xy=-200 ways_agree=true"
    );
}

#[test]
fn rosenbrock_hessian_matches_closed_form_and_forward_gradient_differences() {
    let (x, y) = (0.5, 2.0);
    let h = hessian(|v| rosenbrock(v[0], v[1]), &[x, y]);
    // H = [[2 - 400 (y - x²) + 800 x², -400 x], [-400 x, 200]]
    let closed = [
        [2.0 - 400.0 * (y - x * x) + 800.0 * x * x, -400.0 * x],
        [-400.0 * x, 200.0],
    ];
    assert_eq!(h, closed);
    // Each column of H is the derivative of the forward-mode gradient: central differences
    // of it (error h² f''''/6 = 0 for this quartic, plus rounding ~1e-16 * 350 / 1e-5).
    let step = 1e-5;
    for j in 0..2 {
        let (mut up, mut down) = ([x, y], [x, y]);
        up[j] += step;
        down[j] -= step;
        let (_, gu) = value_and_gradient_forward(|v| rosenbrock(v[0], v[1]), &up);
        let (_, gd) = value_and_gradient_forward(|v| rosenbrock(v[0], v[1]), &down);
        for i in 0..2 {
            let fd = (gu[i] - gd[i]) / (2.0 * step);
            assert!(
                (fd - h[i][j]).abs() < 1e-6,
                "H[{i}][{j}] {} vs {fd}",
                h[i][j]
            );
        }
    }
}

#[test]
fn micrograd_expression_runs_unchanged_on_all_three_types() {
    let close = |got: f64, want: f64| (got - want).abs() <= 1e-12 * want.abs();
    // micrograd's published numbers (from PyTorch): g = 24.7041, dg/da = 138.8338,
    // dg/db = 645.5773.
    let (g, dg_da, dg_db) = (24.70408163265306, 138.83381924198252, 645.5772594752186);

    let plain = micrograd(-4.0, 2.0);
    assert!(close(plain, g), "f64: {plain}");

    let tape = Tape::new();
    let (a, b) = (tape.var(-4.0), tape.var(2.0));
    let recorded = micrograd(a, b);
    recorded.backward();
    assert_eq!(recorded.data(), plain);
    assert!(close(a.grad(), dg_da) && close(b.grad(), dg_db));

    let by_a = micrograd(Dual::new(-4.0, 1.0), Dual::new(2.0, 0.0));
    let by_b = micrograd(Dual::new(-4.0, 0.0), Dual::new(2.0, 1.0));
    assert_eq!((by_a.value(), by_b.value()), (plain, plain));
    assert!(close(by_a.tangent(), dg_da), "{}", by_a.tangent());
    assert!(close(by_b.tangent(), dg_db), "{}", by_b.tangent());
}

#[test]
fn two_operand_methods_take_numbers_on_every_type() {
    fn uses_numbers<S: Scalar>(x: S) -> S {
        x.max(0.0) + x.min(1.0) + x.atan2(2.0) + x.hypot(3.0) + x.pow(2.0) + x.mul_add(2.0, 1.0)
    }
    // At x = 0.5: 0.5 + 0.5 + atan(1/4) + sqrt(9.25) + 0.25 + 2.0
    let want = 0.5 + 0.5 + 0.5f64.atan2(2.0) + 0.5f64.hypot(3.0) + 0.25 + 2.0;
    // d/dx: 1 + 1 + 2 / (x² + 4) + x / hypot + 2x + 2
    let slope = 1.0 + 1.0 + 2.0 / 4.25 + 0.5 / 9.25f64.sqrt() + 1.0 + 2.0;
    assert_eq!(uses_numbers(0.5), want);
    let dual = uses_numbers(Dual::new(0.5, 1.0));
    assert_eq!(dual.value(), want);
    assert!((dual.tangent() - slope).abs() < 1e-15, "{}", dual.tangent());
    let (value, grad) = value_and_gradient(|v| uses_numbers(v[0]), &[0.5]);
    assert_eq!(value, want);
    assert!((grad[0] - slope).abs() < 1e-15, "{}", grad[0]);
}

#[test]
fn value_max_with_a_number_has_the_derivatives_of_max_with_a_constant() {
    // Below, on a tie (half the gradient to each operand) and above the number.
    for (x, slope) in [(-1.0, 0.0), (0.0, 0.5), (2.0, 1.0)] {
        let (value, grad) = value_and_gradient(|v| v[0].max(0.0), &[x]);
        assert_eq!((value, grad[0]), (x.max(0.0), slope), "max({x}, 0)");
        let dual = Dual::new(x, 1.0).max(0.0);
        assert_eq!(
            (dual.value(), dual.tangent()),
            (x.max(0.0), slope),
            "dual max({x}, 0)"
        );
    }
}

#[test]
fn forward_jacobian_equals_reverse_jacobian() {
    // Polar to Cartesian, three outputs of two inputs.
    let at = [2.0, 0.7];
    let reverse = jacobian(
        |v| vec![v[0] * v[1].cos(), v[0] * v[1].sin(), v[0] * v[1]],
        &at,
    );
    let forward = jacobian_forward(
        |v: &[Dual]| vec![v[0] * v[1].cos(), v[0] * v[1].sin(), v[0] * v[1]],
        &at,
    );
    assert_eq!(forward, reverse);
    assert_eq!(forward[0], [0.7f64.cos(), -2.0 * 0.7f64.sin()]);
}

#[test]
fn forward_helpers_accept_functions_of_no_inputs() {
    assert_eq!(
        jacobian_forward(|_: &[Dual]| vec![Dual::constant(1.0)], &[]),
        [Vec::<f64>::new()]
    );
    assert_eq!(
        value_and_gradient_forward(|_| Dual::constant(3.0), &[]),
        (3.0, vec![])
    );
}

#[test]
#[should_panic(expected = "one entry per input")]
fn jvp_refuses_a_direction_of_the_wrong_length() {
    jvp(|v: &[Dual]| v[0], &[1.0, 2.0], &[1.0]);
}

/// A composition of many ops, written once.
fn mixture<S: Scalar>(v: &[S]) -> S {
    let (x, y, z) = (v[0], v[1], v[2]);
    let smooth = (x * y).sin() + (z * 0.5).exp() / (y * y + 1.0) + x.atan2(z).tanh();
    let kinked = (x - y).abs().max(z.sigmoid()) + (x + z).relu().sqrt();
    smooth * kinked + x.hypot(y).ln_1p() - z.powi(3) / 7.0
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn dual_directional_derivative_equals_gradient_dot_direction(
        at in prop::array::uniform3(-2.0..2.0f64),
        direction in prop::array::uniform3(-1.0..1.0f64),
    ) {
        let plain = mixture(&at);
        let (value, grad) = value_and_gradient(|v| mixture(v), &at);
        let (forward_value, along) = jvp(|v: &[Dual]| mixture(v), &at, &direction);
        prop_assert_eq!(plain, value);
        prop_assert_eq!(plain, forward_value);
        let dot: f64 = grad.iter().zip(&direction).map(|(g, d)| g * d).sum();
        let scale: f64 = grad.iter().zip(&direction).map(|(g, d)| (g * d).abs()).sum();
        // Forward and reverse add the same products in different orders.
        prop_assert!((along - dot).abs() <= 1e-13 * (1.0 + scale), "jvp {along}, ∇f·v {dot}");
    }
}
