//! Optimizers: how the plain `f64` parameters move, given their gradients.
//!
//! An optimizer keeps its own state (velocities, moment estimates), one entry per parameter
//! in the order of [`Module::parameters`](super::Module::parameters), and sizes it at its
//! first step.

use super::ParametersMut;

/// Something that updates parameters from their gradients, one step at a time.
///
/// ```
/// use tapegrad::nn::{Adam, Optimizer, Sgd};
///
/// fn descend(opt: &mut impl Optimizer, x: &mut f64) {
///     for _ in 0..2000 {
///         let grad = 2.0 * (*x - 3.0); // d/dx (x - 3)²
///         opt.step([&mut *x], &[grad]);
///     }
/// }
/// let (mut a, mut b) = (0.0, 0.0);
/// descend(&mut Sgd::new(0.1), &mut a);
/// descend(&mut Adam::new(0.05), &mut b);
/// assert!((a - 3.0).abs() < 1e-9 && (b - 3.0).abs() < 1e-6);
/// ```
pub trait Optimizer {
    /// Updates each parameter from its gradient: `params[i]` from `grads[i]`. This is the
    /// method an optimizer implements; callers usually go through [`step`](Optimizer::step),
    /// which takes the parameters from any iterator, such as
    /// [`Module::parameters_mut`](super::Module::parameters_mut).
    ///
    /// ```
    /// use tapegrad::nn::{Optimizer, Sgd};
    ///
    /// let (mut a, mut b) = (1.0, 2.0);
    /// let mut opt: Box<dyn Optimizer> = Box::new(Sgd::new(0.5));
    /// opt.update(&mut [&mut a, &mut b], &[2.0, -2.0]);
    /// assert_eq!((a, b), (0.0, 3.0));
    /// ```
    ///
    /// # Panics
    /// If `params` and `grads` differ in length, or hold another number of parameters than
    /// the optimizer saw at its first step. The crate's optimizers check before they change
    /// anything: after the panic the parameters and the optimizer are as they were.
    fn update(&mut self, params: &mut [&mut f64], grads: &[f64]);

    /// The learning rate the next step will use.
    ///
    /// ```
    /// use tapegrad::nn::{Optimizer, Sgd};
    ///
    /// assert_eq!(Sgd::new(0.1).learning_rate(), 0.1);
    /// ```
    fn learning_rate(&self) -> f64;

    /// Sets the learning rate for the next steps (see [`Schedule`](super::Schedule)).
    ///
    /// ```
    /// use tapegrad::nn::{Adam, Optimizer};
    ///
    /// let mut adam = Adam::default();
    /// adam.set_learning_rate(0.01);
    /// assert_eq!(adam.learning_rate(), 0.01);
    /// ```
    fn set_learning_rate(&mut self, learning_rate: f64);

    /// Updates each parameter from its gradient. `params` and `grads` come in the same order:
    /// pass [`Module::parameters_mut`](super::Module::parameters_mut) and the gradients of the
    /// run that [`Module::bind`](super::Module::bind) returned.
    ///
    /// ```
    /// use tapegrad::nn::{Optimizer, Sgd};
    ///
    /// let mut params = [1.0, 2.0];
    /// Sgd::new(0.5).step(&mut params, &[2.0, -2.0]);
    /// assert_eq!(params, [0.0, 3.0]);
    /// ```
    ///
    /// # Panics
    /// If `params` yields a different number of parameters than `grads` holds, or than the
    /// optimizer saw at its first step. It checks before it changes anything: after the
    /// panic the parameters and the optimizer are as they were.
    #[track_caller]
    fn step<'p>(&mut self, params: impl IntoIterator<Item = &'p mut f64>, grads: &[f64])
    where
        Self: Sized,
    {
        let mut params = checked(params, grads.len());
        self.update(params.as_mut_slice(), grads);
    }
}

/// A boxed optimizer is an optimizer: `Box<dyn Optimizer>` chooses one at run time, from a
/// configuration say, and has [`step`](Optimizer::step) too.
///
/// ```
/// use tapegrad::nn::{Adam, Optimizer, Sgd};
///
/// let name = "adam";
/// let mut opt: Box<dyn Optimizer> = match name {
///     "sgd" => Box::new(Sgd::new(0.1).with_momentum(0.9)),
///     _ => Box::new(Adam::new(0.1)),
/// };
/// let mut x = 0.0;
/// for _ in 0..500 {
///     let grad = 2.0 * (x - 3.0);
///     opt.step([&mut x], &[grad]);
/// }
/// assert!((x - 3.0).abs() < 1e-3);
/// ```
impl<O: Optimizer + ?Sized> Optimizer for Box<O> {
    #[track_caller]
    fn update(&mut self, params: &mut [&mut f64], grads: &[f64]) {
        (**self).update(params, grads);
    }

