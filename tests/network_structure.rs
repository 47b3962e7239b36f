//! How networks sit on the tape (one fused node per neuron, layer outputs in consecutive
//! nodes), that their outputs are the textbook formulas, and how they are initialised.
#![cfg(feature = "nn")]

use tapegrad::nn::{Activation, Dropout, Init, Layer, Mlp, Module, Neuron, Run};
use tapegrad::{Tape, Value};

fn moons_mlp() -> Mlp {
    Mlp::new(
        2,
        &[
            (16, Activation::Relu),
            (16, Activation::Relu),
            (1, Activation::Identity),
        ],
        Init::Uniform,
        1337,
    )
}

#[test]
fn each_neuron_records_one_node_activation_included() {
    let model = moons_mlp();
    let tape = Tape::new();
    let params = model.bind(&tape);
    assert_eq!(tape.len(), 337);
    let x = Run::vars(&tape, [0.3, -0.1]);
    let before = tape.len();
    model.forward(params, x);
    // 16 neurons, 16 neurons, one output: relu lives inside each neuron's node.
    assert_eq!(tape.len() - before, 16 + 16 + 1);
}

#[test]
fn a_leaky_relu_layer_adds_one_node_per_neuron_after_its_weighted_sums() {
    let model = Mlp::new(2, &[(3, Activation::leaky_relu(0.1))], Init::He, 0);
    let tape = Tape::new();
    let params = model.bind(&tape);
    let before = tape.len();
    let outputs = model.forward(params, Run::vars(&tape, [0.3, -0.1]));
    assert_eq!(
        tape.len() - before,
        2 + 3 + 3,
        "two inputs, three sums, three activations"
    );
    assert_eq!(
        outputs.get(0).index(),
        before + 2 + 3,
        "the outputs follow the sums"
    );
}

#[test]
fn forward_equals_the_public_affine_path_to_the_bit() {
    // The same network written with Tape::affine and the activations by hand.
    let model = Mlp::new(
        3,
        &[
            (5, Activation::Tanh),
            (4, Activation::leaky_relu(0.2)),
            (2, Activation::Sigmoid),
        ],
        Init::Xavier,
        4,
    );
    let point = [0.7, -1.2, 0.4];
    let tape = Tape::new();
    let params = model.bind(&tape);
    let outputs = model.forward(params, Run::vars(&tape, point));

    let by_hand = Tape::new();
    let mut x: Vec<Value> = point.iter().map(|&v| by_hand.var(v)).collect();
    for layer in model.layers() {
        let mut next = Vec::new();
        for neuron in layer.neurons() {
            let w: Vec<Value> = neuron.weights().iter().map(|&v| by_hand.var(v)).collect();
            let b = by_hand.var(neuron.bias());
            next.push(neuron.activation().apply(by_hand.affine(&w, b, &x)));
        }
        x = next;
    }
    for (fast, slow) in outputs.iter().zip(&x) {
        assert_eq!(fast.data().to_bits(), slow.data().to_bits());
    }
}

#[test]
fn prediction_is_the_textbook_formula() {
    let model = moons_mlp();
    let point = [0.25, -0.75];
    let mut h = point.to_vec();
    for (l, layer) in model.layers().iter().enumerate() {
        h = layer
            .neurons()
            .iter()
            .map(|n| {
                let z = n.weights().iter().zip(&h).map(|(w, x)| w * x).sum::<f64>() + n.bias();
                if l < 2 { z.max(0.0) } else { z }
            })
            .collect();
    }
    let predicted = model.predict(&point)[0];
    assert!((predicted - h[0]).abs() < 1e-12, "{predicted} vs {}", h[0]);
}

#[test]
fn layer_outputs_are_consecutive_nodes() {
    let layer = Layer::new(3, 4, Activation::Tanh, Init::Xavier, 0);
    let tape = Tape::new();
    let params = layer.bind(&tape);
    let out = layer.forward(params, Run::vars(&tape, [1.0, 2.0, 3.0]));
    let indices: Vec<usize> = out.iter().map(Value::index).collect();
    let first = indices[0];
    assert_eq!(indices, (first..first + 4).collect::<Vec<_>>());
    assert_eq!(first + 4, tape.len(), "activations come last");
}

#[test]
fn identity_layer_outputs_are_the_weighted_sums() {
    let neuron = Neuron::from_parameters(vec![2.0, -1.0], 0.5, Activation::Identity);
    let layer = Layer::from_neurons(vec![neuron.clone(), neuron]);
    let tape = Tape::new();
    let params = layer.bind(&tape);
    let before = tape.len() + 2;
    let out = layer.forward(params, Run::vars(&tape, [3.0, 1.0]));
    assert_eq!(
        tape.len(),
        before + 2,
        "identity records no activation node"
    );
    assert_eq!(out.get(1).data(), 5.5);
}

