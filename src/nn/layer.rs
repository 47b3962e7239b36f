//! Neurons and layers of neurons.

use super::module::{check_sizes, names_by_part, wrong_inputs};
use super::rng::Rng;
use super::{Activation, Init, Module, Run};
use crate::rules;

/// One neuron: `activation(w·x + b)`.
///
/// ```
/// use tapegrad::{Tape, nn::{Activation, Module, Neuron, Run}};
///
/// let neuron = Neuron::from_parameters(vec![1.0, 1.0], -1.5, Activation::Sigmoid);
/// let tape = Tape::new();
/// let y = neuron.forward(neuron.bind(&tape), Run::vars(&tape, [1.0, 1.0])).get(0);
/// assert_eq!(y.data(), 1.0 / (1.0 + (-0.5f64).exp()));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Neuron {
    weights: Vec<f64>,
    bias: f64,
    activation: Activation,
}

impl Neuron {
    /// A neuron with `inputs` random weights (drawn by `init` from a generator seeded with
    /// `seed`) and a zero bias.
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Init, Neuron};
    ///
    /// let a = Neuron::new(3, Activation::Tanh, Init::Uniform, 42);
    /// assert_eq!(a, Neuron::new(3, Activation::Tanh, Init::Uniform, 42));
    /// assert!(a.weights().iter().all(|w| w.abs() <= 1.0));
    /// assert_eq!(a.bias(), 0.0);
    /// ```
    ///
    /// # Panics
    /// If `inputs` is 0, or the activation is a leaky relu whose slope is NaN or infinite.
    pub fn new(inputs: usize, activation: Activation, init: Init, seed: u64) -> Self {
        Neuron::random(inputs, 1, activation, init, &mut Rng::seeded(seed))
    }

    /// A neuron of a layer of `outputs` neurons, weights drawn from `rng`.
    fn random(
        inputs: usize,
        outputs: usize,
        activation: Activation,
        init: Init,
        rng: &mut Rng,
    ) -> Self {
        assert!(inputs > 0, "a neuron needs at least one input, got 0");
        let weights = init.weights(inputs, outputs, rng);
        Neuron::from_parameters(weights, 0.0, activation)
    }

    /// A neuron with the given weights and bias.
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Neuron};
    ///
    /// let neuron = Neuron::from_parameters(vec![0.5, -0.5], 0.1, Activation::Relu);
    /// assert_eq!(neuron.weights(), [0.5, -0.5]);
    /// ```
    ///
    /// # Panics
    /// If `weights` is empty.
    #[track_caller]
    pub fn from_parameters(weights: Vec<f64>, bias: f64, activation: Activation) -> Self {
        assert!(!weights.is_empty(), "a neuron needs at least one weight");
        Neuron {
            weights,
            bias,
            activation,
        }
    }

    /// The weights, one per input.
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Init, Neuron};
    ///
    /// assert_eq!(Neuron::new(4, Activation::Relu, Init::He, 0).weights().len(), 4);
    /// ```
    pub fn weights(&self) -> &[f64] {
        &self.weights
    }

    /// The bias.
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Neuron};
    ///
    /// assert_eq!(Neuron::from_parameters(vec![1.0], 2.0, Activation::Relu).bias(), 2.0);
    /// ```
    pub fn bias(&self) -> f64 {
        self.bias
    }

    /// The activation.
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Neuron};
    ///
    /// let neuron = Neuron::from_parameters(vec![1.0], 0.0, Activation::Tanh);
    /// assert_eq!(neuron.activation(), Activation::Tanh);
    /// ```
    pub fn activation(&self) -> Activation {
        self.activation
    }
}

impl Neuron {
    /// Calls `visit` with each parameter, weights then bias (inlined where
    /// [`Module::for_each_parameter`] takes a `dyn` closure).
    #[inline]
    fn each_parameter(&self, mut visit: impl FnMut(f64)) {
        self.weights.iter().for_each(|&w| visit(w));
        visit(self.bias);
    }

