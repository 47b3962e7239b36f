//! `Gradient`, the gradient of one closure at point after point on a kept tape, and
//! `value_and_jacobian`: their numbers against closed forms, and `Gradient::at` against the
//! allocator, which must not be called after the first call.

use tapegrad::{Gradient, Tape, Value, value_and_gradient, value_and_jacobian};

mod allocations;
use allocations::allocations_during;

/// The points of an exponential fit, `y ≈ a e^(b t)`.
fn data() -> (Vec<f64>, Vec<f64>) {
    let t: Vec<f64> = (0..40).map(|i| i as f64 * 0.1).collect();
    let y = t
        .iter()
        .map(|&t| 2.0 * (-0.7 * t).exp() + 0.01 * (5.0 * t).sin())
        .collect();
    (t, y)
}

/// The sum of squared residuals of `a e^(b t) - y` and its gradient, by hand:
/// `d/da = sum 2 r e^(b t)`, `d/db = sum 2 r a t e^(b t)`.
fn closed_form(p: &[f64], t: &[f64], y: &[f64]) -> (f64, [f64; 2]) {
    let (a, b) = (p[0], p[1]);
    let (mut value, mut da, mut db) = (0.0, 0.0, 0.0);
    for (&t, &y) in t.iter().zip(y) {
        let e = (b * t).exp();
        let r = a * e - y;
        value += r * r;
        da += 2.0 * r * e;
        db += 2.0 * r * a * t * e;
    }
    (value, [da, db])
}

/// The sum of squared residuals of `a e^(b t) - y`, recorded.
fn squared_residuals<'t>(p: &[Value<'t>], t: &[f64], y: &[f64]) -> Value<'t> {
    let residual = |(&t, &y): (&f64, &f64)| (p[0] * (p[1] * t).exp() - y).powi(2);
    p[0].tape().sum(t.iter().zip(y).map(residual))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * (1.0 + b.abs())
}

#[test]
fn gradient_at_matches_the_closed_form_at_every_point_of_a_loop() {
    let (t, y) = data();
    let mut grad = Gradient::new(|p| squared_residuals(p, &t, &y));
    let mut p = [1.0, 0.0];
    for step in 0..50 {
        let (value, g) = grad.at(&p);
        let (expected, expected_g) = closed_form(&p, &t, &y);
        assert!(
            close(value, expected),
            "step {step}: value {value} against {expected}"
        );
        for (k, (&gk, &ek)) in g.iter().zip(&expected_g).enumerate() {
            assert!(close(gk, ek), "step {step}: d/dp{k} = {gk} against {ek}");
        }
        p[0] -= 0.005 * g[0];
        p[1] -= 0.005 * g[1];
    }
}

#[test]
fn gradient_at_gives_rosenbrocks_gradient_and_repeats_it_exactly() {
    // d/dx = -2 (1 - x) - 400 x (y - x²), d/dy = 200 (y - x²)
    let mut grad = Gradient::new(|v| (1.0 - v[0]).powi(2) + 100.0 * (v[1] - v[0] * v[0]).powi(2));
    for &(x, y) in &[(-1.2, 1.0), (0.5, 2.0), (1.0, 1.0), (3.0, -4.0)] {
        let expected = [
            -2.0 * (1.0 - x) - 400.0 * x * (y - x * x),
            200.0 * (y - x * x),
        ];
        let first = grad.at(&[x, y]).1.to_vec();
        let again = grad.at(&[x, y]).1.to_vec();
        assert_eq!(first, again, "the same point twice");
        for (g, e) in first.iter().zip(expected) {
            assert!(close(*g, e), "at ({x}, {y}): {g} against {e}");
        }
    }
}

#[test]
fn gradient_at_follows_points_of_changing_length() {
    // f(x) = sum_i x_i², gradient 2 x, for 1, 5 and 3 inputs.
    let mut grad = Gradient::new(|v| v.iter().map(|&x| x * x).sum::<Value>());
    for x in [
        vec![3.0],
        vec![1.0, -2.0, 0.5, 4.0, 0.0],
        vec![-1.0, 2.0, 7.0],
    ] {
        let (value, g) = grad.at(&x);
        let doubled: Vec<f64> = x.iter().map(|x| 2.0 * x).collect();
        assert_eq!(value, x.iter().map(|x| x * x).sum::<f64>());
        assert_eq!(g, doubled);
    }
    // The last point was shorter than the one before: it fit in the memory that one left.
    let shorter = allocations_during(|| {
        grad.at(&[0.5, 0.25]);
    });
    assert_eq!(shorter, 0);
}

