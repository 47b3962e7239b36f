//! Learning-rate schedules: the learning rate as a function of the step number.

use std::f64::consts::PI;

/// A learning rate that changes with the step `k` (counted from 0). Set it on the optimizer
/// before each step with [`Optimizer::set_learning_rate`](super::Optimizer::set_learning_rate).
///
/// Large steps early cover ground; small steps late settle into a minimum instead of
/// bouncing around it. A schedule is made by one of its constructors ([`constant`],
/// [`linear`], [`step`], [`cosine`]), so that more kinds can come without breaking code.
///
/// [`constant`]: Schedule::constant
/// [`linear`]: Schedule::linear
/// [`step`]: Schedule::step
/// [`cosine`]: Schedule::cosine
///
/// ```
/// use tapegrad::nn::{Optimizer, Schedule, Sgd};
///
/// // micrograd's demo: lr = 1.0 - 0.9 k / steps
/// let steps = 100;
/// let schedule = Schedule::linear(1.0, 0.1, steps);
/// let mut sgd = Sgd::new(schedule.at(0));
/// for k in 0..steps {
///     sgd.set_learning_rate(schedule.at(k));
///     // ... compute gradients, sgd.step(..)
/// }
/// assert_eq!(schedule.at(50), 1.0 - 0.9 * 50.0 / 100.0);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Schedule {
    shape: Shape,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Shape {
    Constant(f64),
    Linear {
        start: f64,
        end: f64,
        steps: usize,
    },
    Step {
        start: f64,
        factor: f64,
        every: usize,
    },
    Cosine {
        start: f64,
        end: f64,
        steps: usize,
    },
}

impl Schedule {
    /// The same rate at every step.
    ///
    /// ```
    /// assert_eq!(tapegrad::nn::Schedule::constant(0.1).at(1000), 0.1);
    /// ```
    pub fn constant(rate: f64) -> Self {
        Schedule {
            shape: Shape::Constant(rate),
        }
    }

    /// From `start` at step 0 in a straight line to `end` at step `steps`, then `end`:
    /// `start + (end - start) * k / steps`.
    ///
    /// ```
    /// let linear = tapegrad::nn::Schedule::linear(1.0, 0.0, 4);
    /// assert_eq!((linear.at(1), linear.at(4), linear.at(9)), (0.75, 0.0, 0.0));
    /// ```
    pub fn linear(start: f64, end: f64, steps: usize) -> Self {
        Schedule {
            shape: Shape::Linear { start, end, steps },
        }
    }

    /// `start`, multiplied by `factor` (typically 0.1 to 0.5) every `every` steps:
    /// `start * factor^(k / every)` with integer division.
    ///
    /// ```
    /// let step = tapegrad::nn::Schedule::step(1.0, 0.5, 10);
    /// assert_eq!((step.at(9), step.at(10), step.at(25)), (1.0, 0.5, 0.25));
    /// ```
    ///
    /// # Panics
    /// If `every` is 0.
    #[track_caller]
    pub fn step(start: f64, factor: f64, every: usize) -> Self {
        assert!(every > 0, "a step schedule needs `every` of at least 1");
        Schedule {
            shape: Shape::Step {
                start,
                factor,
                every,
            },
        }
    }

    /// Half a cosine from `start` at step 0 to `end` at step `steps`, then `end`:
    /// `end + (start - end) * (1 + cos(pi * k / steps)) / 2`.
    ///
    /// ```
    /// let cosine = tapegrad::nn::Schedule::cosine(1.0, 0.0, 100);
    /// assert_eq!((cosine.at(0), cosine.at(100), cosine.at(200)), (1.0, 0.0, 0.0));
    /// assert!((cosine.at(50) - 0.5).abs() < 1e-15);
    /// ```
    pub fn cosine(start: f64, end: f64, steps: usize) -> Self {
        Schedule {
            shape: Shape::Cosine { start, end, steps },
        }
    }

    /// The learning rate at step `k` (counted from 0).
    ///
    /// ```
    /// use tapegrad::nn::Schedule;
    ///
    /// assert_eq!(Schedule::linear(1.0, 0.1, 100).at(100), 0.1);
    /// ```
    pub fn at(&self, k: usize) -> f64 {
        match self.shape {
            Shape::Constant(rate) => rate,
            Shape::Linear { start, end, steps } => {
                if k >= steps {
                    end
                } else {
                    start + (end - start) * k as f64 / steps as f64
                }
            }
            Shape::Step {
                start,
                factor,
                every,
            } => {
                let decays = i32::try_from(k / every).unwrap_or(i32::MAX);
                start * factor.powi(decays)
            }
            Shape::Cosine { start, end, steps } => {
                if k >= steps {
                    end
                } else {
                    end + (start - end) * (1.0 + (PI * k as f64 / steps as f64).cos()) / 2.0
                }
            }
        }
    }
}
