//! `Module::named_parameters`: every parameter under the name a model file gives it, in binding
//! order, checked against the model file's own lines and against models built by hand.
#![cfg(feature = "nn")]

use tapegrad::nn::{Activation, Init, Layer, Mlp, Module, Neuron};

#[test]
fn an_mlps_names_and_values_are_the_parameter_lines_of_its_model_file() {
    let mlp = Mlp::new(
        3,
        &[
            (4, Activation::Relu),
            (2, Activation::Tanh),
            (1, Activation::Identity),
        ],
        Init::He,
        5,
    );
    let text = mlp.to_text();
    // The file's parameter lines: `name value`, between the layer lines and `end`.
    let from_file: Vec<(String, f64)> = text
        .lines()
        .filter(|line| line.starts_with("layer") && line.contains('.'))
        .map(|line| {
            let (name, value) = line.split_once(' ').unwrap();
            (name.to_owned(), value.parse().unwrap())
        })
        .collect();
    let named: Vec<(String, f64)> = mlp.named_parameters();
    assert_eq!(from_file.len(), 4 * 4 + 2 * 5 + 3);
    assert_eq!(named, from_file);
}

#[test]
fn names_count_layers_neurons_and_weights_from_one_with_the_bias_last() {
    let first = Layer::from_neurons(vec![
        Neuron::from_parameters(vec![1.0, 2.0], 3.0, Activation::Tanh),
        Neuron::from_parameters(vec![4.0, 5.0], 6.0, Activation::Tanh),
    ]);
    let second = Layer::from_neurons(vec![Neuron::from_parameters(
        vec![7.0, 8.0],
        9.0,
        Activation::Identity,
    )]);
    let mlp = Mlp::from_layers(vec![first, second]);
    let named = mlp.named_parameters();
    let expected = [
        ("layer1.neuron1.w1", 1.0),
        ("layer1.neuron1.w2", 2.0),
        ("layer1.neuron1.b", 3.0),
        ("layer1.neuron2.w1", 4.0),
        ("layer1.neuron2.w2", 5.0),
        ("layer1.neuron2.b", 6.0),
        ("layer2.neuron1.w1", 7.0),
        ("layer2.neuron1.w2", 8.0),
        ("layer2.neuron1.b", 9.0),
    ];
    let got: Vec<(&str, f64)> = named.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    assert_eq!(got, expected);
    assert_eq!(mlp.parameter_names().len(), mlp.parameter_count());
}

#[test]
fn a_parameter_set_by_name_is_the_one_the_model_uses() {
    let mut mlp = Mlp::new(
        2,
        &[(3, Activation::Tanh), (1, Activation::Identity)],
        Init::Xavier,
        2,
    );
    for (name, p) in mlp.named_parameters_mut() {
        match name.as_str() {
            "layer1.neuron3.w2" => *p = 0.75,
            "layer2.neuron1.b" => *p = -2.0,
            _ => {}
        }
    }
    assert_eq!(mlp.layers()[0].neurons()[2].weights()[1], 0.75);
    assert_eq!(mlp.layers()[1].neurons()[0].bias(), -2.0);
    // The copy sees the change; changing the copy does not change the model.
    let mut copy = mlp.named_parameters();
    let w2 = copy
        .iter_mut()
        .find(|(name, _)| name == "layer1.neuron3.w2")
        .unwrap();
    assert_eq!(w2.1, 0.75);
    w2.1 = 9.0;
    assert_eq!(mlp.layers()[0].neurons()[2].weights()[1], 0.75);
}

#[test]
fn a_layer_and_a_neuron_name_their_own_parameters() {
    let neuron = Neuron::from_parameters(vec![0.5, -0.5, 1.5], 0.1, Activation::Sigmoid);
    assert_eq!(neuron.parameter_names(), ["w1", "w2", "w3", "b"]);
    let layer = Layer::new(2, 2, Activation::Relu, Init::He, 3);
    assert_eq!(
        layer.parameter_names(),
        [
            "neuron1.w1",
            "neuron1.w2",
            "neuron1.b",
            "neuron2.w1",
            "neuron2.w2",
            "neuron2.b"
        ]
    );
    let values: Vec<f64> = layer
        .named_parameters()
        .into_iter()
        .map(|(_, v)| v)
        .collect();
    assert_eq!(values, layer.parameters());
}
