//! The `Module` trait: what neurons, layers and networks share.

use indexmap::IndexMap;

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

    /// The name of every parameter, in the order of [`parameters`](Module::parameters). They
    /// are the names a model file gives them (see [`Mlp::to_text`](super::Mlp::to_text)),
    /// counted from 1: a neuron's weights `w1`, `w2`, ... then its bias `b`; in a layer,
    /// `neuron<j>.` before them; in an `Mlp`, `layer<l>.` before that, as in
    /// `layer1.neuron2.w1`, the first weight of the second neuron of the first layer.
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Init, Layer, Module, Neuron};
    ///
    /// let neuron = Neuron::from_parameters(vec![2.0, -1.0], 0.5, Activation::Tanh);
    /// assert_eq!(neuron.parameter_names(), ["w1", "w2", "b"]);
    /// let layer = Layer::new(1, 2, Activation::Tanh, Init::Xavier, 0);
    /// assert_eq!(layer.parameter_names(), ["neuron1.w1", "neuron1.b", "neuron2.w1", "neuron2.b"]);
    /// ```
    fn parameter_names(&self) -> Vec<String>;

    /// The parameters by name, in binding order: the model's state as PyTorch's
    /// `named_parameters()` or `state_dict()` give it, with the names of
    /// [`parameter_names`](Module::parameter_names). A copy: changing it changes nothing in
    /// the model (use [`named_parameters_mut`](Module::named_parameters_mut) for that).
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Layer, Mlp, Module, Neuron};
    ///
    /// let mlp = Mlp::from_layers(vec![Layer::from_neurons(vec![
    ///     Neuron::from_parameters(vec![2.0, -1.0], 0.5, Activation::Tanh),
    /// ])]);
    /// let named = mlp.named_parameters();
    /// assert_eq!(named["layer1.neuron1.w2"], -1.0);
    /// assert_eq!(named.get_index(2), Some((&"layer1.neuron1.b".to_owned(), &0.5)));
    /// assert_eq!(named.values().copied().collect::<Vec<_>>(), [2.0, -1.0, 0.5]);
    /// ```
    fn named_parameters(&self) -> IndexMap<String, f64> {
        self.parameter_names()
            .into_iter()
            .zip(self.parameters())
            .collect()
    }

    /// The parameters by name, to read or set one by its name: in binding order, with the
    /// names of [`parameter_names`](Module::parameter_names).
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Init, Mlp, Module};
    ///
    /// let mut mlp = Mlp::new(2, &[(3, Activation::Tanh), (1, Activation::Identity)], Init::Xavier, 1);
    /// *mlp.named_parameters_mut()["layer2.neuron1.b"] = 0.25;
    /// assert_eq!(mlp.layers()[1].neurons()[0].bias(), 0.25);
    /// ```
    fn named_parameters_mut(&mut self) -> IndexMap<String, &mut f64> {
        let names = self.parameter_names();
        names.into_iter().zip(self.parameters_mut()).collect()
    }

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
        // `for_each` rather than `Run::vars`'s `for` loop: the parameters come out of nested
        // `flat_map`s (layers, neurons, weights then bias), which `for_each` folds through in
        // one loop per level, where `next` costs a call a parameter. (`Run::vars` keeps its
        // `for` loop: over a slice, that compiles to fewer instructions.)
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

/// The names of `parts`' parameters, each part's under `<kind><j>.`, counted from 1: a layer's
/// under `neuron1.`, `neuron2.`, ..., an `Mlp`'s under `layer1.`, ...
pub(crate) fn names_by_part<'a, M: Module + 'a>(
    kind: &str,
    parts: impl IntoIterator<Item = &'a M>,
) -> Vec<String> {
    let mut names = Vec::new();
    for (j, part) in parts.into_iter().enumerate() {
        for name in part.parameter_names() {
            names.push(format!("{kind}{}.{name}", j + 1));
        }
    }
    names
}
