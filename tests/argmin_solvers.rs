//! argmin's solvers on tapegrad's exact derivatives (the `argmin` feature): the wrappers'
//! derivatives against closed forms, and L-BFGS, Newton, a trust region and Gauss-Newton
//! reaching known minima.
#![cfg(feature = "argmin")]

use argmin::core::{
    CostFunction, Executor, Gradient, Hessian, Jacobian, Operator, State, TerminationReason,
    TerminationStatus,
};
use argmin::solver::gaussnewton::GaussNewton;
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::newton::Newton;
use argmin::solver::quasinewton::LBFGS;
use argmin::solver::trustregion::{Steihaug, TrustRegion};
use tapegrad::Value;
use tapegrad::argmin::{DMatrix, DVector, Objective, Residuals};

fn rosenbrock<'t>(v: &[Value<'t>]) -> Value<'t> {
    (1.0 - v[0]).powi(2) + 100.0 * (v[1] - v[0] * v[0]).powi(2)
}

/// Rosenbrock's gradient and Hessian, worked out by hand.
fn rosenbrock_gradient(x: f64, y: f64) -> [f64; 2] {
    [
        -2.0 * (1.0 - x) - 400.0 * x * (y - x * x),
        200.0 * (y - x * x),
    ]
}

fn rosenbrock_hessian(x: f64, y: f64) -> [[f64; 2]; 2] {
    [
        [1200.0 * x * x - 400.0 * y + 2.0, -400.0 * x],
        [-400.0 * x, 200.0],
    ]
}

fn point(coordinates: &[f64]) -> DVector<f64> {
    DVector::from_vec(coordinates.to_vec())
}

const START: [f64; 2] = [-1.2, 1.0];

/// Times `t` and values `a e^(b t) + c` of the exponential model at `(a, b, c)`.
fn exponential_data(a: f64, b: f64, c: f64) -> (Vec<f64>, Vec<f64>) {
    let t: Vec<f64> = (0..20).map(|i| i as f64 * 0.25).collect();
    let y = t.iter().map(|t| a * (b * t).exp() + c).collect();
    (t, y)
}

/// The residuals `a e^(b t) + c - y` of the exponential model at `p = (a, b, c)`.
fn exponential_residuals<'t>(p: &[Value<'t>], t: &[f64], y: &[f64]) -> Vec<Value<'t>> {
    let residual = |(&t, &y): (&f64, &f64)| p[0] * (p[1] * t).exp() + p[2] - y;
    t.iter().zip(y).map(residual).collect()
}

#[test]
fn an_objective_gives_the_closed_form_cost_gradient_and_hessian() {
    let f = Objective::new(rosenbrock);
    let (x, y) = (0.5, -0.3);
    let at = point(&[x, y]);
    assert_eq!(
        f.cost(&at).unwrap(),
        (1.0f64 - x).powi(2) + 100.0 * (y - x * x).powi(2)
    );
    let gradient = f.gradient(&at).unwrap();
    let expected = rosenbrock_gradient(x, y);
    for k in 0..2 {
        assert!((gradient[k] - expected[k]).abs() < 1e-12, "gradient {k}");
    }
    let hessian: DMatrix<f64> = f.hessian(&at).unwrap();
    let expected = rosenbrock_hessian(x, y);
    for i in 0..2 {
        for j in 0..2 {
            assert!(
                (hessian[(i, j)] - expected[i][j]).abs() < 1e-12,
                "h[{i}][{j}]"
            );
        }
    }
}

#[test]
fn residuals_give_their_values_jacobian_and_half_sum_of_squares() {
    // r(a, b) = (a - 1, a b, b²) at (3, 2): J = [[1, 0], [b, a], [0, 2b]], one row a residual.
    let r = Residuals::new(|v| vec![v[0] - 1.0, v[0] * v[1], v[1] * v[1]]);
    let at = point(&[3.0, 2.0]);
    assert_eq!(r.apply(&at).unwrap().as_slice(), [2.0, 6.0, 4.0]);
    let j = r.jacobian(&at).unwrap();
    assert_eq!(j.shape(), (3, 2));
    assert_eq!(
        j,
        DMatrix::from_row_slice(3, 2, &[1.0, 0.0, 2.0, 3.0, 0.0, 4.0])
    );
    assert_eq!(r.cost(&at).unwrap(), 0.5 * (4.0 + 36.0 + 16.0));
    // Jᵀ r = (1·2 + 2·6, 3·6 + 4·4)
    assert_eq!(r.gradient(&at).unwrap().as_slice(), [14.0, 34.0]);
}

#[test]
fn lbfgs_finds_rosenbrocks_minimum() {
    let solver = LBFGS::new(MoreThuenteLineSearch::new(), 7)
        .with_tolerance_grad(1e-10)
        .unwrap();
    let result = Executor::new(Objective::new(rosenbrock), solver)
        .configure(|state| state.param(point(&START)).max_iters(200))
        .run()
        .unwrap();
    let state = result.state();
    let best = state.get_best_param().unwrap();
    assert!(
        (best[0] - 1.0).abs() < 1e-8 && (best[1] - 1.0).abs() < 1e-8,
        "L-BFGS stopped at {best} after {} iterations",
        state.get_iter()
    );
    assert_eq!(
        state.get_termination_status(),
        &TerminationStatus::Terminated(TerminationReason::SolverConverged)
    );
}

