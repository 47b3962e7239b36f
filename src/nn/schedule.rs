//! Learning-rate schedules: the learning rate as a function of the step number.

use std::f64::consts::PI;

/// A learning rate that changes with the step `k` (counted from 0). Set it on the optimizer
/// before each step with [`Optimizer::set_learning_rate`](super::Optimizer::set_learning_rate).
///
/// Large steps early cover ground; small steps late settle into a minimum instead of
/// bouncing around it.
///
/// ```
/// use tapegrad::nn::{Optimizer, Schedule, Sgd};
///
/// // micrograd's demo: lr = 1.0 - 0.9 k / steps
/// let steps = 100;
/// let schedule = Schedule::Linear { start: 1.0, end: 0.1, steps };
/// let mut sgd = Sgd::new(schedule.at(0));
/// for k in 0..steps {
///     sgd.set_learning_rate(schedule.at(k));
///     // ... compute gradients, sgd.step(..)
/// }
/// assert_eq!(schedule.at(50), 1.0 - 0.9 * 50.0 / 100.0);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Schedule {
    /// The same rate at every step.
    Constant(f64),
    /// From `start` at step 0 in a straight line to `end` at step `steps`, then `end`:
    /// `start + (end - start) * k / steps`.
    Linear {
        /// The rate at step 0.
        start: f64,
        /// The rate from step `steps` on.
        end: f64,
        /// How many steps the decay takes.
        steps: usize,
    },
    /// `start`, multiplied by `factor` every `every` steps: `start * factor^(k / every)`
    /// with integer division.
    Step {
        /// The rate for the first `every` steps.
        start: f64,
        /// What the rate is multiplied by, typically 0.1 to 0.5.
        factor: f64,
        /// How many steps between decays.
        every: usize,
    },
    /// Half a cosine from `start` at step 0 to `end` at step `steps`, then `end`:
    /// `end + (start - end) * (1 + cos(pi * k / steps)) / 2`.
    Cosine {
        /// The rate at step 0.
        start: f64,
        /// The rate from step `steps` on.
        end: f64,
        /// How many steps the decay takes.
        steps: usize,
    },
}

impl Schedule {
    /// The learning rate at step `k` (counted from 0).
    ///
    /// ```
    /// use tapegrad::nn::Schedule;
    ///
    /// let step = Schedule::Step { start: 1.0, factor: 0.5, every: 10 };
    /// assert_eq!((step.at(9), step.at(10), step.at(25)), (1.0, 0.5, 0.25));
    /// let cosine = Schedule::Cosine { start: 1.0, end: 0.0, steps: 100 };
    /// assert_eq!((cosine.at(0), cosine.at(100), cosine.at(200)), (1.0, 0.0, 0.0));
    /// ```
    ///
    /// # Panics
    /// For a `Step` schedule with `every == 0`.
    #[track_caller]
    pub fn at(&self, k: usize) -> f64 {
        match *self {
            Schedule::Constant(rate) => rate,
            Schedule::Linear { start, end, steps } => {
                if k >= steps {
                    end
                } else {
                    start + (end - start) * k as f64 / steps as f64
                }
            }
            Schedule::Step {
                start,
                factor,
                every,
            } => {
                assert!(every > 0, "a Step schedule needs `every` of at least 1");
                let decays = i32::try_from(k / every).unwrap_or(i32::MAX);
                start * factor.powi(decays)
            }
            Schedule::Cosine { start, end, steps } => {
                if k >= steps {
                    end
                } else {
                    end + (start - end) * (1.0 + (PI * k as f64 / steps as f64).cos()) / 2.0
                }
            }
        }
    }
}
