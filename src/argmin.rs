//! Exact derivatives for the solvers of the [`argmin`] crate (the `argmin` feature).
//!
//! # Setting it up
//!
//! The module exists with tapegrad's cargo feature `argmin` on:
//!
//! ```text
//! cargo add tapegrad --features argmin       # or features = ["argmin"] in Cargo.toml
//! ```
//!
//! argmin's own items come with it: [`core`] and [`solver`] here are argmin's, re-exported,
//! so `use tapegrad::argmin::core::Executor` needs no `argmin` line in the project's
//! `Cargo.toml`. A project that names argmin itself (`use argmin::core::Executor`, as below)
//! needs one, for argmin 0.11, the version whose traits these wrappers implement: with
//! another, its `CostFunction` is another trait. Two compiler messages look alike:
//!
//! - ``could not find `argmin` in `tapegrad` `` with a note that the item ``is gated behind
//!   the `argmin` feature``: the feature is off; turn it on as above.
//! - ``use of unresolved module or unlinked crate `argmin` `` with the hint ``use `cargo
//!   add argmin` ``: the project names argmin without depending on it. `cargo add argmin@0.11`
//!   is right then; so is writing `tapegrad::argmin::core` instead. A plain
//!   `cargo add argmin` takes the newest argmin, which need not be 0.11.
//!
//! # What it offers
//!
//! argmin asks a problem for its cost, gradient, Hessian, residuals or Jacobian through
//! traits; [`Objective`] and [`Residuals`] implement them for a closure written with
//! [`Value`]s, each derivative from one recording of the closure (by
//! [`value_and_gradient`](crate::value_and_gradient), [`hessian`](crate::hessian) and
//! [`value_and_jacobian`](crate::value_and_jacobian)). So L-BFGS, Newton's method,
//! trust-region methods and Gauss-Newton run on exact derivatives, with nothing derived by
//! hand and no finite differences; Gauss-Newton records its residuals once an iteration,
//! their Jacobian included.
//!
//! Points, gradients and matrices are nalgebra's [`DVector`] and [`DMatrix`] (re-exported
//! here): argmin's Newton, Gauss-Newton and dogleg steps invert a matrix, which argmin's
//! math backend offers for nalgebra's types and not for `Vec`.
//!
//! | wrapper | closure | argmin traits |
//! |---|---|---|
//! | [`Objective`] | `|p| -> Value` | `CostFunction`, `Gradient`, `Hessian` |
//! | [`Residuals`] | `|p| -> Vec<Value>` | `Operator` (the residuals), `Jacobian`, and `CostFunction` and `Gradient` for half the sum of squares |
//!
//! ```
//! use argmin::core::{Executor, State};
//! use argmin::solver::newton::Newton;
//! use tapegrad::argmin::{DVector, Objective};
//!
//! // Rosenbrock's function from its classic start, by argmin's Newton method.
//! let rosenbrock = Objective::new(|v| (1.0 - v[0]).powi(2) + 100.0 * (v[1] - v[0] * v[0]).powi(2));
//! let result = Executor::new(rosenbrock, Newton::<f64>::new())
//!     .configure(|state| state.param(DVector::from_vec(vec![-1.2, 1.0])).max_iters(8))
//!     .run()
//!     .unwrap();
//! let best = result.state().get_best_param().unwrap();
//! assert!((best[0] - 1.0).abs() < 1e-12 && (best[1] - 1.0).abs() < 1e-12);
//! ```

use std::sync::{Mutex, PoisonError};

/// argmin's `core` (`Executor`, `State`, the problem traits), re-exported so that a project
/// needs no `argmin` dependency of its own, nor one of the same version.
///
/// ```
/// use tapegrad::argmin::core::{CostFunction, Executor};
/// use tapegrad::argmin::{DVector, Objective};
///
/// let f = Objective::new(|v| v[0] * v[0]);
/// assert_eq!(f.cost(&DVector::from_vec(vec![3.0])).unwrap(), 9.0);
/// let _ = Executor::new(f, tapegrad::argmin::solver::newton::Newton::<f64>::new());
/// ```
pub use ::argmin::core;
use ::argmin::core::{CostFunction, Error, Gradient, Hessian, Jacobian, Operator};
/// argmin's solvers (`gaussnewton`, `linesearch`, `newton`, `quasinewton`, `trustregion`...),
/// re-exported (see [`core`]).
pub use ::argmin::solver;
pub use nalgebra::{DMatrix, DVector};

use crate::value::Value;