    /// `activation(w·x + b)` on numbers, as the tape's fused node computes it: the same dot
    /// product (terms in the same order) and the same activation, so the same bits.
    #[inline]
    fn output(&self, x: &[f64]) -> f64 {
        let z = rules::dot(&self.weights, x, |&w| w, |&x| x) + self.bias;
        self.activation.apply(z)
    }
}

impl Module for Neuron {
    fn inputs(&self) -> usize {
        self.weights.len()
    }

    fn outputs(&self) -> usize {
        1
    }

    fn parameter_count(&self) -> usize {
        self.weights.len() + 1
    }

    fn for_each_parameter(&self, visit: &mut dyn FnMut(f64)) {
        self.each_parameter(visit);
    }

    fn for_each_parameter_mut<'a>(&'a mut self, visit: &mut dyn FnMut(&'a mut f64)) {
        self.weights.iter_mut().for_each(&mut *visit);
        visit(&mut self.bias);
    }

    fn parameter_names(&self) -> Vec<String> {
        let weights = (1..=self.weights.len()).map(|i| format!("w{i}"));
        weights.chain(["b".to_owned()]).collect()
    }

    #[track_caller]
    fn forward<'t>(&self, params: Run<'t>, x: Run<'t>) -> Run<'t> {
        check_sizes("Neuron", self, params, x);
        let y = params.neuron(x, self.activation);
        Run::from_range(x.tape(), y.index(), 1)
    }

    #[track_caller]
    fn evaluate(&self, x: &[f64], out: &mut Vec<f64>) {
        if x.len() != self.inputs() {
            wrong_inputs("Neuron", self.inputs(), x.len());
        }
        out.clear();
        out.push(self.output(x));
    }
}

/// A layer of neurons that share their inputs and their activation.
///
/// It records one node per neuron, activation included (a leaky relu takes a second node,
/// recorded after all the neurons'), so that its outputs sit in consecutive nodes and each
/// neuron of the next layer is one node too.
///
/// ```
/// use tapegrad::{Tape, nn::{Activation, Init, Layer, Module, Run}};
///
/// let layer = Layer::new(2, 3, Activation::Relu, Init::He, 0);
/// let tape = Tape::new();
/// let params = layer.bind(&tape);
/// let x = Run::vars(&tape, [1.0, 2.0]);
/// let before = tape.len();
/// let y = layer.forward(params, x);
/// assert_eq!(y.len(), 3);
/// assert_eq!(tape.len(), before + 3); // one node per neuron, relu included
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Layer {
    /// Never empty; every neuron has the same inputs and activation.
    neurons: Vec<Neuron>,
}