#[test]
fn gradient_at_allocates_nothing_after_its_first_call() {
    let (t, y) = data();
    let mut grad = Gradient::new(|p| squared_residuals(p, &t, &y));
    let first = allocations_during(|| {
        grad.at(&[1.0, 0.0]);
    });
    assert!(first > 0, "the first call sets up the tape and the buffers");
    for step in 0..100 {
        let p = [1.0 + step as f64 * 0.01, -0.001 * step as f64];
        let later = allocations_during(|| {
            grad.at(&p);
        });
        assert_eq!(later, 0, "call {} allocated", step + 2);
    }
}

#[test]
fn value_and_gradient_allocates_at_every_call_where_gradient_at_does_not() {
    // The comparison the loop idiom is for: a fresh tape, inputs and gradient each call.
    let fresh = allocations_during(|| {
        value_and_gradient(|v| v[0] * v[1], &[1.0, 2.0]);
    });
    let mut grad = Gradient::new(|v| v[0] * v[1]);
    grad.at(&[1.0, 2.0]);
    let reused = allocations_during(|| {
        grad.at(&[3.0, 4.0]);
    });
    assert!(fresh > 0);
    assert_eq!(reused, 0);
}

#[test]
fn gradient_at_refuses_an_output_from_another_tape_and_recovers() {
    let other: &'static Tape = Box::leak(Box::new(Tape::new()));
    let use_other = std::cell::Cell::new(true);
    let mut grad = Gradient::new(|v| {
        if use_other.get() {
            other.var(1.0)
        } else {
            v[0] * 3.0
        }
    });
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        grad.at(&[2.0]);
    }));
    let message = match outcome {
        Ok(()) => panic!("a value of another tape was accepted"),
        Err(payload) => payload
            .downcast::<&str>()
            .map(|s| s.to_string())
            .unwrap_or_default(),
    };
    assert!(
        message.contains("a tape of its own"),
        "message was: {message}"
    );
    use_other.set(false);
    assert_eq!(grad.at(&[2.0]), (6.0, &[3.0][..]));
}

#[test]
fn value_and_jacobian_gives_the_residuals_and_the_closed_form_jacobian() {
    // Tall: 40 residuals a e^(b t) - y of 2 parameters. Row i: (e^(b t), a t e^(b t)).
    let (t, y) = data();
    let p = [1.5, -0.4];
    let (r, j) = value_and_jacobian(
        |p| {
            t.iter()
                .zip(&y)
                .map(|(&t, &y)| p[0] * (p[1] * t).exp() - y)
                .collect()
        },
        &p,
    );
    assert_eq!((r.len(), j.len()), (40, 40));
    for i in 0..40 {
        let e = (p[1] * t[i]).exp();
        assert!(close(r[i], p[0] * e - y[i]), "residual {i}");
        assert!(
            close(j[i][0], e) && close(j[i][1], p[0] * t[i] * e),
            "row {i}: {:?}",
            j[i]
        );
    }

    // Wide: two outputs of three inputs, (x y z, x + sin y): rows (yz, xz, xy), (1, cos y, 0).
    let (values, j) = value_and_jacobian(
        |v| vec![v[0] * v[1] * v[2], v[0] + v[1].sin()],
        &[2.0, 0.5, -3.0],
    );
    assert_eq!(values, [-3.0, 2.0 + 0.5f64.sin()]);
    assert_eq!(j, [[-1.5, -6.0, 1.0], [1.0, 0.5f64.cos(), 0.0]]);
}

#[test]
fn value_and_jacobian_records_the_function_once() {
    let calls = std::cell::Cell::new(0);
    let (r, j) = value_and_jacobian(
        |v| {
            calls.set(calls.get() + 1);
            vec![v[0] * v[0], v[0] * v[1], v[1] - 1.0]
        },
        &[3.0, 2.0],
    );
    assert_eq!(calls.get(), 1);
    assert_eq!(r, [9.0, 6.0, 1.0]);
    assert_eq!(j, [[6.0, 0.0], [2.0, 3.0], [0.0, 1.0]]);
}
