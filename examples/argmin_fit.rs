//! argmin's solvers on tapegrad's exact derivatives: Rosenbrock's function by L-BFGS,
//! Newton's method and a trust region, then an exponential model `y = a e^(b t) + c` fitted
//! to 40 points by Gauss-Newton and by L-BFGS.
//!
//! The objective and the residuals are closures written with `Value`s; the wrappers
//! `tapegrad::argmin::{Objective, Residuals}` give argmin their values, gradients, Hessians
//! and Jacobians, each from one recording of the closure. Nothing is derived by hand.
//!
//! Newton's method starts where the crate's own Newton example starts, `(-1.2, 1)`, and takes
//! the same steps: the Hessian is positive definite all along, so that example never damps.
//! argmin's `Newton` has no stopping test of its own, so the table shows where it is after
//! 0, 1, ..., 10 steps, and where the gradient's length first falls below `1e-8`.
//!
//! Ends with one summary line: `argmin_fit: lbfgs_iterations=<n> newton_iterations=<m>
//! trust_region_iterations=<k> gauss_newton_iterations=<g> fit_a=<a> fit_b=<b> fit_c=<c>`.
//!
//! Run with `cargo run --release --example argmin_fit --features argmin`.

use argmin::core::{CostFunction, Error, Executor, Gradient, State};
use argmin::solver::gaussnewton::GaussNewton;
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::newton::Newton;
use argmin::solver::quasinewton::LBFGS;
use argmin::solver::trustregion::{Steihaug, TrustRegion};
use tapegrad::Value;
use tapegrad::argmin::{DVector, Objective, Residuals};

const START: [f64; 2] = [-1.2, 1.0];
const TOLERANCE: f64 = 1e-8;
const NEWTON_STEPS: u64 = 10;
/// argmin's trust region stops on a cost target (or its iteration cap).
const TARGET_COST: f64 = 1e-20;

fn rosenbrock<'t>(v: &[Value<'t>]) -> Value<'t> {
    (1.0 - v[0]).powi(2) + 100.0 * (v[1] - v[0] * v[0]).powi(2)
}

/// The points of the fit: `2 e^(-0.8 t) + 0.5` plus a small deterministic wiggle, so that
/// the best fit is near, not at, `(2, -0.8, 0.5)`.
fn data() -> (Vec<f64>, Vec<f64>) {
    let t: Vec<f64> = (0..40).map(|i| i as f64 * 0.125).collect();
    let y = t
        .iter()
        .map(|&t| 2.0 * (-0.8 * t).exp() + 0.5 + 0.01 * (7.0 * t).sin())
        .collect();
    (t, y)
}

fn lbfgs_on_rosenbrock() -> Result<u64, Error> {
    let solver = LBFGS::new(MoreThuenteLineSearch::new(), 7).with_tolerance_grad(TOLERANCE)?;
    let result = Executor::new(Objective::new(rosenbrock), solver)
        .configure(|state| {
            state
                .param(DVector::from_vec(START.to_vec()))
                .max_iters(500)
        })
        .run()?;
    let state = result.state();
    let best = state.get_best_param().expect("L-BFGS keeps its best point");
    println!(
        "L-BFGS: |grad| < {TOLERANCE:e} after {} iterations, at ({:.10}, {:.10})",
        state.get_iter(),
        best[0],
        best[1]
    );
    Ok(state.get_iter())
}

/// Where argmin's Newton method is after `steps` steps from `START`.
fn newton_after(steps: u64) -> Result<DVector<f64>, Error> {
    let result = Executor::new(Objective::new(rosenbrock), Newton::<f64>::new())
        .configure(|state| {
            state
                .param(DVector::from_vec(START.to_vec()))
                .max_iters(steps)
        })
        .run()?;
    Ok(result
        .state()
        .get_param()
        .expect("Newton's method keeps its point")
        .clone())
}