    fn learning_rate(&self) -> f64 {
        (**self).learning_rate()
    }

    fn set_learning_rate(&mut self, learning_rate: f64) {
        (**self).set_learning_rate(learning_rate);
    }
}

/// Stochastic gradient descent, with optional momentum and weight decay, as PyTorch's `SGD`
/// (no dampening, no Nesterov):
///
/// ```text
/// d = grad + weight_decay * p
/// v = momentum * v + d          (v starts at 0)
/// p = p - learning_rate * v
/// ```
///
/// With the default momentum of 0 this is the plain update `p -= learning_rate * grad`.
///
/// ```
/// use tapegrad::nn::{Optimizer, Sgd};
///
/// let mut sgd = Sgd::new(0.1).with_momentum(0.9);
/// let mut p = [1.0];
/// sgd.step(&mut p, &[1.0]); // v = 1,   p = 1 - 0.1
/// sgd.step(&mut p, &[1.0]); // v = 1.9, p = 0.9 - 0.19
/// assert!((p[0] - 0.71).abs() < 1e-15);
/// ```
#[derive(Clone, Debug)]
pub struct Sgd {
    pub(super) learning_rate: f64,
    pub(super) momentum: f64,
    pub(super) weight_decay: f64,
    pub(super) velocity: Vec<f64>,
}

impl Sgd {
    /// Plain gradient descent with the given learning rate.
    ///
    /// ```
    /// let sgd = tapegrad::nn::Sgd::new(0.05);
    /// ```
    pub fn new(learning_rate: f64) -> Self {
        Sgd {
            learning_rate,
            momentum: 0.0,
            weight_decay: 0.0,
            velocity: Vec::new(),
        }
    }

    /// The same optimizer with momentum (a typical value is 0.9): each step follows a running
    /// sum of past gradients, which speeds progress along consistent directions and damps
    /// oscillation across them.
    ///
    /// ```
    /// let sgd = tapegrad::nn::Sgd::new(0.01).with_momentum(0.9);
    /// ```
    pub fn with_momentum(self, momentum: f64) -> Self {
        Sgd { momentum, ..self }
    }

    /// The same optimizer with weight decay: `weight_decay * p` is added to each gradient, as
    /// an L2 penalty of `weight_decay / 2 * p²` would.
    ///
    /// ```
    /// use tapegrad::nn::{Optimizer, Sgd};
    ///
    /// let mut p = [2.0];
    /// Sgd::new(0.5).with_weight_decay(0.1).step(&mut p, &[0.0]);
    /// assert_eq!(p, [2.0 - 0.5 * 0.1 * 2.0]);
    /// ```
    pub fn with_weight_decay(self, weight_decay: f64) -> Self {
        Sgd {
            weight_decay,
            ..self
        }
    }
}

impl Optimizer for Sgd {
    #[track_caller]
    fn update(&mut self, params: &mut [&mut f64], grads: &[f64]) {
        check_lengths(params.len(), grads.len());
        size_state("Sgd", &mut self.velocity, grads.len());
        for ((p, &g), v) in params.iter_mut().zip(grads).zip(&mut self.velocity) {
            let d = g + self.weight_decay * **p;
            *v = self.momentum * *v + d;
            **p -= self.learning_rate * *v;
        }
    }

    fn learning_rate(&self) -> f64 {
        self.learning_rate
    }

    fn set_learning_rate(&mut self, learning_rate: f64) {
        self.learning_rate = learning_rate;
    }
}