impl Layer {
    /// A layer of `outputs` neurons of `inputs` inputs each, weights drawn by `init` from a
    /// generator seeded with `seed`, biases 0.
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Init, Layer, Module};
    ///
    /// let layer = Layer::new(2, 16, Activation::Relu, Init::He, 3);
    /// assert_eq!(layer.parameter_count(), 16 * (2 + 1));
    /// ```
    ///
    /// # Panics
    /// If `inputs` or `outputs` is 0, or the activation is a leaky relu whose slope is NaN or
    /// infinite.
    pub fn new(
        inputs: usize,
        outputs: usize,
        activation: Activation,
        init: Init,
        seed: u64,
    ) -> Self {
        Layer::random(inputs, outputs, activation, init, &mut Rng::seeded(seed))
    }

    /// A layer whose weights are drawn from `rng`, for a network that draws all its layers
    /// from one generator.
    pub(crate) fn random(
        inputs: usize,
        outputs: usize,
        activation: Activation,
        init: Init,
        rng: &mut Rng,
    ) -> Self {
        let neurons = (0..outputs)
            .map(|_| Neuron::random(inputs, outputs, activation, init, rng))
            .collect();
        Layer::from_neurons(neurons)
    }

    /// A layer made of the given neurons.
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Layer, Module, Neuron};
    ///
    /// let layer = Layer::from_neurons(vec![
    ///     Neuron::from_parameters(vec![1.0, 0.0], 0.0, Activation::Tanh),
    ///     Neuron::from_parameters(vec![0.0, 1.0], 0.0, Activation::Tanh),
    /// ]);
    /// assert_eq!((layer.inputs(), layer.outputs()), (2, 2));
    /// ```
    ///
    /// # Panics
    /// If there are no neurons, or they differ in their number of inputs or their activation.
    #[track_caller]
    pub fn from_neurons(neurons: Vec<Neuron>) -> Self {
        let first = neurons.first().expect("a layer needs at least one neuron");
        for (j, neuron) in neurons.iter().enumerate() {
            assert_eq!(
                neuron.inputs(),
                first.inputs(),
                "the neurons of a layer take the same inputs: neuron 1 has {} weights, neuron \
                 {} has {}",
                first.inputs(),
                j + 1,
                neuron.inputs()
            );
            assert_eq!(
                neuron.activation,
                first.activation,
                "the neurons of a layer share their activation: neuron 1 has {}, neuron {} has {}",
                first.activation,
                j + 1,
                neuron.activation
            );
        }
        Layer { neurons }
    }

    /// The neurons, in order.
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Init, Layer};
    ///
    /// let layer = Layer::new(2, 4, Activation::Tanh, Init::Xavier, 0);
    /// assert_eq!(layer.neurons().len(), 4);
    /// ```
    pub fn neurons(&self) -> &[Neuron] {
        &self.neurons
    }

    /// The activation every neuron of the layer applies.
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Init, Layer};
    ///
    /// let layer = Layer::new(2, 4, Activation::leaky_relu(0.1), Init::He, 0);
    /// assert_eq!(layer.activation(), Activation::leaky_relu(0.1));
    /// ```
    pub fn activation(&self) -> Activation {
        self.neurons[0].activation
    }
}

impl Layer {
    /// Calls `visit` with each parameter, neuron by neuron.
    #[inline]
    pub(crate) fn each_parameter(&self, mut visit: impl FnMut(f64)) {
        for neuron in &self.neurons {
            neuron.each_parameter(&mut visit);
        }
    }

    /// Calls `push` with each neuron's output at `x`, a point of the layer's inputs.
    #[inline]
    pub(crate) fn each_output(&self, x: &[f64], mut push: impl FnMut(f64)) {
        debug_assert_eq!(x.len(), self.inputs());
        for neuron in &self.neurons {
            push(neuron.output(x));
        }
    }
}

impl Module for Layer {
    fn inputs(&self) -> usize {
        self.neurons[0].inputs()
    }

    fn outputs(&self) -> usize {
        self.neurons.len()
    }

    fn parameter_count(&self) -> usize {
        self.neurons.len() * (self.inputs() + 1)
    }

    fn for_each_parameter(&self, visit: &mut dyn FnMut(f64)) {
        self.each_parameter(visit);
    }

    fn for_each_parameter_mut<'a>(&'a mut self, visit: &mut dyn FnMut(&'a mut f64)) {
        for neuron in &mut self.neurons {
            neuron.for_each_parameter_mut(visit);
        }
    }

    fn parameter_names(&self) -> Vec<String> {
        names_by_part("neuron", &self.neurons)
    }

    #[track_caller]
    fn forward<'t>(&self, params: Run<'t>, x: Run<'t>) -> Run<'t> {
        check_sizes("Layer", self, params, x);
        params.same_tape(x);
        let tape = x.tape();
        let first = tape.layer_on_runs(
            params.first(),
            x.first(),
            x.len() as u32,
            self.neurons.len() as u32,
            self.activation(),
        );
        Run::from_range(tape, first as usize, self.neurons.len())
    }

    #[track_caller]
    fn evaluate(&self, x: &[f64], out: &mut Vec<f64>) {
        if x.len() != self.inputs() {
            wrong_inputs("Layer", self.inputs(), x.len());
        }
        out.clear();
        self.each_output(x, |y| out.push(y));
    }

    fn bind<'t>(&self, tape: &'t crate::Tape) -> Run<'t> {
        let first = tape.len();
        self.each_parameter(|p| {
            tape.var(p);
        });
        Run::from_range(tape, first, tape.len() - first)
    }
}
