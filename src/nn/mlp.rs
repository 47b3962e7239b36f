//! Multi-layer perceptrons: layers applied one after the other.

use super::module::{check_sizes, names_by_part, wrong_inputs};
use super::rng::Rng;
use super::{Activation, Init, Layer, Module, Run};
use crate::fast::Tape;

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
    /// If `inputs` is 0, `layers` is empty, a layer has no neurons, or a layer's activation is
    /// a leaky relu whose slope is NaN or infinite.
    #[track_caller]
    pub fn new(inputs: usize, layers: &[(usize, Activation)], init: Init, seed: u64) -> Self {
        let mut rng = Rng::seeded(seed);
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

    /// The network's outputs at the point `x`, as numbers: [`Module::evaluate`], with no
    /// tape, into a new `Vec`.
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
        let mut outputs = Vec::with_capacity(self.outputs());
        self.evaluate(x, &mut outputs);
        outputs
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
        let tape = self.tape_for_one_point(x.len());
        let inputs = Run::vars(&tape, x);
        let outputs = self.forward(self.bind(&tape), inputs);
        outputs.get(output).backward();
        let mut grads = Vec::with_capacity(x.len());
        inputs.grads_into(&mut grads);
        grads
    }

    /// A tape with room for the network at one point of `inputs` values: its parameters, the
    /// inputs, and two nodes a neuron (a leaky relu takes a second). Grown node by node
    /// instead, a fresh tape reallocated its storage several times a call, which cost about a
    /// quarter of `predict`'s instructions (cachegrind, `examples/moons.rs`'s picture).
    fn tape_for_one_point(&self, inputs: usize) -> Tape {
        let neurons: usize = self.layers.iter().map(Layer::outputs).sum();
        Tape::with_capacity(self.parameter_count() + inputs + 2 * neurons)
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

    fn for_each_parameter(&self, visit: &mut dyn FnMut(f64)) {
        for layer in &self.layers {
            layer.each_parameter(&mut *visit);
        }
    }

    fn for_each_parameter_mut<'a>(&'a mut self, visit: &mut dyn FnMut(&'a mut f64)) {
        for layer in &mut self.layers {
            layer.for_each_parameter_mut(visit);
        }
    }

    fn parameter_names(&self) -> Vec<String> {
        names_by_part("layer", &self.layers)
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

    #[track_caller]
    fn evaluate(&self, x: &[f64], out: &mut Vec<f64>) {
        if x.len() != self.inputs() {
            wrong_inputs("Mlp", self.inputs(), x.len());
        }
        // The hidden layers' outputs pass through two buffers, on the stack up to 32 neurons
        // a layer, so that an evaluation allocates nothing.
        let (last, hidden) = self.layers.split_last().expect("an Mlp has a layer");
        let widest = hidden.iter().map(Layer::outputs).max().unwrap_or(0);
        if widest <= STACK_WIDTH {
            let [mut a, mut b] = [[0.0; STACK_WIDTH]; 2];
            evaluate_through(hidden, last, x, out, &mut a, &mut b);
        } else {
            let (mut a, mut b) = (vec![0.0; widest], vec![0.0; widest]);
            evaluate_through(hidden, last, x, out, &mut a, &mut b);
        }
    }

    fn bind<'t>(&self, tape: &'t Tape) -> Run<'t> {
        // The layers' own loops, inlined, rather than a `dyn` call a parameter.
        let first = tape.len();
        for layer in &self.layers {
            layer.each_parameter(|p| {
                tape.var(p);
            });
        }
        Run::from_range(tape, first, tape.len() - first)
    }
}

/// The widest hidden layer whose outputs [`Module::evaluate`] keeps on the stack.
const STACK_WIDTH: usize = 32;

/// The `hidden` layers at `x`, each writing its outputs into one of the two buffers (each as
/// wide as the widest layer) and reading the other's, then `last` into `out`.
fn evaluate_through<'b>(
    hidden: &[Layer],
    last: &Layer,
    x: &[f64],
    out: &mut Vec<f64>,
    mut input: &'b mut [f64],
    mut output: &'b mut [f64],
) {
    let mut width = 0;
    for (i, layer) in hidden.iter().enumerate() {
        let from: &[f64] = if i == 0 { x } else { &input[..width] };
        let mut k = 0;
        layer.each_output(from, |y| {
            output[k] = y;
            k += 1;
        });
        width = k;
        std::mem::swap(&mut input, &mut output);
    }
    let from: &[f64] = if hidden.is_empty() {
        x
    } else {
        &input[..width]
    };
    out.clear();
    last.each_output(from, |y| out.push(y));
}