/// A scalar function of a point, written with [`Value`]s, as an argmin problem: its cost,
/// exact gradient and exact Hessian.
///
/// ```
/// use argmin::core::{Executor, State};
/// use argmin::solver::linesearch::MoreThuenteLineSearch;
/// use argmin::solver::quasinewton::LBFGS;
/// use tapegrad::argmin::{DVector, Objective};
///
/// // A bowl with its minimum at (1, -2).
/// let bowl = Objective::new(|v| (v[0] - 1.0).powi(2) + 10.0 * (v[1] + 2.0).powi(2));
/// let lbfgs = LBFGS::new(MoreThuenteLineSearch::new(), 5);
/// let result = Executor::new(bowl, lbfgs)
///     .configure(|state| state.param(DVector::from_vec(vec![0.0, 0.0])).max_iters(50))
///     .run()
///     .unwrap();
/// let best = result.state().get_best_param().unwrap();
/// assert!((best[0] - 1.0).abs() < 1e-6 && (best[1] + 2.0).abs() < 1e-6);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Objective<F> {
    f: F,
}

impl<F> Objective<F>
where
    F: for<'t> Fn(&[Value<'t>]) -> Value<'t>,
{
    /// Wraps `f`, which gets the point's coordinates as values and returns the cost.
    ///
    /// ```
    /// use argmin::core::CostFunction;
    /// use tapegrad::argmin::{DVector, Objective};
    ///
    /// let f = Objective::new(|v| v[0] * v[1]);
    /// assert_eq!(f.cost(&DVector::from_vec(vec![2.0, 3.0])).unwrap(), 6.0);
    /// ```
    pub fn new(f: F) -> Self {
        Objective { f }
    }
}

impl<F> CostFunction for Objective<F>
where
    F: for<'t> Fn(&[Value<'t>]) -> Value<'t>,
{
    type Param = DVector<f64>;
    type Output = f64;

    /// The value of the closure at `param`.
    fn cost(&self, param: &DVector<f64>) -> Result<f64, Error> {
        let tape = crate::Tape::new();
        let x: Vec<Value<'_>> = param.iter().map(|&p| tape.var(p)).collect();
        Ok((self.f)(&x).data())
    }
}

impl<F> Gradient for Objective<F>
where
    F: for<'t> Fn(&[Value<'t>]) -> Value<'t>,
{
    type Param = DVector<f64>;
    type Gradient = DVector<f64>;

    /// The exact gradient at `param`, from one backward sweep.
    fn gradient(&self, param: &DVector<f64>) -> Result<DVector<f64>, Error> {
        let (_, gradient) = crate::value_and_gradient(&self.f, param.as_slice());
        Ok(DVector::from_vec(gradient))
    }
}

impl<F> Hessian for Objective<F>
where
    F: for<'t> Fn(&[Value<'t>]) -> Value<'t>,
{
    type Param = DVector<f64>;
    type Hessian = DMatrix<f64>;

    /// The exact Hessian at `param` (see [`hessian`](crate::hessian)).
    fn hessian(&self, param: &DVector<f64>) -> Result<DMatrix<f64>, Error> {
        Ok(matrix(
            crate::hessian(&self.f, param.as_slice()),
            param.len(),
        ))
    }
}

/// A function of a point with several outputs, written with [`Value`]s, as an argmin
/// least-squares problem: the residuals and their exact Jacobian (for Gauss-Newton), and half
/// their sum of squares with its exact gradient (for any minimiser).
///
/// A point's residuals and Jacobian come from one recording of the closure
/// ([`value_and_jacobian`](crate::value_and_jacobian)), kept for the last point asked for:
/// Gauss-Newton asks for the residuals at a new point, then for the Jacobian at that same
/// point in its next iteration, and the second answer is the first recording's. So each
/// iteration records the closure once.
///
/// ```
/// use argmin::core::{Executor, State};
/// use argmin::solver::gaussnewton::GaussNewton;
/// use tapegrad::argmin::{DVector, Residuals};
///
/// // Fit y = a e^(b t) to points on y = 2 e^(-t/2).
/// let t = [0.0, 1.0, 2.0, 3.0, 4.0];
/// let y = t.map(|t: f64| 2.0 * (-0.5 * t).exp());
/// let residuals = Residuals::new(|p| {
///     t.iter().zip(&y).map(|(&t, &y)| p[0] * (p[1] * t).exp() - y).collect()
/// });
/// let result = Executor::new(residuals, GaussNewton::<f64>::new())
///     .configure(|state| state.param(DVector::from_vec(vec![1.0, 0.0])).max_iters(50))
///     .run()
///     .unwrap();
/// let fit = result.state().get_best_param().unwrap();
/// assert!((fit[0] - 2.0).abs() < 1e-9 && (fit[1] + 0.5).abs() < 1e-9);
/// ```
#[derive(Debug)]
pub struct Residuals<F> {
    f: F,
    /// The last point whose residuals and Jacobian were recorded, with them.
    last: Mutex<Option<Recorded>>,
}

/// A point, and the residuals and Jacobian one recording gave there.
#[derive(Debug)]
struct Recorded {
    param: DVector<f64>,
    residuals: DVector<f64>,
    jacobian: DMatrix<f64>,
}

/// A copy of the closure, with nothing recorded yet.
impl<F: Clone> Clone for Residuals<F> {
    fn clone(&self) -> Self {
        Residuals {
            f: self.f.clone(),
            last: Mutex::new(None),
        }
    }
}

