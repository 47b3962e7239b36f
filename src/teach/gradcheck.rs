//! Backward's gradients against central finite differences.

use std::fmt;

use super::number;
use crate::fast::Tape;
use crate::value::Value;

/// The finite-difference step of [`gradcheck`], relative to the input: input `x` moves by
/// `DEFAULT_STEP * max(1, |x|)`. PyTorch's `gradcheck` uses `1e-6` (absolute) for `f64`.
///
/// With this step the central difference is off by about `step² · f''' / 6` from the
/// derivative (truncation) plus `1e-16 · |f| / step` (rounding): about `1e-10 · |f|` for
/// functions whose derivatives are of the size of the function.
///
/// ```
/// assert_eq!(tapegrad::teach::DEFAULT_STEP, 1e-6);
/// ```
pub const DEFAULT_STEP: f64 = 1e-6;

/// How close backward's gradient and the finite difference must be:
/// `|analytic - numeric| <= atol + rtol * |numeric|` for every input.
///
/// [`Tolerance::default`] is PyTorch's `gradcheck` default for `f64`: `atol = 1e-5`,
/// `rtol = 1e-3`. A correct rule does far better on smooth functions (about `1e-9`); the
/// defaults leave room for functions with large higher derivatives.
///
/// ```
/// use tapegrad::teach::Tolerance;
///
/// let tol = Tolerance::default();
/// assert_eq!((tol.atol(), tol.rtol()), (1e-5, 1e-3));
/// let strict = Tolerance::new(1e-8, 1e-8);
/// assert_eq!(Tolerance::default().with_atol(1e-8).with_rtol(1e-8), strict);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tolerance {
    atol: f64,
    rtol: f64,
}

impl Tolerance {
    /// A tolerance of `atol` plus `rtol` times the finite difference's size.
    ///
    /// ```
    /// let tol = tapegrad::teach::Tolerance::new(1e-6, 0.0);
    /// assert_eq!((tol.atol(), tol.rtol()), (1e-6, 0.0));
    /// ```
    ///
    /// # Panics
    /// If either is negative or NaN.
    #[track_caller]
    pub fn new(atol: f64, rtol: f64) -> Self {
        assert!(
            atol >= 0.0 && rtol >= 0.0,
            "a tolerance is a number from 0 up: got atol = {atol}, rtol = {rtol}"
        );
        Tolerance { atol, rtol }
    }

    /// The same tolerance with another absolute part.
    ///
    /// ```
    /// let tol = tapegrad::teach::Tolerance::default().with_atol(1e-9);
    /// assert_eq!((tol.atol(), tol.rtol()), (1e-9, 1e-3));
    /// ```
    ///
    /// # Panics
    /// If `atol` is negative or NaN.
    #[track_caller]
    pub fn with_atol(self, atol: f64) -> Self {
        Tolerance::new(atol, self.rtol)
    }

    /// The same tolerance with another relative part.
    ///
    /// ```
    /// let tol = tapegrad::teach::Tolerance::default().with_rtol(0.0);
    /// assert_eq!((tol.atol(), tol.rtol()), (1e-5, 0.0));
    /// ```
    ///
    /// # Panics
    /// If `rtol` is negative or NaN.
    #[track_caller]
    pub fn with_rtol(self, rtol: f64) -> Self {
        Tolerance::new(self.atol, rtol)
    }

    /// Absolute tolerance: what matters for gradients near zero.
    ///
    /// ```
    /// assert_eq!(tapegrad::teach::Tolerance::default().atol(), 1e-5);
    /// ```
    pub fn atol(self) -> f64 {
        self.atol
    }

    /// Relative tolerance, a fraction of the finite difference's size.
    ///
    /// ```
    /// assert_eq!(tapegrad::teach::Tolerance::default().rtol(), 1e-3);
    /// ```
    pub fn rtol(self) -> f64 {
        self.rtol
    }
}

impl Default for Tolerance {
    /// PyTorch's `gradcheck` default for `f64`: `atol = 1e-5`, `rtol = 1e-3`.
    ///
    /// ```
    /// let tol = tapegrad::teach::Tolerance::default();
    /// assert_eq!(tol.rtol(), 1e-3);
    /// ```
    fn default() -> Self {
        Tolerance {
            atol: 1e-5,
            rtol: 1e-3,
        }
    }
}