/// Adam (Kingma and Ba), with PyTorch's defaults and its form of the bias correction:
///
/// ```text
/// m = beta1 * m + (1 - beta1) * grad          (m and v start at 0; t counts steps from 1)
/// v = beta2 * v + (1 - beta2) * grad²
/// p = p - learning_rate / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
/// ```
///
/// With [`with_weight_decay`](Adam::with_weight_decay), `weight_decay * p` is first added to
/// the gradient, as PyTorch's `Adam(weight_decay=...)` does; [`AdamW`](super::AdamW) decays
/// the parameters apart from the gradient instead.
///
/// Each parameter gets a step size of its own, about `learning_rate` in the direction of its
/// recent gradients, whatever their scale.
///
/// ```
/// use tapegrad::nn::{Adam, Optimizer};
///
/// let mut adam = Adam::default();
/// let mut p = [1.0];
/// adam.step(&mut p, &[123.0]);
/// // The first step moves by about the learning rate, whatever the gradient's size.
/// assert!((p[0] - (1.0 - 1e-3)).abs() < 1e-10);
/// ```
#[derive(Clone, Debug)]
pub struct Adam {
    pub(super) learning_rate: f64,
    pub(super) beta1: f64,
    pub(super) beta2: f64,
    pub(super) eps: f64,
    /// Added to the gradient, times the parameter (PyTorch's `Adam`).
    pub(super) coupled_weight_decay: f64,
    /// Shrinks the parameter by `learning_rate` times this before the update, apart from the
    /// gradient (PyTorch's `AdamW`); only [`AdamW`](super::AdamW) sets it.
    pub(super) decoupled_weight_decay: f64,
    pub(super) steps: u64,
    pub(super) m: Vec<f64>,
    pub(super) v: Vec<f64>,
}

impl Adam {
    /// Adam with the given learning rate and PyTorch's other defaults: betas 0.9 and 0.999,
    /// eps 1e-8.
    ///
    /// ```
    /// use tapegrad::nn::{Adam, Optimizer};
    ///
    /// assert_eq!(Adam::new(0.01).learning_rate(), 0.01);
    /// ```
    pub fn new(learning_rate: f64) -> Self {
        Adam {
            learning_rate,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            coupled_weight_decay: 0.0,
            decoupled_weight_decay: 0.0,
            steps: 0,
            m: Vec::new(),
            v: Vec::new(),
        }
    }

    /// The same optimizer with other decay rates for the first and second moment estimates.
    ///
    /// ```
    /// let adam = tapegrad::nn::Adam::new(1e-3).with_betas(0.8, 0.99);
    /// ```
    pub fn with_betas(self, beta1: f64, beta2: f64) -> Self {
        Adam {
            beta1,
            beta2,
            ..self
        }
    }

    /// The same optimizer with another `eps`, the term that keeps the division finite where
    /// the second moment is near 0.
    ///
    /// ```
    /// let adam = tapegrad::nn::Adam::new(1e-3).with_eps(1e-6);
    /// ```
    pub fn with_eps(self, eps: f64) -> Self {
        Adam { eps, ..self }
    }

    /// The same optimizer with weight decay coupled to the gradient, as PyTorch's
    /// `Adam(weight_decay=...)`: `weight_decay * p` is added to each gradient before the
    /// moment estimates see it, as an L2 penalty of `weight_decay / 2 * p²` would. (Adam then
    /// rescales the decay with the gradient; [`AdamW`](super::AdamW) keeps it apart.)
    ///
    /// ```
    /// use tapegrad::nn::{Adam, Optimizer};
    ///
    /// // A zero gradient: the first step moves by the learning rate against the decay term.
    /// let mut p = [2.0];
    /// Adam::new(0.1).with_weight_decay(0.5).step(&mut p, &[0.0]);
    /// assert!((p[0] - 1.9).abs() < 1e-8);
    /// ```
    pub fn with_weight_decay(self, weight_decay: f64) -> Self {
        Adam {
            coupled_weight_decay: weight_decay,
            ..self
        }
    }

    /// How many steps the optimizer has taken: `t` in the bias corrections, and the step
    /// number a [`Schedule`](super::Schedule) continues from after loading. The count stops
    /// at `u64::MAX` rather than wrap around (the bias corrections are exactly 1 long
    /// before); a file holds at most 2^53.
    ///
    /// ```
    /// use tapegrad::nn::{Adam, Optimizer};
    ///
    /// let mut adam = Adam::default();
    /// adam.step(&mut [0.0], &[1.0]);
    /// assert_eq!(adam.steps(), 1);
    /// ```
    pub fn steps(&self) -> u64 {
        self.steps
    }
}

/// `Adam::new(1e-3)`: PyTorch's defaults.
///
/// ```
/// use tapegrad::nn::{Adam, Optimizer};
///
/// assert_eq!(Adam::default().learning_rate(), 1e-3);
/// ```
impl Default for Adam {
    fn default() -> Self {
        Adam::new(1e-3)
    }
}

