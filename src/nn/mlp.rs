//! Neurons, layers and multi-layer perceptrons, and the `Module` trait they share.

use rand::SeedableRng;
use rand::rngs::StdRng;

use super::{Activation, Init, Run};
use crate::tape::Tape;

/// A piece of a network with parameters: a [`Neuron`], a [`Layer`] or an [`Mlp`].
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
        Run::vars(tape, self.parameters())
    }

    /// Records the module applied to the inputs `x`, with the parameters `params` that
    /// [`bind`](Module::bind) recorded, and returns the outputs.
    ///
    /// Each neuron records one node for its `w·x + b` and one for its activation (none for
    /// [`Activation::Identity`]).
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
    /// If `inputs` is 0.
    pub fn new(inputs: usize, activation: Activation, init: Init, seed: u64) -> Self {
        let mut rng = StdRng::seed_from_u64(seed);
        Neuron::random(inputs, 1, activation, init, &mut rng)
    }

    /// A neuron of a layer of `outputs` neurons, weights drawn from `rng`.
    fn random(
        inputs: usize,
        outputs: usize,
        activation: Activation,
        init: Init,
        rng: &mut StdRng,
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

    fn parameters(&self) -> impl Iterator<Item = f64> {
        self.weights.iter().copied().chain([self.bias])
    }

    fn parameters_mut(&mut self) -> impl Iterator<Item = &mut f64> {
        self.weights.iter_mut().chain([&mut self.bias])
    }

    #[track_caller]
    fn forward<'t>(&self, params: Run<'t>, x: Run<'t>) -> Run<'t> {
        check_sizes("Neuron", self, params, x);
        let z = params.affine(x);
        let y = self.activation.apply(z);
        Run::from_range(x.tape(), y.index(), 1)
    }
}

/// A layer of neurons that share their inputs and their activation.
///
/// It records all of its neurons' `w·x + b` nodes first and then all their activations, so
/// that its outputs sit in consecutive nodes and the next layer's neurons each record their
/// `w·x + b` as one node too.
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
/// assert_eq!(tape.len(), before + 3 + 3); // three affine nodes, then three relus
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
    /// If `inputs` or `outputs` is 0.
    pub fn new(
        inputs: usize,
        outputs: usize,
        activation: Activation,
        init: Init,
        seed: u64,
    ) -> Self {
        Layer::random(
            inputs,
            outputs,
            activation,
            init,
            &mut StdRng::seed_from_u64(seed),
        )
    }

    fn random(
        inputs: usize,
        outputs: usize,
        activation: Activation,
        init: Init,
        rng: &mut StdRng,
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
    /// let layer = Layer::new(2, 4, Activation::LeakyRelu(0.1), Init::He, 0);
    /// assert_eq!(layer.activation(), Activation::LeakyRelu(0.1));
    /// ```
    pub fn activation(&self) -> Activation {
        self.neurons[0].activation
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

    fn parameters(&self) -> impl Iterator<Item = f64> {
        self.neurons.iter().flat_map(Neuron::parameters)
    }

    fn parameters_mut(&mut self) -> impl Iterator<Item = &mut f64> {
        self.neurons.iter_mut().flat_map(Neuron::parameters_mut)
    }

    #[track_caller]
    fn forward<'t>(&self, params: Run<'t>, x: Run<'t>) -> Run<'t> {
        check_sizes("Layer", self, params, x);
        let tape = x.tape();
        let per_neuron = self.inputs() + 1;
        let first = tape.len();
        for j in 0..self.neurons.len() {
            params.slice(j * per_neuron, (j + 1) * per_neuron).affine(x);
        }
        let z = Run::from_range(tape, first, self.neurons.len());
        match self.activation() {
            // Identity records nothing: the weighted sums are the outputs.
            Activation::Identity => z,
            activation => {
                let first = tape.len();
                for zj in z {
                    activation.apply(zj);
                }
                Run::from_range(tape, first, z.len())
            }
        }
    }
}

/// A multi-layer perceptron: layers applied one after the other.
///
/// ```
/// use tapegrad::{Tape, nn::{Activation, Init, Mlp, Module, Run}};
///
/// // micrograd's MLP(2, [16, 16, 1]): ReLU hidden layers, a linear output.
/// let mlp = Mlp::new(
///     2,
///     &[(16, Activation::Relu), (16, Activation::Relu), (1, Activation::Identity)],
///     Init::Uniform,
///     1337,
/// );
/// let tape = Tape::new();
/// let params = mlp.bind(&tape);
/// let score = mlp.forward(params, Run::vars(&tape, [0.5, -0.2])).get(0);
/// score.backward();
/// let mut grads = Vec::new();
/// params.grads_into(&mut grads);
/// assert_eq!(grads.len(), 337);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Mlp {
    /// Never empty; each layer takes as many inputs as the one before has outputs.
    layers: Vec<Layer>,
}