/// What [`gradcheck`] found: for each input, backward's gradient, the finite difference and
/// how far apart they are.
///
/// Its `Display` prints a table, one row per input.
///
/// ```
/// use tapegrad::{gradcheck, teach::Tolerance};
///
/// let report = gradcheck(|x| x[0].exp() * x[1], &[0.5, 2.0]);
/// assert!(report.passes(Tolerance::default()));
/// assert!(report.worst_abs_error() < 1e-8);
/// assert_eq!(report.inputs()[1].analytic(), 0.5f64.exp());
/// println!("{report}");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct GradcheckReport {
    value: f64,
    step: f64,
    inputs: Vec<InputCheck>,
}

/// One input's line of a [`GradcheckReport`].
///
/// ```
/// let report = tapegrad::gradcheck(|x| x[0] * x[0], &[3.0]);
/// let check = report.inputs()[0];
/// assert_eq!((check.at(), check.analytic()), (3.0, 6.0));
/// assert!((check.numeric() - 6.0).abs() < 1e-8);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct InputCheck {
    at: f64,
    analytic: f64,
    numeric: f64,
}

/// Checks backward's gradient of `f` at the point `at` against central finite differences,
/// with the step [`DEFAULT_STEP`]. See [`gradcheck_with_step`].
///
/// `f` receives one input value per number of `at` (on a fresh tape) and returns the output.
/// Call [`GradcheckReport::passes`] on the result, with [`Tolerance::default`] (PyTorch's) or
/// a tolerance of your own.
///
/// ```
/// use tapegrad::{gradcheck, teach::Tolerance};
///
/// // f(x, y) = x sin(y), df/dx = sin(y), df/dy = x cos(y)
/// let report = gradcheck(|v| v[0] * v[1].sin(), &[1.5, -0.3]);
/// assert!(report.passes(Tolerance::default()));
/// assert_eq!(report.inputs()[1].analytic(), 1.5 * (-0.3f64).cos());
/// ```
///
/// # Panics
/// If `at` is empty (`f` would have no tape to compute on), or `f` returns a value of another
/// tape than its inputs'.
#[track_caller]
pub fn gradcheck(f: impl for<'t> Fn(&[Value<'t>]) -> Value<'t>, at: &[f64]) -> GradcheckReport {
    gradcheck_with_step(f, at, DEFAULT_STEP)
}

/// [`gradcheck`] with a step of your choice: input `x` moves by `step * max(1, |x|)` each
/// way, and the numeric derivative is `(f(x + h) - f(x - h)) / (2h)`, with `2h` taken as the
/// difference of the two points actually evaluated.
///
/// The analytic gradient comes from one [`Value::backward`]; the numeric one from evaluating
/// `f` on values again, at the moved points (two evaluations per input).
///
/// ```
/// // A coarse step shows the truncation error of the central difference: for x³ at 1 it is
/// // exactly h² (the third derivative, 6, times h² / 6).
/// let report = tapegrad::teach::gradcheck_with_step(|x| x[0].powi(3), &[1.0], 1e-2);
/// assert!((report.inputs()[0].abs_error() - 1e-4).abs() < 1e-12);
/// ```
///
/// # Panics
/// If `at` is empty (`f` would have no tape to compute on), `step` is not a positive finite
/// number, or `f` returns a value of another tape than its inputs'.
#[track_caller]
pub fn gradcheck_with_step(
    f: impl for<'t> Fn(&[Value<'t>]) -> Value<'t>,
    at: &[f64],
    step: f64,
) -> GradcheckReport {
    assert!(
        !at.is_empty(),
        "gradcheck needs at least one input to differentiate by; got an empty point"
    );
    assert!(
        step > 0.0 && step.is_finite(),
        "the finite-difference step must be a positive finite number, got {step}"
    );
    let mut tape = Tape::new();
    let (value, analytic) = {
        let inputs: Vec<Value> = at.iter().map(|&x| tape.var(x)).collect();
        let y = f(&inputs);
        assert!(
            std::ptr::eq(y.tape(), &tape),
            "gradcheck's function must return a value computed from its inputs, on their tape"
        );
        y.backward();
        let analytic: Vec<f64> = inputs.iter().map(|x| x.grad()).collect();
        (y.data(), analytic)
    };

    let mut point = at.to_vec();
    let inputs = analytic
        .into_iter()
        .enumerate()
        .map(|(j, analytic)| {
            let x = at[j];
            let h = step * x.abs().max(1.0);
            point[j] = x + h;
            let up = evaluate(&mut tape, &f, &point);
            point[j] = x - h;
            let down = evaluate(&mut tape, &f, &point);
            point[j] = x;
            let numeric = (up - down) / ((x + h) - (x - h));
            InputCheck {
                at: x,
                analytic,
                numeric,
            }
        })
        .collect();
    GradcheckReport {
        value,
        step,
        inputs,
    }
}

