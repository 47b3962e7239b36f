//! Learning-rate schedules: the learning rate as a function of the step number, with an
//! optional warm-up before it and an optional reduction when the validation loss stalls.

use std::f64::consts::PI;

use super::Optimizer;

/// A learning rate that changes with the step `k` (counted from 0).
///
/// Large steps early cover ground; small steps late settle into a minimum instead of
/// bouncing around it. A schedule is made by one of its constructors ([`constant`],
/// [`linear`], [`step_decay`], [`exponential`], [`cosine`]), so that more kinds can come
/// without breaking code, and changed by two builders: [`with_warmup`] puts a linear
/// warm-up before it, and [`reduce_on_plateau`] scales it down when the validation loss
/// stops improving ([`observe`]).
///
/// A schedule steps itself: [`step`](Schedule::step) sets the optimizer's learning rate for
/// its next step from the optimizer's own step count ([`Optimizer::steps`]), which a saved
/// optimizer keeps, so after loading the schedule goes on where it was.
///
/// [`constant`]: Schedule::constant
/// [`linear`]: Schedule::linear
/// [`step_decay`]: Schedule::step_decay
/// [`exponential`]: Schedule::exponential
/// [`cosine`]: Schedule::cosine
/// [`with_warmup`]: Schedule::with_warmup
/// [`reduce_on_plateau`]: Schedule::reduce_on_plateau
/// [`observe`]: Schedule::observe
///
/// ```
/// use tapegrad::nn::{Optimizer, Schedule, Sgd};
///
/// // micrograd's demo: lr = 1.0 - 0.9 k / steps
/// let steps = 100;
/// let schedule = Schedule::linear(1.0, 0.1, steps);
/// let mut sgd = Sgd::new(1.0);
/// for k in 0..steps {
///     schedule.step(&mut sgd); // the rate of step k = sgd.steps()
///     assert_eq!(sgd.learning_rate(), schedule.at(k));
///     sgd.step(&mut [0.0], &[0.0]); // ... compute gradients, sgd.step(..)
/// }
/// assert_eq!(schedule.at(50), 1.0 - 0.9 * 50.0 / 100.0);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Schedule {
    shape: Shape,
    /// Steps of linear warm-up before the shape starts.
    warmup: usize,
    plateau: Option<Plateau>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Shape {
    Constant(f64),
    Linear {
        start: f64,
        end: f64,
        steps: usize,
    },
    StepDecay {
        start: f64,
        factor: f64,
        every: usize,
    },
    Exponential {
        start: f64,
        gamma: f64,
    },
    Cosine {
        start: f64,
        end: f64,
        steps: usize,
    },
}

/// Reduce-on-plateau's settings and what it has seen.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Plateau {
    factor: f64,
    patience: usize,
    /// The product of the reductions so far: `factor^reductions`.
    scale: f64,
    reductions: u32,
    /// The lowest loss seen.
    best: f64,
    /// Epochs since the loss last went below `best`, counted since the last reduction.
    bad_epochs: usize,
}

impl Schedule {
    fn of(shape: Shape) -> Self {
        Schedule {
            shape,
            warmup: 0,
            plateau: None,
        }
    }

    /// The same rate at every step.
    ///
    /// ```
    /// assert_eq!(tapegrad::nn::Schedule::constant(0.1).at(1000), 0.1);
    /// ```
    pub fn constant(rate: f64) -> Self {
        Schedule::of(Shape::Constant(rate))
    }

    /// From `start` at step 0 in a straight line to `end` at step `steps`, then `end`:
    /// `start + (end - start) * k / steps`.
    ///
    /// ```
    /// let linear = tapegrad::nn::Schedule::linear(1.0, 0.0, 4);
    /// assert_eq!((linear.at(1), linear.at(4), linear.at(9)), (0.75, 0.0, 0.0));
    /// ```
    pub fn linear(start: f64, end: f64, steps: usize) -> Self {
        Schedule::of(Shape::Linear { start, end, steps })
    }