impl Mlp {
    /// An MLP with `inputs` inputs and one layer per `(neurons, activation)` pair, weights
    /// drawn by `init` from a generator seeded with `seed`, biases 0. The same arguments give
    /// the same network, bit for bit.
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Init, Mlp, Module};
    ///
    /// let shape = [(4, Activation::Tanh), (1, Activation::Identity)];
    /// let mlp = Mlp::new(2, &shape, Init::Xavier, 5);
    /// assert_eq!((mlp.inputs(), mlp.outputs()), (2, 1));
    /// assert_eq!(mlp, Mlp::new(2, &shape, Init::Xavier, 5));
    /// ```
    ///
    /// # Panics
    /// If `inputs` is 0, `layers` is empty, or a layer has no neurons.
    #[track_caller]
    pub fn new(inputs: usize, layers: &[(usize, Activation)], init: Init, seed: u64) -> Self {
        let mut rng = StdRng::seed_from_u64(seed);
        let mut fan_in = inputs;
        let layers = layers
            .iter()
            .map(|&(outputs, activation)| {
                let layer = Layer::random(fan_in, outputs, activation, init, &mut rng);
                fan_in = outputs;
                layer
            })
            .collect();
        Mlp::from_layers(layers)
    }

    /// An MLP made of the given layers.
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Init, Layer, Mlp, Module};
    ///
    /// let mlp = Mlp::from_layers(vec![
    ///     Layer::new(2, 3, Activation::Tanh, Init::Xavier, 1),
    ///     Layer::new(3, 1, Activation::Identity, Init::Xavier, 2),
    /// ]);
    /// assert_eq!(mlp.parameter_count(), 9 + 4);
    /// ```
    ///
    /// # Panics
    /// If `layers` is empty, or a layer's inputs differ from the outputs of the layer before.
    #[track_caller]
    pub fn from_layers(layers: Vec<Layer>) -> Self {
        assert!(!layers.is_empty(), "an Mlp needs at least one layer");
        for (i, pair) in layers.windows(2).enumerate() {
            assert_eq!(
                pair[1].inputs(),
                pair[0].outputs(),
                "layer {} has {} outputs but layer {} takes {} inputs",
                i + 1,
                pair[0].outputs(),
                i + 2,
                pair[1].inputs()
            );
        }
        Mlp { layers }
    }

    /// The layers, from the input side.
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Init, Mlp};
    ///
    /// let mlp = Mlp::new(2, &[(16, Activation::Relu), (1, Activation::Identity)], Init::He, 0);
    /// assert_eq!(mlp.layers()[1].activation(), Activation::Identity);
    /// ```
    pub fn layers(&self) -> &[Layer] {
        &self.layers
    }

    /// The network's outputs at the point `x`, as numbers. It records on a tape of its own;
    /// a training loop that wants no allocation uses [`Module::forward`] on its own tape.
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Layer, Mlp, Neuron};
    ///
    /// let neuron = Neuron::from_parameters(vec![2.0, -3.0], 0.5, Activation::Identity);
    /// let mlp = Mlp::from_layers(vec![Layer::from_neurons(vec![neuron])]);
    /// assert_eq!(mlp.predict(&[1.0, 1.0]), [-0.5]);
    /// ```
    ///
    /// # Panics
    /// If `x` does not hold [`inputs`](Module::inputs) values.
    #[track_caller]
    pub fn predict(&self, x: &[f64]) -> Vec<f64> {
        let tape = Tape::new();
        let outputs = self.forward(self.bind(&tape), Run::vars(&tape, x));
        outputs.iter().map(|v| v.data()).collect()
    }

    /// Saliency: the gradient of output `output` with respect to the inputs at the point
    /// `x`, computed by one backward pass from that output to the input leaves.
    ///
    /// It tells which inputs the prediction is sensitive to at that point, and in which
    /// direction moving the point raises the output.
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Layer, Mlp, Neuron};
    ///
    /// let neuron = Neuron::from_parameters(vec![2.0, -3.0], 0.5, Activation::Identity);
    /// let mlp = Mlp::from_layers(vec![Layer::from_neurons(vec![neuron])]);
    /// assert_eq!(mlp.input_gradient(&[1.0, 1.0], 0), [2.0, -3.0]); // the weights
    /// ```
    ///
    /// # Panics
    /// If `x` does not hold [`inputs`](Module::inputs) values, or `output` is not below
    /// [`outputs`](Module::outputs).
    #[track_caller]
    pub fn input_gradient(&self, x: &[f64], output: usize) -> Vec<f64> {
        assert!(
            output < self.outputs(),
            "output {output} is out of range: this Mlp has {} outputs",
            self.outputs()
        );
        let tape = Tape::new();
        let inputs = Run::vars(&tape, x);
        let outputs = self.forward(self.bind(&tape), inputs);
        outputs.get(output).backward();
        let mut grads = Vec::with_capacity(x.len());
        inputs.grads_into(&mut grads);
        grads
    }
}

impl Module for Mlp {
    fn inputs(&self) -> usize {
        self.layers[0].inputs()
    }

    fn outputs(&self) -> usize {
        self.layers[self.layers.len() - 1].outputs()
    }

    fn parameter_count(&self) -> usize {
        self.layers.iter().map(Layer::parameter_count).sum()
    }

    fn parameters(&self) -> impl Iterator<Item = f64> {
        self.layers.iter().flat_map(Layer::parameters)
    }

    fn parameters_mut(&mut self) -> impl Iterator<Item = &mut f64> {
        self.layers.iter_mut().flat_map(Layer::parameters_mut)
    }

    #[track_caller]
    fn forward<'t>(&self, params: Run<'t>, x: Run<'t>) -> Run<'t> {
        check_sizes("Mlp", self, params, x);
        let mut x = x;
        let mut start = 0;
        for layer in &self.layers {
            let end = start + layer.parameter_count();
            x = layer.forward(params.slice(start, end), x);
            start = end;
        }
        x
    }
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
