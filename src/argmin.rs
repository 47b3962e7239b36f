//! Exact derivatives for the solvers of the [`argmin`] crate (the `argmin` feature).
//!
//! argmin asks a problem for its cost, gradient, Hessian, residuals or Jacobian through
//! traits; [`Objective`] and [`Residuals`] implement them for a closure written with
//! [`Value`]s, each derivative from one recording of the closure (by
//! [`value_and_gradient`](crate::value_and_gradient), [`hessian`](crate::hessian) and
//! [`jacobian`](crate::jacobian)). So L-BFGS, Newton's method, trust-region methods and
//! Gauss-Newton run on exact derivatives, with nothing derived by hand and no finite
//! differences.
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

use ::argmin::core::{CostFunction, Error, Gradient, Hessian, Jacobian, Operator};
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
#[derive(Clone, Copy, Debug)]
pub struct Residuals<F> {
    f: F,
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
        Residuals { f }
    }
}

impl<F> Operator for Residuals<F>
where
    F: for<'t> Fn(&[Value<'t>]) -> Vec<Value<'t>>,
{
    type Param = DVector<f64>;
    type Output = DVector<f64>;

    /// The residuals at `param`.
    fn apply(&self, param: &DVector<f64>) -> Result<DVector<f64>, Error> {
        let tape = crate::Tape::new();
        let x: Vec<Value<'_>> = param.iter().map(|&p| tape.var(p)).collect();
        let residuals = (self.f)(&x).iter().map(|r| r.data()).collect();
        Ok(DVector::from_vec(residuals))
    }
}

impl<F> Jacobian for Residuals<F>
where
    F: for<'t> Fn(&[Value<'t>]) -> Vec<Value<'t>>,
{
    type Param = DVector<f64>;
    type Jacobian = DMatrix<f64>;

    /// The exact Jacobian of the residuals at `param`, one row per residual (see
    /// [`jacobian`](crate::jacobian)).
    fn jacobian(&self, param: &DVector<f64>) -> Result<DMatrix<f64>, Error> {
        Ok(matrix(
            crate::jacobian(&self.f, param.as_slice()),
            param.len(),
        ))
    }
}

impl<F> CostFunction for Residuals<F>
where
    F: for<'t> Fn(&[Value<'t>]) -> Vec<Value<'t>>,
{
    type Param = DVector<f64>;
    type Output = f64;

    /// Half the sum of the squared residuals at `param`.
    fn cost(&self, param: &DVector<f64>) -> Result<f64, Error> {
        Ok(0.5 * self.apply(param)?.norm_squared())
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

/// A matrix of `columns` columns from its rows.
fn matrix(rows: Vec<Vec<f64>>, columns: usize) -> DMatrix<f64> {
    DMatrix::from_row_iterator(rows.len(), columns, rows.into_iter().flatten())
}
