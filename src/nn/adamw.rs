//! AdamW: Adam with the weight decay kept apart from the gradient.

use super::{Adam, Optimizer};

/// AdamW (Loshchilov and Hutter), as PyTorch's `AdamW`: each step first shrinks every
/// parameter by `learning_rate * weight_decay` of itself, then takes [`Adam`]'s step on the
/// gradient alone:
///
/// ```text
/// p = p * (1 - learning_rate * weight_decay)
/// m = beta1 * m + (1 - beta1) * grad          (m and v start at 0; t counts steps from 1)
/// v = beta2 * v + (1 - beta2) * grad²
/// p = p - learning_rate / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
/// ```
///
/// With Adam's coupled decay ([`Adam::with_weight_decay`]) the decay term goes through the
/// moment estimates and is scaled down where gradients are large; here every weight decays
/// at the same rate, which is what a weight decay is meant to do and regularizes better.
///
/// ```
/// use tapegrad::nn::{AdamW, Optimizer};
///
/// let mut opt = AdamW::new(1e-3, 1e-2);
/// let mut p = [2.0];
/// opt.step(&mut p, &[0.0]);
/// // No gradient: only the decay moves the parameter.
/// assert_eq!(p, [2.0 * (1.0 - 1e-3 * 1e-2)]);
/// ```
#[derive(Clone, Debug)]
pub struct AdamW {
    /// Adam with its decoupled decay set and no coupled one.
    pub(super) adam: Adam,
}

impl AdamW {
    /// AdamW with the given learning rate and weight decay, and PyTorch's other defaults:
    /// betas 0.9 and 0.999, eps 1e-8.
    ///
    /// ```
    /// use tapegrad::nn::{AdamW, Optimizer};
    ///
    /// let opt = AdamW::new(1e-3, 1e-2);
    /// assert_eq!((opt.learning_rate(), opt.weight_decay()), (1e-3, 1e-2));
    /// ```
    pub fn new(learning_rate: f64, weight_decay: f64) -> Self {
        let mut adam = Adam::new(learning_rate);
        adam.decoupled_weight_decay = weight_decay;
        AdamW { adam }
    }

    /// The same optimizer with other decay rates for the first and second moment estimates.
    ///
    /// ```
    /// let opt = tapegrad::nn::AdamW::new(1e-3, 1e-2).with_betas(0.9, 0.95);
    /// ```
    pub fn with_betas(self, beta1: f64, beta2: f64) -> Self {
        AdamW {
            adam: self.adam.with_betas(beta1, beta2),
        }
    }

    /// The same optimizer with another `eps`, the term that keeps the division finite where
    /// the second moment is near 0.
    ///
    /// ```
    /// let opt = tapegrad::nn::AdamW::new(1e-3, 1e-2).with_eps(1e-6);
    /// ```
    pub fn with_eps(self, eps: f64) -> Self {
        AdamW {
            adam: self.adam.with_eps(eps),
        }
    }

    /// The weight decay: the fraction of itself, times the learning rate, that each
    /// parameter loses at each step.
    ///
    /// ```
    /// assert_eq!(tapegrad::nn::AdamW::default().weight_decay(), 1e-2);
    /// ```
    pub fn weight_decay(&self) -> f64 {
        self.adam.decoupled_weight_decay
    }

    /// How many steps the optimizer has taken: `t` in the bias corrections, and the step
    /// number a [`Schedule`](super::Schedule) continues from after loading.
    ///
    /// ```
    /// use tapegrad::nn::{AdamW, Optimizer};
    ///
    /// let mut opt = AdamW::default();
    /// opt.step(&mut [1.0], &[1.0]);
    /// assert_eq!(opt.steps(), 1);
    /// ```
    pub fn steps(&self) -> u64 {
        self.adam.steps
    }
}

/// `AdamW::new(1e-3, 1e-2)`: PyTorch's defaults.
///
/// ```
/// use tapegrad::nn::{AdamW, Optimizer};
///
/// let opt = AdamW::default();
/// assert_eq!((opt.learning_rate(), opt.weight_decay()), (1e-3, 1e-2));
/// ```
impl Default for AdamW {
    fn default() -> Self {
        AdamW::new(1e-3, 1e-2)
    }
}

impl Optimizer for AdamW {
    #[track_caller]
    fn update(&mut self, params: &mut [&mut f64], grads: &[f64]) {
        self.adam.update(params, grads);
    }

    fn learning_rate(&self) -> f64 {
        self.adam.learning_rate
    }

    fn set_learning_rate(&mut self, learning_rate: f64) {
        self.adam.set_learning_rate(learning_rate);
    }
}
