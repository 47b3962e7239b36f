//! One mode of differentiation inside another: dual numbers over dual numbers (forward over
//! forward), over values (reverse over forward), reverse mode at a point of duals (forward over
//! reverse) and at values of another tape (reverse over reverse). Each is checked against a
//! closed form, and the nestings against each other; the classic test of perturbation
//! confusion (Siskind and Pearlmutter's) gives its textbook answer.

use tapegrad::{Dual, Scalar, Tape, Value, hessian, value_and_gradient};

/// `d/dx f(x)` in forward mode, at a point of any `Scalar`: a new level of dual numbers.
fn derivative<S: Scalar>(f: impl Fn(Dual<S>) -> Dual<S>, x: S) -> S {
    f(Dual::new(x, S::from(1.0))).tangent()
}

#[test]
fn nested_derivatives_keep_their_perturbations_apart() {
    // d/dx (x * d/dy (x + y)) at x = 1: the inner derivative is 1 whatever x is, so the answer
    // is 1. A tool that confuses the two perturbations answers 2.
    let answer = derivative(
        |x| x * derivative(|y| Dual::constant(x) + y, Dual::from(1.0)),
        1.0,
    );
    assert_eq!(answer, 1.0);
}

#[test]
fn forward_over_forward_gives_second_derivatives() {
    // f(x) = x³ sin x: f'' = 6x sin x + 6x² cos x - x³ sin x
    let f = |x: Dual<Dual>| x.powi(3) * x.sin();
    for x in [-2.0, 0.3, 1.7] {
        let second = derivative(|x| derivative(f, x), x);
        let closed = 6.0 * x * x.sin() + 6.0 * x * x * x.cos() - x.powi(3) * x.sin();
        assert!(
            (second - closed).abs() < 1e-12 * closed.abs().max(1.0),
            "{x}"
        );
        // The same, as one value: the tangent of the tangent.
        let d = Dual::new(Dual::new(x, 1.0), Dual::new(1.0, 0.0));
        assert!((f(d).tangent().tangent() - closed).abs() < 1e-12 * closed.abs().max(1.0));
    }
}

#[test]
fn reverse_over_forward_records_the_tangent_on_the_tape() {
    // g(x, y) = x² y + e^y; forward along x gives 2xy, whose gradient is (2y, 2x).
    let tape = Tape::new();
    let (x, y) = (tape.var(1.5), tape.var(-0.5));
    let gx = Dual::new(x, Value::from(1.0));
    let gy = Dual::constant(y);
    let along_x = (gx * gx * gy + gy.exp()).tangent();
    along_x.backward();
    assert_eq!(along_x.data(), 2.0 * 1.5 * -0.5);
    assert_eq!((x.grad(), y.grad()), (2.0 * -0.5, 2.0 * 1.5));
}

#[test]
fn forward_over_reverse_gives_hessian_vector_products() {
    fn f<'t>(v: &[Value<'t>]) -> Value<'t> {
        (v[0] * v[1]).sin() + v[2].exp() * v[0] + (v[1] / v[2]).tanh()
    }
    let at = [0.3, 0.7, 1.1];
    let h = hessian(f, &at);
    for direction in [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.5, -2.0, 3.0]] {
        let point: Vec<Dual> = at
            .iter()
            .zip(direction)
            .map(|(&x, t)| Dual::new(x, t))
            .collect();
        let (value, gradient) = value_and_gradient(f, &point);
        let (plain_value, plain_gradient) = value_and_gradient(f, &at);
        assert_eq!(value.value(), plain_value);
        for i in 0..3 {
            let hv: f64 = (0..3).map(|j| h[i][j] * direction[j]).sum();
            assert!((gradient[i].value() - plain_gradient[i]).abs() < 1e-15);
            assert!((gradient[i].tangent() - hv).abs() < 1e-12, "{i}: {hv}");
        }
    }
}

#[test]
fn reverse_over_reverse_across_tapes_records_the_gradient_outside() {
    // f(x, y) = x² y: gradient (2xy, x²); d(df/dx)/d(x, y) = (2y, 2x).
    let outer = Tape::new();
    let (x, y) = (outer.var(3.0), outer.var(2.0));
    let (value, gradient) = value_and_gradient(|v| v[0] * v[0] * v[1], &[x, y]);
    assert_eq!(value.data(), 18.0);
    gradient[0].backward();
    assert_eq!((gradient[0].data(), x.grad(), y.grad()), (12.0, 4.0, 6.0));
}

#[test]
fn generic_code_nests_to_any_depth() {
    fn cube<S: Scalar>(x: S) -> S {
        x * x * x
    }
    // Third derivative of x³ is 6, everywhere.
    let third = derivative(|x| derivative(|x| derivative(cube, x), x), 0.7);
    assert_eq!(third, 6.0);
}

#[test]
fn a_minimum_found_by_nested_gradients_is_where_the_closed_form_puts_it() {
    // Minimise over w the squared slope of f(x; w) = (x - w)² x at x = 1, by Newton on w,
    // the slope by reverse mode inside forward mode: d/dx f = (x - w)(3x - w), zero at w = 1
    // and w = 3; starting at 2.6 Newton goes to 3.
    let slope = |w: Dual| {
        let (_, g) = value_and_gradient(
            |v| {
                let w = v[1];
                (v[0] - w) * (v[0] - w) * v[0]
            },
            &[Dual::from(1.0), w],
        );
        g[0] * g[0]
    };
    let mut w = 2.6;
    for _ in 0..30 {
        let s = slope(Dual::new(w, 1.0));
        if s.value() == 0.0 {
            break;
        }
        // Gauss-Newton on the residual g: s = g², ds/dw = 2 g g'.
        w -= s.value() / s.tangent() * 2.0;
    }
    assert!((w - 3.0).abs() < 1e-6, "{w}");
}
