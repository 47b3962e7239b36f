//! The `Module` trait: what neurons, layers and networks share, and what a layer of one's own
//! implements to train beside them.

use super::{ParametersMut, Run};
use crate::fast::Tape;

/// A piece of a network with parameters: a [`Neuron`](super::Neuron), a
/// [`Layer`](super::Layer), an [`Mlp`](super::Mlp), or a layer of one's own.
///
/// A module keeps its parameters as plain `f64`s and runs two ways:
///
/// - **Training**, on a tape: each step binds the parameters to the tape
///   ([`bind`](Module::bind), one leaf each, in the order of
///   [`for_each_parameter`](Module::for_each_parameter)), runs
///   [`forward`](Module::forward) on the bound parameters, and after the backward pass an
///   optimizer updates the `f64`s through [`parameters_mut`](Module::parameters_mut).
/// - **Evaluation**, on numbers: [`evaluate`](Module::evaluate) computes the outputs from
///   the `f64`s directly, with no tape, and gives the same numbers as `forward`.
///
/// The order of the parameters is the same everywhere: in the crate's layers, for each
/// neuron, its weights then its bias.
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
///
/// # A layer of one's own
///
/// A module is eight methods: its sizes, its parameters (visited in order, to read and to
/// change, and their names), and its two ways to run. Here is a layer that squares each
/// input and scales it by a weight of its own, `y_i = a_i x_i²`, written once for any
/// [`Scalar`](crate::Scalar) and run on `Value`s to train and on `f64`s to evaluate, then
/// trained to fit `y = 3 x²`:
///
/// ```
/// use tapegrad::{Scalar, Tape};
/// use tapegrad::nn::{Adam, Module, Optimizer, Run, loss};
///
/// struct ScaledSquares {
///     scales: Vec<f64>,
/// }
///
/// /// The layer's math, once: `a_i x_i²`.
/// fn scaled_squares<S: Scalar>(scales: impl Iterator<Item = S>, x: impl Iterator<Item = S>)
///     -> impl Iterator<Item = S> {
///     scales.zip(x).map(|(a, x)| a * x * x)
/// }
///
/// impl Module for ScaledSquares {
///     fn inputs(&self) -> usize {
///         self.scales.len()
///     }
///     fn outputs(&self) -> usize {
///         self.scales.len()
///     }
///     fn parameter_count(&self) -> usize {
///         self.scales.len()
///     }
///     fn for_each_parameter(&self, visit: &mut dyn FnMut(f64)) {
///         self.scales.iter().for_each(|&a| visit(a));
///     }
///     fn for_each_parameter_mut<'a>(&'a mut self, visit: &mut dyn FnMut(&'a mut f64)) {
///         self.scales.iter_mut().for_each(visit);
///     }
///     fn parameter_names(&self) -> Vec<String> {
///         (1..=self.scales.len()).map(|i| format!("a{i}")).collect()
///     }
///     fn forward<'t>(&self, params: Run<'t>, x: Run<'t>) -> Run<'t> {
///         // Computed values become a run that gradients flow through.
///         Run::from_values(x.tape(), scaled_squares(params.iter(), x.iter()))
///     }
///     fn evaluate(&self, x: &[f64], out: &mut Vec<f64>) {
///         out.clear();
///         out.extend(scaled_squares(self.scales.iter().copied(), x.iter().copied()));
///     }
/// }
///
/// let mut model = ScaledSquares { scales: vec![0.0] };
/// let points = [-1.0, -0.5, 0.5, 2.0];
/// let mut adam = Adam::new(0.1);
/// let (mut tape, mut grads) = (Tape::new(), Vec::new());
/// for _ in 0..300 {
///     tape.clear();
///     let params = model.bind(&tape);
///     let total = tape.sum(points.iter().map(|&x| {
///         let y = model.forward(params, Run::vars(&tape, [x]));
///         loss::mse(y, &[3.0 * x * x])
///     }));
///     total.backward();
///     params.grads_into(&mut grads);
///     adam.step(model.parameters_mut(), &grads);
/// }
/// let mut y = Vec::new();
/// model.evaluate(&[2.0], &mut y);
/// assert!((model.scales[0] - 3.0).abs() < 1e-3 && (y[0] - 12.0).abs() < 1e-2);
///
/// // Any module works as a trait object, chosen at run time.
/// let boxed: Box<dyn Module> = Box::new(model);
/// assert_eq!(boxed.parameters().len(), 1);
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

    /// How many parameters the module has: how many times
    /// [`for_each_parameter`](Module::for_each_parameter) calls its closure.
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Init, Mlp, Module};
    ///
    /// let mlp = Mlp::new(2, &[(16, Activation::Relu), (1, Activation::Identity)], Init::He, 0);
    /// assert_eq!(mlp.parameter_count(), 16 * 3 + 17);
    /// ```
    fn parameter_count(&self) -> usize;

    /// Calls `visit` with each parameter, in binding order (in the crate's layers: for each
    /// neuron, its weights, then its bias).
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Module, Neuron};
    ///
    /// let neuron = Neuron::from_parameters(vec![2.0, -1.0], 0.5, Activation::Tanh);
    /// let mut total = 0.0;
    /// neuron.for_each_parameter(&mut |p| total += p);
    /// assert_eq!(total, 1.5);
    /// ```
    fn for_each_parameter(&self, visit: &mut dyn FnMut(f64));

    /// Calls `visit` with each parameter to change, in the same order as
    /// [`for_each_parameter`](Module::for_each_parameter). (Optimizers take
    /// [`parameters_mut`](Module::parameters_mut), which gathers these references.)
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Module, Neuron};
    ///
    /// let mut neuron = Neuron::from_parameters(vec![2.0, -1.0], 0.5, Activation::Tanh);
    /// neuron.for_each_parameter_mut(&mut |p| *p *= 2.0);
    /// assert_eq!(neuron.weights(), [4.0, -2.0]);
    /// assert_eq!(neuron.bias(), 1.0);
    /// ```
    fn for_each_parameter_mut<'a>(&'a mut self, visit: &mut dyn FnMut(&'a mut f64));

    /// The name of every parameter, in binding order. In the crate's layers they are the
    /// names a model file gives them (see [`Mlp::to_text`](super::Mlp::to_text)), counted
    /// from 1: a neuron's weights `w1`, `w2`, ... then its bias `b`; in a layer, `neuron<j>.`
    /// before them; in an `Mlp`, `layer<l>.` before that, as in `layer1.neuron2.w1`, the
    /// first weight of the second neuron of the first layer.
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

    /// Records the module applied to the inputs `x`, with the parameters `params` that
    /// [`bind`](Module::bind) recorded, and returns the outputs.
    ///
    /// The crate's layers record one node a neuron for its `w·x + b` and its activation (a
    /// leaky relu takes a second); a module of one's own records whatever it computes and
    /// returns it with [`Run::from_values`].
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
    /// In the crate's modules: if `x` does not hold [`inputs`](Module::inputs) values or
    /// `params` does not hold [`parameter_count`](Module::parameter_count) values (the
    /// message gives both sizes), or if they live on different tapes.
    fn forward<'t>(&self, params: Run<'t>, x: Run<'t>) -> Run<'t>;

    /// The module's outputs at the point `x`, as numbers, from its own parameters and with
    /// no tape: replaces the contents of `out` with them. They are the numbers
    /// [`forward`](Module::forward) records (in the crate's layers, to the bit: both add up
    /// a neuron's terms in the same order).
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Module, Neuron};
    ///
    /// let neuron = Neuron::from_parameters(vec![2.0, -3.0], 0.5, Activation::Relu);
    /// let mut out = Vec::new();
    /// neuron.evaluate(&[1.0, 1.0], &mut out);
    /// assert_eq!(out, [0.0]); // relu(2 - 3 + 0.5)
    /// ```
    ///
    /// # Panics
    /// In the crate's modules: if `x` does not hold [`inputs`](Module::inputs) values.
    fn evaluate(&self, x: &[f64], out: &mut Vec<f64>);

    /// A copy of the parameters, in binding order.
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Module, Neuron};
    ///
    /// let neuron = Neuron::from_parameters(vec![2.0, -1.0], 0.5, Activation::Tanh);
    /// assert_eq!(neuron.parameters(), [2.0, -1.0, 0.5]);
    /// ```
    fn parameters(&self) -> Vec<f64> {
        let mut parameters = Vec::with_capacity(self.parameter_count());
        self.for_each_parameter(&mut |p| parameters.push(p));
        parameters
    }

    /// The parameters, borrowed to be changed, in binding order: what
    /// [`Optimizer::step`](super::Optimizer::step) takes.
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Module, Neuron, Optimizer, Sgd};
    ///
    /// let mut neuron = Neuron::from_parameters(vec![2.0, -1.0], 0.5, Activation::Tanh);
    /// Sgd::new(0.5).step(neuron.parameters_mut(), &[1.0, 1.0, 1.0]);
    /// assert_eq!(neuron.parameters(), [1.5, -1.5, 0.0]);
    /// ```
    fn parameters_mut(&mut self) -> ParametersMut<'_> {
        ParametersMut::gather(|refs| self.for_each_parameter_mut(&mut |p| refs.push(p)))
    }

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
    /// assert_eq!(named[2], ("layer1.neuron1.b".to_owned(), 0.5));
    /// let w2 = named.iter().find(|(name, _)| name == "layer1.neuron1.w2");
    /// assert_eq!(w2.map(|&(_, value)| value), Some(-1.0));
    /// ```
    fn named_parameters(&self) -> Vec<(String, f64)> {
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
    /// for (name, p) in mlp.named_parameters_mut() {
    ///     if name == "layer2.neuron1.b" {
    ///         *p = 0.25;
    ///     }
    /// }
    /// assert_eq!(mlp.layers()[1].neurons()[0].bias(), 0.25);
    /// ```
    fn named_parameters_mut(&mut self) -> Vec<(String, &mut f64)> {
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
        let first = tape.len();
        self.for_each_parameter(&mut |p| {
            tape.var(p);
        });
        Run::from_range(tape, first, tape.len() - first)
    }
}