/// `f` at `point`, recorded on `tape` after clearing it.
fn evaluate(tape: &mut Tape, f: &impl for<'t> Fn(&[Value<'t>]) -> Value<'t>, point: &[f64]) -> f64 {
    tape.clear();
    let tape = &*tape;
    let inputs: Vec<Value> = point.iter().map(|&x| tape.var(x)).collect();
    f(&inputs).data()
}

impl GradcheckReport {
    /// The value of `f` at the point.
    ///
    /// ```
    /// let report = tapegrad::gradcheck(|x| x[0] * 4.0, &[2.5]);
    /// assert_eq!(report.value(), 10.0);
    /// ```
    pub fn value(&self) -> f64 {
        self.value
    }

    /// The relative step the finite differences used ([`DEFAULT_STEP`] for [`gradcheck`]).
    ///
    /// ```
    /// let report = tapegrad::gradcheck(|x| x[0], &[1.0]);
    /// assert_eq!(report.step(), tapegrad::teach::DEFAULT_STEP);
    /// ```
    pub fn step(&self) -> f64 {
        self.step
    }

    /// One check per input, in the order of the point.
    ///
    /// ```
    /// let report = tapegrad::gradcheck(|x| x[0] - x[1], &[1.0, 2.0]);
    /// let grads: Vec<f64> = report.inputs().iter().map(|c| c.analytic()).collect();
    /// assert_eq!(grads, [1.0, -1.0]);
    /// ```
    pub fn inputs(&self) -> &[InputCheck] {
        &self.inputs
    }

    /// The largest [`abs_error`](InputCheck::abs_error) over the inputs (NaN if any is NaN).
    ///
    /// ```
    /// let report = tapegrad::gradcheck(|x| x[0].sin() + x[1], &[0.3, 1.0]);
    /// assert!(report.worst_abs_error() < 1e-9);
    /// ```
    pub fn worst_abs_error(&self) -> f64 {
        worst(self.inputs.iter().map(InputCheck::abs_error))
    }

    /// The largest [`rel_error`](InputCheck::rel_error) over the inputs (NaN if any is NaN).
    ///
    /// ```
    /// let report = tapegrad::gradcheck(|x| x[0].exp(), &[2.0]);
    /// assert!(report.worst_rel_error() < 1e-8);
    /// ```
    pub fn worst_rel_error(&self) -> f64 {
        worst(self.inputs.iter().map(InputCheck::rel_error))
    }

    /// Whether every input [`passes`](InputCheck::passes) the tolerance.
    ///
    /// ```
    /// use tapegrad::{gradcheck, teach::Tolerance};
    ///
    /// // relu has a kink at 0; away from it, its gradient checks out.
    /// assert!(gradcheck(|x| x[0].relu(), &[0.5]).passes(Tolerance::default()));
    /// // At the kink, backward's choice (0) is not the central difference (1/2).
    /// assert!(!gradcheck(|x| x[0].relu(), &[0.0]).passes(Tolerance::default()));
    /// ```
    pub fn passes(&self, tolerance: Tolerance) -> bool {
        self.inputs.iter().all(|c| c.passes(tolerance))
    }
}

impl InputCheck {
    /// The input's value at the point.
    ///
    /// ```
    /// let report = tapegrad::gradcheck(|x| x[0], &[7.0]);
    /// assert_eq!(report.inputs()[0].at(), 7.0);
    /// ```
    pub fn at(&self) -> f64 {
        self.at
    }

    /// Backward's gradient with respect to this input.
    ///
    /// ```
    /// let report = tapegrad::gradcheck(|x| x[0] * 3.0, &[1.0]);
    /// assert_eq!(report.inputs()[0].analytic(), 3.0);
    /// ```
    pub fn analytic(&self) -> f64 {
        self.analytic
    }

