//! The `Module` trait: what neurons, layers and networks share.

use super::Run;
use crate::fast::Tape;

/// A piece of a network with parameters: a [`Neuron`](super::Neuron), a [`Layer`](super::Layer)
/// or an [`Mlp`](super::Mlp).
///
/// A module keeps its parameters as plain `f64`s. Each training step binds them to a tape
/// ([`bind`](Module::bind), one leaf each, in the order of
/// [`parameters`](Module::parameters)), runs [`forward`](Module::forward) on the bound
/// parameters, and after the backward pass an optimizer updates the `f64`s through
/// [`parameters_mut`](Module::parameters_mut). The order is the same everywhere: for each
/// layer, for each neuron, its weights then its bias.
///
/// ```
/// use tapegrad::{Tape, nn::{Activation, Module, Neuron, Run}};
///
/// let neuron = Neuron::from_parameters(vec![2.0, -1.0], 0.5, Activation::Identity);
/// let tape = Tape::new();
/// let params = neuron.bind(&tape);
/// let y = neuron.forward(params, Run::vars(&tape, [1.0, 3.0])).get(0);
/// y.backward();
/// assert_eq!(y.data(), 2.0 - 3.0 + 0.5);
/// let mut grads = Vec::new();
/// params.grads_into(&mut grads);
/// assert_eq!(grads, [1.0, 3.0, 1.0]); // dy/dw = x, dy/db = 1
/// ```
pub trait Module {
    /// How many inputs the module takes.
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Init, Layer, Module};
    ///
    /// assert_eq!(Layer::new(3, 5, Activation::Tanh, Init::Xavier, 0).inputs(), 3);
    /// ```
    fn inputs(&self) -> usize;

    /// How many outputs the module gives.
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Init, Layer, Module};
    ///
    /// assert_eq!(Layer::new(3, 5, Activation::Tanh, Init::Xavier, 0).outputs(), 5);
    /// ```
    fn outputs(&self) -> usize;

    /// How many parameters the module has.
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Init, Mlp, Module};
    ///
    /// let mlp = Mlp::new(2, &[(16, Activation::Relu), (1, Activation::Identity)], Init::He, 0);
    /// assert_eq!(mlp.parameter_count(), 16 * 3 + 17);
    /// ```
    fn parameter_count(&self) -> usize;

    /// The parameters, in binding order: for each neuron its weights, then its bias.
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Module, Neuron};
    ///
    /// let neuron = Neuron::from_parameters(vec![2.0, -1.0], 0.5, Activation::Tanh);
    /// assert_eq!(neuron.parameters().collect::<Vec<_>>(), [2.0, -1.0, 0.5]);
    /// ```
    fn parameters(&self) -> impl Iterator<Item = f64>;

    /// The parameters, for an optimizer to update, in the same order as
    /// [`parameters`](Module::parameters).
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Module, Neuron};
    ///
    /// let mut neuron = Neuron::from_parameters(vec![2.0, -1.0], 0.5, Activation::Tanh);
    /// for p in neuron.parameters_mut() {
    ///     *p *= 2.0;
    /// }
    /// assert_eq!(neuron.weights(), [4.0, -2.0]);
    /// assert_eq!(neuron.bias(), 1.0);
    /// ```
    fn parameters_mut(&mut self) -> impl Iterator<Item = &mut f64>;

    /// Records every parameter on `tape` as a leaf, one after another, and returns them as a
    /// run to pass to [`forward`](Module::forward) and to read gradients from.
    ///
    /// ```
    /// use tapegrad::{Tape, nn::{Activation, Init, Mlp, Module}};
    ///
    /// let mlp = Mlp::new(2, &[(4, Activation::Tanh), (1, Activation::Identity)], Init::Xavier, 7);
    /// let tape = Tape::new();
    /// let params = mlp.bind(&tape);
    /// assert_eq!(params.len(), mlp.parameter_count());
    /// assert_eq!(tape.len(), mlp.parameter_count());
    /// ```
    fn bind<'t>(&self, tape: &'t Tape) -> Run<'t> {
        // `Run::vars` with `for_each` rather than its `for` loop: the parameters come out of
        // nested `flat_map`s (layers, neurons, weights then bias), which fold through their
        // parts in one loop each but take a call a parameter through `next`. `Run::vars`
        // keeps the loop, which compiled goal 1's recording (a slice) to fewer instructions.
        let first = tape.len();
        self.parameters().for_each(|p| {
            tape.var(p);
        });
        Run::from_range(tape, first, tape.len() - first)
    }

    /// Records the module applied to the inputs `x`, with the parameters `params` that
    /// [`bind`](Module::bind) recorded, and returns the outputs.
    ///
    /// Each neuron records one node for its `w·x + b` and one for its activation (none for
    /// [`Activation::Identity`](super::Activation::Identity)).
    ///
    /// ```
    /// use tapegrad::{Tape, nn::{Activation, Init, Mlp, Module, Run}};
    ///
    /// let mlp = Mlp::new(2, &[(8, Activation::Relu), (3, Activation::Identity)], Init::He, 1);
    /// let tape = Tape::new();
    /// let params = mlp.bind(&tape);
    /// let scores = mlp.forward(params, Run::vars(&tape, [0.5, -0.5]));
    /// assert_eq!(scores.len(), 3);
    /// ```
    ///
    /// # Panics
    /// If `x` does not hold [`inputs`](Module::inputs) values or `params` does not hold
    /// [`parameter_count`](Module::parameter_count) values (the message gives both sizes), or
    /// if they live on different tapes.
    fn forward<'t>(&self, params: Run<'t>, x: Run<'t>) -> Run<'t>;
}

/// Panics with both sizes if `params` or `x` does not fit `module`.
#[track_caller]
pub(crate) fn check_sizes(kind: &str, module: &impl Module, params: Run<'_>, x: Run<'_>) {
    if x.len() != module.inputs() {
        panic!(
            "wrong input length: this {kind} takes {} inputs, got {}",
            module.inputs(),
            x.len()
        );
    }
    if params.len() != module.parameter_count() {
        panic!(
            "wrong parameter count: this {kind} has {} parameters, got a run of {}; pass the \
             run that bind returned",
            module.parameter_count(),
            params.len()
        );
    }
}