/// Newton's method, step by step; returns the step after which the gradient's length is
/// first below `TOLERANCE`.
fn newton_on_rosenbrock() -> Result<u64, Error> {
    println!("Newton's method:");
    println!("  step          x            y            f         |grad|");
    let objective = Objective::new(rosenbrock);
    let mut converged_after = None;
    for step in 0..=NEWTON_STEPS {
        let p = newton_after(step)?;
        let (f, g) = (objective.cost(&p)?, objective.gradient(&p)?.norm());
        println!(
            "  {step:4}  {:11.8}  {:11.8}  {f:11.4e}  {g:9.2e}",
            p[0], p[1]
        );
        if g < TOLERANCE && converged_after.is_none() {
            converged_after = Some(step);
        }
    }
    Ok(converged_after.unwrap_or(NEWTON_STEPS))
}

fn trust_region_on_rosenbrock() -> Result<u64, Error> {
    let solver = TrustRegion::new(Steihaug::new().with_max_iters(20));
    let result = Executor::new(Objective::new(rosenbrock), solver)
        .configure(|state| {
            state
                .param(DVector::from_vec(START.to_vec()))
                .target_cost(TARGET_COST)
                .max_iters(200)
        })
        .run()?;
    let state = result.state();
    let best = state
        .get_best_param()
        .expect("the trust region keeps its best point");
    println!(
        "trust region (Steihaug): {} after {} iterations, at ({:.10}, {:.10})",
        state
            .get_termination_reason()
            .map_or("no stop".to_owned(), |r| r.to_string()),
        state.get_iter(),
        best[0],
        best[1]
    );
    Ok(state.get_iter())
}

/// Gauss-Newton, then L-BFGS on half the sum of squares; returns Gauss-Newton's iterations
/// and fit.
fn fit_exponential() -> Result<(u64, DVector<f64>), Error> {
    let (t, y) = data();
    let residuals = || {
        Residuals::new(|p| {
            t.iter()
                .zip(&y)
                .map(|(&t, &y)| p[0] * (p[1] * t).exp() + p[2] - y)
                .collect()
        })
    };
    let start = DVector::from_vec(vec![1.5, -0.5, 0.3]);

    let result = Executor::new(residuals(), GaussNewton::<f64>::new())
        .configure(|state| state.param(start.clone()).max_iters(50))
        .run()?;
    let state = result.state();
    let gauss_newton = state
        .get_best_param()
        .expect("Gauss-Newton keeps its best point");
    let iterations = state.get_iter();
    println!(
        "Gauss-Newton: {iterations} iterations, a = {:.10}, b = {:.10}, c = {:.10}, \
         half sum of squares {:.6e}",
        gauss_newton[0],
        gauss_newton[1],
        gauss_newton[2],
        residuals().cost(gauss_newton)?
    );
    let gauss_newton = gauss_newton.clone();

    let solver = LBFGS::new(MoreThuenteLineSearch::new(), 7).with_tolerance_grad(1e-12)?;
    let result = Executor::new(residuals(), solver)
        .configure(|state| state.param(start).max_iters(500))
        .run()?;
    let state = result.state();
    let lbfgs = state.get_best_param().expect("L-BFGS keeps its best point");
    println!(
        "L-BFGS on the same sum:  {} iterations, a = {:.10}, b = {:.10}, c = {:.10}",
        state.get_iter(),
        lbfgs[0],
        lbfgs[1],
        lbfgs[2]
    );
    Ok((iterations, gauss_newton))
}

fn main() -> Result<(), Error> {
    println!("Rosenbrock's function from ({}, {}):", START[0], START[1]);
    let lbfgs = lbfgs_on_rosenbrock()?;
    let newton = newton_on_rosenbrock()?;
    println!("Newton: |grad| < {TOLERANCE:e} after {newton} steps");
    let trust_region = trust_region_on_rosenbrock()?;
    println!();
    println!("y = a e^(b t) + c on 40 points:");
    let (gauss_newton, fit) = fit_exponential()?;
    println!(
        "argmin_fit: lbfgs_iterations={lbfgs} newton_iterations={newton} \
         trust_region_iterations={trust_region} gauss_newton_iterations={gauss_newton} \
         fit_a={:.6} fit_b={:.6} fit_c={:.6}",
        fit[0], fit[1], fit[2]
    );
    Ok(())
}