    /// `start`, multiplied by `factor` (typically 0.1 to 0.5) every `every` steps:
    /// `start * factor^(k / every)` with integer division (PyTorch's `StepLR`).
    ///
    /// ```
    /// let step = tapegrad::nn::Schedule::step_decay(1.0, 0.5, 10);
    /// assert_eq!((step.at(9), step.at(10), step.at(25)), (1.0, 0.5, 0.25));
    /// ```
    ///
    /// # Panics
    /// If `every` is 0.
    #[track_caller]
    pub fn step_decay(start: f64, factor: f64, every: usize) -> Self {
        assert!(
            every > 0,
            "a step-decay schedule needs `every` of at least 1"
        );
        Schedule::of(Shape::StepDecay {
            start,
            factor,
            every,
        })
    }

    /// `start`, multiplied by `gamma` (just below 1) at every step: `start * gamma^k`
    /// (PyTorch's `ExponentialLR`, stepped once a step).
    ///
    /// ```
    /// let decay = tapegrad::nn::Schedule::exponential(0.1, 0.5);
    /// assert_eq!((decay.at(0), decay.at(1), decay.at(3)), (0.1, 0.05, 0.0125));
    /// ```
    pub fn exponential(start: f64, gamma: f64) -> Self {
        Schedule::of(Shape::Exponential { start, gamma })
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
        Schedule::of(Shape::Cosine { start, end, steps })
    }

    /// The same schedule after `steps` steps of linear warm-up: step `k < steps` takes
    /// `(k + 1) / steps` of the schedule's first rate, and from step `steps` on the schedule
    /// runs as it would from step 0. Early steps of Adam, whose moment estimates rest on few
    /// gradients, and of large learning rates are then small.
    ///
    /// ```
    /// use tapegrad::nn::Schedule;
    ///
    /// let schedule = Schedule::cosine(0.1, 0.0, 100).with_warmup(4);
    /// assert_eq!((schedule.at(0), schedule.at(1), schedule.at(3)), (0.025, 0.05, 0.1));
    /// assert_eq!(schedule.at(4 + 100), 0.0); // the cosine's end, 4 steps later
    /// ```
    pub fn with_warmup(self, steps: usize) -> Self {
        Schedule {
            warmup: steps,
            ..self
        }
    }

    /// The same schedule, scaled down by `factor` each time the loss given to
    /// [`observe`](Schedule::observe) (once an epoch, the validation loss) has not gone below
    /// its lowest value for more than `patience` epochs in a row, as PyTorch's
    /// `ReduceLROnPlateau(mode="min", factor, patience, threshold=0)`: after a reduction the
    /// count of epochs without improvement starts again from 0. The reductions are the
    /// schedule's own state, which a [`Checkpoint`](super::Checkpoint) does not hold.
    ///
    /// ```
    /// use tapegrad::nn::Schedule;
    ///
    /// let mut schedule = Schedule::constant(0.1).reduce_on_plateau(0.5, 1);
    /// for loss in [1.0, 0.8, 0.9, 0.85] {
    ///     schedule.observe(loss); // 0.9 and 0.85 are two epochs without a better loss
    /// }
    /// assert_eq!(schedule.at(0), 0.05);
    /// assert_eq!(schedule.reductions(), 1);
    /// ```
    ///
    /// # Panics
    /// If `factor` is not in `(0, 1)`.
    #[track_caller]
    pub fn reduce_on_plateau(self, factor: f64, patience: usize) -> Self {
        assert!(
            factor > 0.0 && factor < 1.0,
            "reduce-on-plateau multiplies the rate by a factor in (0, 1), got {factor}"
        );
        Schedule {
            plateau: Some(Plateau {
                factor,
                patience,
                scale: 1.0,
                reductions: 0,
                best: f64::INFINITY,
                bad_epochs: 0,
            }),
            ..self
        }
    }

