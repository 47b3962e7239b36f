//! `value_gradient_and_hessian`: what a Newton step needs, from one recording, against
//! closed forms.

use std::cell::Cell;

use tapegrad::{Value, value_gradient_and_hessian};

fn rosenbrock<'t>(v: &[Value<'t>]) -> Value<'t> {
    (1.0 - v[0]).powi(2) + 100.0 * (v[1] - v[0] * v[0]).powi(2)
}

#[test]
fn rosenbrocks_value_gradient_and_hessian_match_their_closed_forms() {
    for (x, y) in [(-1.2_f64, 1.0_f64), (0.5, -0.3), (2.0, 4.0)] {
        let (value, gradient, hessian) = value_gradient_and_hessian(rosenbrock, &[x, y]);
        let expected_value = (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2);
        let expected_gradient = [
            -2.0 * (1.0 - x) - 400.0 * x * (y - x * x),
            200.0 * (y - x * x),
        ];
        let expected_hessian = [
            [1200.0 * x * x - 400.0 * y + 2.0, -400.0 * x],
            [-400.0 * x, 200.0],
        ];
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * (1.0 + b.abs());
        assert!(close(value, expected_value), "value at ({x}, {y})");
        for i in 0..2 {
            assert!(
                close(gradient[i], expected_gradient[i]),
                "gradient {i} at ({x}, {y}): {} against {}",
                gradient[i],
                expected_gradient[i]
            );
            for j in 0..2 {
                assert!(
                    close(hessian[i][j], expected_hessian[i][j]),
                    "h[{i}][{j}] at ({x}, {y}): {} against {}",
                    hessian[i][j],
                    expected_hessian[i][j]
                );
            }
        }
    }
}

#[test]
fn the_function_is_recorded_once() {
    let calls = Cell::new(0);
    let (value, gradient, hessian) = value_gradient_and_hessian(
        |v| {
            calls.set(calls.get() + 1);
            v[0].exp() * v[1]
        },
        &[0.0, 3.0],
    );
    assert_eq!(calls.get(), 1);
    // e^x y at (0, 3): gradient (e^x y, e^x), Hessian [[e^x y, e^x], [e^x, 0]]
    assert_eq!(value, 3.0);
    assert_eq!(gradient, [3.0, 1.0]);
    assert_eq!(hessian, [[3.0, 1.0], [1.0, 0.0]]);
}

#[test]
fn newton_steps_from_one_call_each_reach_rosenbrocks_minimum_in_six() {
    // From (-1.2, 1) the Hessian stays positive definite: no damping is needed.
    let mut p = [-1.2, 1.0];
    let mut steps = 0;
    loop {
        let (_, g, h) = value_gradient_and_hessian(rosenbrock, &p);
        if g[0].hypot(g[1]) < 1e-8 {
            break;
        }
        let det = h[0][0] * h[1][1] - h[0][1] * h[1][0];
        p = [
            p[0] - (h[1][1] * g[0] - h[0][1] * g[1]) / det,
            p[1] - (h[0][0] * g[1] - h[1][0] * g[0]) / det,
        ];
        steps += 1;
        assert!(steps <= 20, "Newton's method did not converge: at {p:?}");
    }
    assert_eq!(steps, 6);
    assert!((p[0] - 1.0).abs() < 1e-10 && (p[1] - 1.0).abs() < 1e-10);
}

#[test]
fn an_input_the_function_ignores_gets_zeros() {
    let (_, gradient, hessian) = value_gradient_and_hessian(|v| v[0] * v[0], &[3.0, -1.0]);
    assert_eq!(gradient, [6.0, 0.0]);
    assert_eq!(hessian, [[2.0, 0.0], [0.0, 0.0]]);
}