#[test]
fn one_neuron_layer_in_the_middle_works() {
    // micrograd's MLP(2, [16, 1, 1]) breaks; here every layer records like any other.
    let model = Mlp::new(
        2,
        &[
            (16, Activation::Tanh),
            (1, Activation::Tanh),
            (1, Activation::Identity),
        ],
        Init::Xavier,
        0,
    );
    assert_eq!(model.parameter_count(), 48 + 17 + 2);
    let tape = Tape::new();
    let params = model.bind(&tape);
    let out = model.forward(params, Run::vars(&tape, [0.5, 0.5])).get(0);
    out.backward();
    let mut grads = Vec::new();
    params.grads_into(&mut grads);
    assert!(
        grads[..48].iter().any(|&g| g != 0.0),
        "gradient reaches the first layer"
    );
}

#[test]
fn same_seed_same_network_other_seed_other_network() {
    let a = moons_mlp();
    assert_eq!(
        a.parameters()
            .into_iter()
            .map(f64::to_bits)
            .collect::<Vec<_>>(),
        moons_mlp()
            .parameters()
            .into_iter()
            .map(f64::to_bits)
            .collect::<Vec<_>>()
    );
    let b = Mlp::new(
        2,
        &[
            (16, Activation::Relu),
            (16, Activation::Relu),
            (1, Activation::Identity),
        ],
        Init::Uniform,
        1338,
    );
    assert_ne!(a, b);
}

#[test]
fn initial_weights_stay_within_each_schemes_limit_and_biases_are_zero() {
    for (init, limit) in [
        (Init::Uniform, 1.0),
        (Init::Xavier, (6.0f64 / (64.0 + 32.0)).sqrt()),
        (Init::He, (6.0f64 / 64.0).sqrt()),
    ] {
        let layer = Layer::new(64, 32, Activation::Relu, init, 5);
        let weights: Vec<f64> = layer
            .neurons()
            .iter()
            .flat_map(|n| n.weights().to_vec())
            .collect();
        assert!(weights.iter().all(|w| w.abs() <= limit), "{init:?}");
        // 2048 uniform draws fill their range: the largest is near the limit.
        let largest = weights.iter().fold(0.0f64, |m, w| m.max(w.abs()));
        assert!(largest > 0.95 * limit, "{init:?}: largest {largest}");
        // ...and their mean is near 0 (standard error limit / sqrt(3 * 2048)).
        let mean = weights.iter().sum::<f64>() / weights.len() as f64;
        assert!(mean.abs() < 0.05 * limit, "{init:?}: mean {mean}");
        assert!(layer.neurons().iter().all(|n| n.bias() == 0.0));
    }
}

#[test]
fn dropout_drops_about_its_rate_and_rescales_the_rest() {
    let tape = Tape::new();
    let x = Run::vars(&tape, vec![1.0; 10_000]);
    let y = Dropout::new(0.3, 42).apply(x);
    let dropped = y.iter().filter(|v| v.data() == 0.0).count();
    // 3000 expected, standard deviation about 46.
    assert!((2800..3200).contains(&dropped), "{dropped} dropped");
    assert!(y.iter().all(|v| v.data() == 0.0 || v.data() == 1.0 / 0.7));
}

#[test]
fn dropout_masks_repeat_with_the_seed_and_change_between_calls() {
    let tape = Tape::new();
    let x = Run::vars(&tape, [1.0; 64]);
    let mask = |y: Run| y.iter().map(|v| v.data() == 0.0).collect::<Vec<_>>();
    let mut a = Dropout::new(0.5, 3);
    let mut b = Dropout::new(0.5, 3);
    let first = mask(a.apply(x));
    assert_eq!(first, mask(b.apply(x)));
    assert_ne!(first, mask(a.apply(x)));
}

#[test]
fn dropout_is_applied_to_hidden_layers_only() {
    let model = Mlp::new(
        2,
        &[
            (6, Activation::Relu),
            (5, Activation::Relu),
            (1, Activation::Identity),
        ],
        Init::He,
        0,
    );
    let tape = Tape::new();
    let params = model.bind(&tape);
    let x = Run::vars(&tape, [0.2, 0.9]);
    let before = tape.len();
    model.forward(params, x);
    let plain = tape.len() - before;
    let before = tape.len();
    model.forward_with_dropout(params, x, &mut Dropout::new(0.5, 0));
    assert_eq!(tape.len() - before, plain + 6 + 5);
}