impl<F> Residuals<F>
where
    F: for<'t> Fn(&[Value<'t>]) -> Vec<Value<'t>>,
{
    /// Wraps `f`, which gets the point's coordinates as values and returns the residuals.
    ///
    /// ```
    /// use argmin::core::Operator;
    /// use tapegrad::argmin::{DVector, Residuals};
    ///
    /// let r = Residuals::new(|v| vec![v[0] - 1.0, v[0] * v[1]]);
    /// let at = DVector::from_vec(vec![3.0, 2.0]);
    /// assert_eq!(r.apply(&at).unwrap().as_slice(), [2.0, 6.0]);
    /// ```
    pub fn new(f: F) -> Self {
        Residuals {
            f,
            last: Mutex::new(None),
        }
    }

    /// What `read` takes from the recording at `param`: the one kept, if it was made at this
    /// very point, or a new one, kept in its place.
    fn recorded<R>(&self, param: &DVector<f64>, read: impl FnOnce(&Recorded) -> R) -> R {
        // A closure that panicked elsewhere cannot have left the cache half written: it is
        // replaced whole, after the recording.
        let last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(recorded) = last.as_ref().filter(|r| same_point(&r.param, param)) {
            return read(recorded);
        }
        drop(last);
        let (residuals, jacobian) = crate::value_and_jacobian(&self.f, param.as_slice());
        let recorded = Recorded {
            param: param.clone(),
            residuals: DVector::from_vec(residuals),
            jacobian: matrix(jacobian, param.len()),
        };
        let answer = read(&recorded);
        *self.last.lock().unwrap_or_else(PoisonError::into_inner) = Some(recorded);
        answer
    }
}

impl<F> Operator for Residuals<F>
where
    F: for<'t> Fn(&[Value<'t>]) -> Vec<Value<'t>>,
{
    type Param = DVector<f64>;
    type Output = DVector<f64>;

    /// The residuals at `param`, recorded with their Jacobian, which is kept for a call of
    /// [`jacobian`](Jacobian::jacobian) at the same point.
    fn apply(&self, param: &DVector<f64>) -> Result<DVector<f64>, Error> {
        Ok(self.recorded(param, |r| r.residuals.clone()))
    }
}

impl<F> Jacobian for Residuals<F>
where
    F: for<'t> Fn(&[Value<'t>]) -> Vec<Value<'t>>,
{
    type Param = DVector<f64>;
    type Jacobian = DMatrix<f64>;

    /// The exact Jacobian of the residuals at `param`, one row per residual (see
    /// [`jacobian`](crate::jacobian)): the one recorded with the residuals if
    /// [`apply`](Operator::apply) was last called at this point.
    fn jacobian(&self, param: &DVector<f64>) -> Result<DMatrix<f64>, Error> {
        Ok(self.recorded(param, |r| r.jacobian.clone()))
    }
}

impl<F> CostFunction for Residuals<F>
where
    F: for<'t> Fn(&[Value<'t>]) -> Vec<Value<'t>>,
{
    type Param = DVector<f64>;
    type Output = f64;

    /// Half the sum of the squared residuals at `param` (recorded without their Jacobian,
    /// unless the point's recording is kept).
    fn cost(&self, param: &DVector<f64>) -> Result<f64, Error> {
        let last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(recorded) = last.as_ref().filter(|r| same_point(&r.param, param)) {
            return Ok(0.5 * recorded.residuals.norm_squared());
        }
        drop(last);
        let tape = crate::Tape::new();
        let x: Vec<Value<'_>> = param.iter().map(|&p| tape.var(p)).collect();
        let residuals: Vec<f64> = (self.f)(&x).iter().map(|r| r.data()).collect();
        Ok(0.5 * DVector::from_vec(residuals).norm_squared())
    }
}

impl<F> Gradient for Residuals<F>
where
    F: for<'t> Fn(&[Value<'t>]) -> Vec<Value<'t>>,
{
    type Param = DVector<f64>;
    type Gradient = DVector<f64>;

    /// The exact gradient of half the sum of squares (`Jᵀ r`), from one backward sweep.
    fn gradient(&self, param: &DVector<f64>) -> Result<DVector<f64>, Error> {
        if param.is_empty() {
            return Ok(DVector::zeros(0));
        }
        let (_, gradient) = crate::value_and_gradient(
            |p| p[0].tape().sum((self.f)(p).into_iter().map(|r| r * r)) * 0.5,
            param.as_slice(),
        );
        Ok(DVector::from_vec(gradient))
    }
}

/// Whether two points are the same to the bit (`-0.0` and `0.0` differ, and may differ in
/// their derivatives at a kink).
fn same_point(a: &DVector<f64>, b: &DVector<f64>) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
}

/// A matrix of `columns` columns from its rows.
fn matrix(rows: Vec<Vec<f64>>, columns: usize) -> DMatrix<f64> {
    DMatrix::from_row_iterator(rows.len(), columns, rows.into_iter().flatten())
}