    /// Tells a reduce-on-plateau schedule the loss of the epoch just ended (the validation
    /// loss, usually); returns whether the rate was reduced. A loss that is not below the
    /// lowest one so far counts as an epoch without improvement, NaN included. A schedule
    /// made without [`reduce_on_plateau`](Schedule::reduce_on_plateau) ignores it and
    /// returns `false`.
    ///
    /// ```
    /// use tapegrad::nn::Schedule;
    ///
    /// let mut schedule = Schedule::constant(1.0).reduce_on_plateau(0.1, 0);
    /// assert!(!schedule.observe(2.0)); // the first loss is the best so far
    /// assert!(schedule.observe(2.0)); // not better, and patience is 0
    /// assert!((schedule.at(0) - 0.1).abs() < 1e-15);
    /// assert!(!Schedule::constant(1.0).observe(5.0));
    /// ```
    pub fn observe(&mut self, loss: f64) -> bool {
        let Some(plateau) = &mut self.plateau else {
            return false;
        };
        if loss < plateau.best {
            plateau.best = loss;
            plateau.bad_epochs = 0;
            return false;
        }
        plateau.bad_epochs += 1;
        if plateau.bad_epochs > plateau.patience {
            plateau.scale *= plateau.factor;
            plateau.reductions += 1;
            plateau.bad_epochs = 0;
            return true;
        }
        false
    }

    /// How many times [`observe`](Schedule::observe) has reduced the rate.
    ///
    /// ```
    /// assert_eq!(tapegrad::nn::Schedule::constant(0.1).reductions(), 0);
    /// ```
    pub fn reductions(&self) -> u32 {
        self.plateau.map_or(0, |p| p.reductions)
    }

    /// Sets `optimizer`'s learning rate to the rate of its next step: [`at`](Schedule::at)
    /// its step count ([`Optimizer::steps`]). Call it before each optimizer step; a loaded
    /// optimizer keeps its count, so the schedule continues where it stopped.
    ///
    /// ```
    /// use tapegrad::nn::{Adam, Optimizer, Schedule};
    ///
    /// let schedule = Schedule::exponential(0.1, 0.9);
    /// let mut adam = Adam::new(0.0);
    /// let mut p = [1.0];
    /// for _ in 0..3 {
    ///     schedule.step(&mut adam);
    ///     adam.step(&mut p, &[1.0]);
    /// }
    /// schedule.step(&mut adam);
    /// assert_eq!(adam.learning_rate(), 0.1 * 0.9f64.powf(3.0));
    /// ```
    pub fn step<O: Optimizer + ?Sized>(&self, optimizer: &mut O) {
        let k = usize::try_from(optimizer.steps()).unwrap_or(usize::MAX);
        optimizer.set_learning_rate(self.at(k));
    }

    /// The learning rate at step `k` (counted from 0): the warm-up's or the shape's, times
    /// the reductions so far.
    ///
    /// ```
    /// use tapegrad::nn::Schedule;
    ///
    /// assert_eq!(Schedule::linear(1.0, 0.1, 100).at(100), 0.1);
    /// ```
    pub fn at(&self, k: usize) -> f64 {
        let rate = if k < self.warmup {
            self.shape.at(0) * (k + 1) as f64 / self.warmup as f64
        } else {
            self.shape.at(k - self.warmup)
        };
        rate * self.plateau.map_or(1.0, |p| p.scale)
    }
}

impl Shape {
    fn at(self, k: usize) -> f64 {
        match self {
            Shape::Constant(rate) => rate,
            Shape::Linear { start, end, steps } => {
                if k >= steps {
                    end
                } else {
                    start + (end - start) * k as f64 / steps as f64
                }
            }
            Shape::StepDecay {
                start,
                factor,
                every,
            } => {
                let decays = i32::try_from(k / every).unwrap_or(i32::MAX);
                start * factor.powi(decays)
            }
            Shape::Exponential { start, gamma } => start * gamma.powf(k as f64),
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