    /// The central finite difference with respect to this input.
    ///
    /// ```
    /// let report = tapegrad::gradcheck(|x| x[0] * 3.0, &[1.0]);
    /// assert!((report.inputs()[0].numeric() - 3.0).abs() < 1e-9);
    /// ```
    pub fn numeric(&self) -> f64 {
        self.numeric
    }

    /// `|analytic - numeric|`.
    ///
    /// ```
    /// let report = tapegrad::gradcheck(|x| x[0].powi(2), &[1.0]);
    /// assert!(report.inputs()[0].abs_error() < 1e-9);
    /// ```
    pub fn abs_error(&self) -> f64 {
        (self.analytic - self.numeric).abs()
    }

    /// `|analytic - numeric| / max(|analytic|, |numeric|)`, `0` when both are zero: at most
    /// `2`, and large for tiny gradients drowned in rounding noise (which is why
    /// [`passes`](InputCheck::passes) also has an absolute tolerance).
    ///
    /// ```
    /// let report = tapegrad::gradcheck(|x| x[0] * 0.0, &[1.0]);
    /// assert_eq!(report.inputs()[0].rel_error(), 0.0);
    /// ```
    pub fn rel_error(&self) -> f64 {
        let scale = self.analytic.abs().max(self.numeric.abs());
        if scale == 0.0 {
            0.0
        } else {
            self.abs_error() / scale
        }
    }

    /// Whether `|analytic - numeric| <= atol + rtol * |numeric|` (false when either is NaN or
    /// infinite).
    ///
    /// ```
    /// use tapegrad::teach::Tolerance;
    ///
    /// let report = tapegrad::gradcheck(|x| x[0].ln(), &[-1.0]); // NaN: outside the domain
    /// assert!(!report.inputs()[0].passes(Tolerance::default()));
    /// ```
    pub fn passes(&self, tolerance: Tolerance) -> bool {
        self.analytic.is_finite()
            && self.numeric.is_finite()
            && self.abs_error() <= tolerance.atol + tolerance.rtol * self.numeric.abs()
    }
}

/// The largest of some errors, NaN if any is NaN (`f64::max` would drop it).
fn worst(errors: impl Iterator<Item = f64>) -> f64 {
    errors.fold(
        0.0,
        |worst, e| if e > worst || e.is_nan() { e } else { worst },
    )
}

/// The report as a table, one row per input, then the worst errors.
///
/// ```
/// let report = tapegrad::gradcheck(|x| x[0] * x[1], &[2.0, 3.0]);
/// let text = report.to_string();
/// assert!(text.contains("analytic"));
/// assert_eq!(text.lines().count(), 5); // summary, header, two inputs, worst
/// ```
impl fmt::Display for GradcheckReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "gradcheck of f = {} at {} inputs, central differences with step {:e} x max(1, |x|)",
            number(self.value),
            self.inputs.len(),
            self.step
        )?;
        let header = [
            "input",
            "at",
            "analytic",
            "numeric",
            "abs error",
            "rel error",
        ];
        let rows: Vec<[String; 6]> = self
            .inputs
            .iter()
            .enumerate()
            .map(|(j, c)| {
                [
                    j.to_string(),
                    number(c.at),
                    number(c.analytic),
                    number(c.numeric),
                    format!("{:.2e}", c.abs_error()),
                    format!("{:.2e}", c.rel_error()),
                ]
            })
            .collect();
        let mut width = header.map(str::len);
        for row in &rows {
            for (w, cell) in width.iter_mut().zip(row) {
                *w = (*w).max(cell.len());
            }
        }
        let line = |f: &mut fmt::Formatter<'_>, cells: [&str; 6]| {
            for (k, (cell, w)) in cells.iter().zip(width).enumerate() {
                let gap = if k == 0 { "" } else { "  " };
                write!(f, "{gap}{cell:>w$}")?;
            }
            writeln!(f)
        };
        line(f, header)?;
        for row in &rows {
            line(f, row.each_ref().map(String::as_str))?;
        }
        writeln!(
            f,
            "worst: abs error {:.2e}, rel error {:.2e}",
            self.worst_abs_error(),
            self.worst_rel_error()
        )
    }
}