/// A boxed module is a module: `Box<dyn Module>` chooses one at run time.
///
/// ```
/// use tapegrad::nn::{Activation, Init, Layer, Mlp, Module};
///
/// let deep = true;
/// let model: Box<dyn Module> = if deep {
///     Box::new(Mlp::new(2, &[(8, Activation::Tanh), (1, Activation::Identity)], Init::Xavier, 0))
/// } else {
///     Box::new(Layer::new(2, 1, Activation::Identity, Init::Xavier, 0))
/// };
/// assert_eq!(model.parameter_count(), 8 * 3 + 9);
/// ```
impl<M: Module + ?Sized> Module for Box<M> {
    fn inputs(&self) -> usize {
        (**self).inputs()
    }
    fn outputs(&self) -> usize {
        (**self).outputs()
    }
    fn parameter_count(&self) -> usize {
        (**self).parameter_count()
    }
    fn for_each_parameter(&self, visit: &mut dyn FnMut(f64)) {
        (**self).for_each_parameter(visit);
    }
    fn for_each_parameter_mut<'a>(&'a mut self, visit: &mut dyn FnMut(&'a mut f64)) {
        (**self).for_each_parameter_mut(visit);
    }
    fn parameter_names(&self) -> Vec<String> {
        (**self).parameter_names()
    }
    #[track_caller]
    fn forward<'t>(&self, params: Run<'t>, x: Run<'t>) -> Run<'t> {
        (**self).forward(params, x)
    }
    #[track_caller]
    fn evaluate(&self, x: &[f64], out: &mut Vec<f64>) {
        (**self).evaluate(x, out);
    }
    fn parameters(&self) -> Vec<f64> {
        (**self).parameters()
    }
    fn parameters_mut(&mut self) -> ParametersMut<'_> {
        (**self).parameters_mut()
    }
    fn bind<'t>(&self, tape: &'t Tape) -> Run<'t> {
        (**self).bind(tape)
    }
}

/// Panics with both sizes if `params` or `x` does not fit `module`.
#[track_caller]
pub(crate) fn check_sizes(kind: &str, module: &impl Module, params: Run<'_>, x: Run<'_>) {
    if x.len() != module.inputs() {
        wrong_inputs(kind, module.inputs(), x.len());
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

/// Panics with both sizes: a point of `got` numbers for a `kind` that takes `inputs`.
#[cold]
#[track_caller]
pub(crate) fn wrong_inputs(kind: &str, inputs: usize, got: usize) -> ! {
    panic!("wrong input length: this {kind} takes {inputs} inputs, got {got}")
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