impl Optimizer for Adam {
    #[track_caller]
    fn update(&mut self, params: &mut [&mut f64], grads: &[f64]) {
        check_lengths(params.len(), grads.len());
        size_state("Adam", &mut self.m, grads.len());
        size_state("Adam", &mut self.v, grads.len());
        // Saturating: at u64::MAX steps the bias corrections have been 1 for ages, and a
        // count that wrapped to 0 would divide by 1 - beta^0 = 0.
        self.steps = self.steps.saturating_add(1);
        let t = self.steps as f64;
        let step_size = self.learning_rate / (1.0 - self.beta1.powf(t));
        let correction2_sqrt = (1.0 - self.beta2.powf(t)).sqrt();
        // 1 exactly without decoupled decay, so that plain Adam's parameters are untouched.
        let shrink = 1.0 - self.learning_rate * self.decoupled_weight_decay;
        let state = grads.iter().zip(self.m.iter_mut().zip(&mut self.v));
        for (p, (&g, (m, v))) in params.iter_mut().zip(state) {
            let p: &mut f64 = p;
            // PyTorch skips the term when there is no decay, which keeps an infinite
            // parameter's gradient from becoming NaN (0 * inf).
            let g = if self.coupled_weight_decay != 0.0 {
                g + self.coupled_weight_decay * *p
            } else {
                g
            };
            *p *= shrink;
            *m = self.beta1 * *m + (1.0 - self.beta1) * g;
            *v = self.beta2 * *v + (1.0 - self.beta2) * g * g;
            let denominator = v.sqrt() / correction2_sqrt + self.eps;
            *p -= step_size * (*m / denominator);
        }
    }

    fn learning_rate(&self) -> f64 {
        self.learning_rate
    }

    fn set_learning_rate(&mut self, learning_rate: f64) {
        self.learning_rate = learning_rate;
    }
}

/// The parameters of one step, gathered and counted against the gradients before the step
/// changes anything: a model's parameters come from an iterator, which cannot be counted
/// without being run. Panics unless there is one per gradient.
#[track_caller]
fn checked<'p>(params: impl IntoIterator<Item = &'p mut f64>, grads: usize) -> ParametersMut<'p> {
    // Up to one more than there are gradients, which is enough to tell "too many". `for_each`,
    // not `extend`: it folds through the nested iterators a model's parameters may come
    // from, where `next` costs a call a parameter.
    let most = grads.saturating_add(1);
    let params =
        ParametersMut::gather(|refs| params.into_iter().take(most).for_each(|p| refs.push(p)));
    check_lengths(params.len(), grads);
    params
}

/// Panics unless there are as many parameters as gradients.
#[track_caller]
fn check_lengths(params: usize, grads: usize) {
    if params != grads {
        let params = if params > grads {
            format!("more than {grads} parameters")
        } else {
            format!("{params} parameters")
        };
        mismatch(params, grads);
    }
}

/// Sizes an optimizer's state at its first step; panics if a later step has another size.
#[track_caller]
fn size_state(name: &str, state: &mut Vec<f64>, parameters: usize) {
    if state.is_empty() {
        state.resize(parameters, 0.0);
    }
    assert_eq!(
        state.len(),
        parameters,
        "this {name} optimizer has state for {} parameters, but got {} gradients: use one \
         optimizer per model",
        state.len(),
        parameters
    );
}

#[cold]
#[track_caller]
fn mismatch(params: String, grads: usize) -> ! {
    panic!(
        "the optimizer got {params} and {grads} gradients: they must match one to one (pass \
         model.parameters_mut() and the gradients of the run that bind returned)"
    )
}

#[cfg(test)]
mod tests {
    use super::{Adam, Optimizer};

    // 2^64 steps cannot be taken in a test: these start from a count a file cannot hold.
    #[test]
    fn adams_step_count_stops_at_its_largest_instead_of_wrapping_to_zero() {
        let mut adam = Adam::new(0.1);
        adam.steps = u64::MAX - 1;
        let mut p = [1.0];
        adam.step(&mut p, &[1.0]);
        adam.step(&mut p, &[1.0]);
        assert_eq!(adam.steps(), u64::MAX);
        // At that count the bias corrections are 1: m = 0.1 + 0.09, v = 1e-3 + 999e-6.
        assert!(p[0].is_finite() && p[0] < 1.0, "{}", p[0]);
    }
}