#[test]
fn argmins_newton_takes_the_steps_of_the_closed_form_newton_method() {
    // Newton's method x - H⁻¹ g with Rosenbrock's gradient and Hessian worked out by hand;
    // from this start the Hessian stays positive definite, so there is no damping.
    let mut by_hand = START;
    for iterations in 1..=6 {
        let [gx, gy] = rosenbrock_gradient(by_hand[0], by_hand[1]);
        let [[a, b], [_, c]] = rosenbrock_hessian(by_hand[0], by_hand[1]);
        let det = a * c - b * b;
        by_hand = [
            by_hand[0] - (c * gx - b * gy) / det,
            by_hand[1] - (a * gy - b * gx) / det,
        ];
        let result = Executor::new(Objective::new(rosenbrock), Newton::<f64>::new())
            .configure(|state| state.param(point(&START)).max_iters(iterations))
            .run()
            .unwrap();
        let argmin = result.state().get_best_param().unwrap().clone();
        for k in 0..2 {
            assert!(
                (argmin[k] - by_hand[k]).abs() <= 1e-9 * (1.0 + by_hand[k].abs()),
                "after {iterations} steps: argmin at {argmin}, by hand at {by_hand:?}"
            );
        }
    }
    // Six steps reach the minimum, as in the Newton example.
    assert!((by_hand[0] - 1.0).abs() < 1e-10 && (by_hand[1] - 1.0).abs() < 1e-10);
}

#[test]
fn a_steihaug_trust_region_finds_rosenbrocks_minimum() {
    let solver = TrustRegion::new(Steihaug::new().with_max_iters(20));
    let result = Executor::new(Objective::new(rosenbrock), solver)
        .configure(|state| state.param(point(&START)).max_iters(100))
        .run()
        .unwrap();
    let best = result.state().get_best_param().unwrap();
    assert!(
        (best[0] - 1.0).abs() < 1e-6 && (best[1] - 1.0).abs() < 1e-6,
        "the trust region stopped at {best}"
    );
}

#[test]
fn gauss_newton_recovers_an_exponential_models_parameters() {
    let (a, b, c) = (2.0, -0.8, 0.5);
    let (t, y) = exponential_data(a, b, c);
    let residuals = Residuals::new(|p| exponential_residuals(p, &t, &y));
    // Gauss-Newton takes full steps: from a start this close it converges in five, from
    // (1, -0.3, 0) it overshoots to a growing exponential and wanders.
    let result = Executor::new(residuals, GaussNewton::<f64>::new())
        .configure(|state| state.param(point(&[1.5, -0.5, 0.3])).max_iters(50))
        .run()
        .unwrap();
    let fit = result.state().get_best_param().unwrap();
    for (k, truth) in [a, b, c].into_iter().enumerate() {
        assert!(
            (fit[k] - truth).abs() < 1e-9,
            "parameter {k}: {} against {truth}",
            fit[k]
        );
    }
}

#[test]
fn gauss_newton_records_the_residuals_once_an_iteration() {
    let (t, y) = exponential_data(2.0, -0.8, 0.5);
    let recordings = std::cell::Cell::new(0);
    let residuals = Residuals::new(|p| {
        recordings.set(recordings.get() + 1);
        exponential_residuals(p, &t, &y)
    });
    let result = Executor::new(residuals, GaussNewton::<f64>::new())
        .configure(|state| state.param(point(&[1.5, -0.5, 0.3])).max_iters(50))
        .run()
        .unwrap();
    let iterations = result.state().get_iter();
    assert!(iterations >= 3, "{iterations} iterations");
    // The start's residuals, then one recording an iteration: the residuals at the new point,
    // whose Jacobian the next iteration reads from the same recording.
    assert_eq!(recordings.get(), iterations + 1);
}

#[test]
fn a_jacobian_at_another_point_than_the_last_residuals_is_that_points() {
    // r(a, b) = (a b, b²): J = [[b, a], [0, 2b]].
    let r = Residuals::new(|v| vec![v[0] * v[1], v[1] * v[1]]);
    let (p, q) = (point(&[3.0, 2.0]), point(&[-1.0, 5.0]));
    assert_eq!(r.apply(&p).unwrap().as_slice(), [6.0, 4.0]);
    let at_q = DMatrix::from_row_slice(2, 2, &[5.0, -1.0, 0.0, 10.0]);
    let at_p = DMatrix::from_row_slice(2, 2, &[2.0, 3.0, 0.0, 4.0]);
    assert_eq!(r.jacobian(&q).unwrap(), at_q);
    assert_eq!(r.apply(&q).unwrap().as_slice(), [-5.0, 25.0]);
    assert_eq!(r.jacobian(&p).unwrap(), at_p);
    assert_eq!(r.cost(&q).unwrap(), 0.5 * (25.0 + 625.0));
    // A copy starts with nothing kept, and gives the same answers.
    let copy = r.clone();
    assert_eq!(copy.jacobian(&q).unwrap(), at_q);
}

#[test]
fn lbfgs_on_half_the_sum_of_squares_recovers_the_same_fit() {
    let (t, y) = exponential_data(2.0, -0.8, 0.5);
    let residuals = Residuals::new(|p| exponential_residuals(p, &t, &y));
    let solver = LBFGS::new(MoreThuenteLineSearch::new(), 7)
        .with_tolerance_grad(1e-12)
        .unwrap();
    let result = Executor::new(residuals, solver)
        .configure(|state| state.param(point(&[1.0, -0.3, 0.0])).max_iters(500))
        .run()
        .unwrap();
    let fit = result.state().get_best_param().unwrap();
    for (k, truth) in [2.0, -0.8, 0.5].into_iter().enumerate() {
        assert!(
            (fit[k] - truth).abs() < 1e-6,
            "parameter {k}: {} against {truth}",
            fit[k]
        );
    }
}
