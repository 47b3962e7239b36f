//! Misusing the network API panics with a message that says what was expected and what was
//! given.
#![cfg(feature = "nn")]

use tapegrad::Tape;
use tapegrad::nn::{
    Activation, DataParallel, Dataset, Dropout, Init, Layer, Mlp, Module, Neuron, Optimizer, Run,
    Sgd, loss,
};

fn model() -> Mlp {
    Mlp::new(
        2,
        &[(4, Activation::Relu), (3, Activation::Identity)],
        Init::He,
        0,
    )
}

#[test]
#[should_panic(expected = "wrong input length: this Mlp takes 2 inputs, got 3")]
fn input_of_the_wrong_length() {
    let model = model();
    let tape = Tape::new();
    let params = model.bind(&tape);
    model.forward(params, Run::vars(&tape, [1.0, 2.0, 3.0]));
}

#[test]
#[should_panic(expected = "wrong input length: this Mlp takes 2 inputs, got 1")]
fn prediction_at_a_point_of_the_wrong_length() {
    model().predict(&[1.0]);
}

#[test]
#[should_panic(expected = "wrong input length: this Mlp takes 2 inputs, got 5")]
fn saliency_at_a_point_of_the_wrong_length() {
    model().input_gradient(&[1.0; 5], 0);
}

#[test]
#[should_panic(expected = "output 3 is out of range: this Mlp has 3 outputs")]
fn saliency_of_an_output_that_does_not_exist() {
    model().input_gradient(&[1.0, 2.0], 3);
}

#[test]
#[should_panic(expected = "wrong parameter count: this Mlp has 27 parameters, got a run of 2")]
fn parameters_that_are_not_the_models() {
    let model = model();
    let tape = Tape::new();
    let not_params = Run::vars(&tape, [1.0, 2.0]);
    model.forward(not_params, not_params);
}

#[test]
#[should_panic(expected = "wrong input length: this Mlp takes 2 inputs, got 3")]
fn dropout_forward_with_an_input_of_the_wrong_length() {
    let model = model();
    let tape = Tape::new();
    let params = model.bind(&tape);
    model.forward_with_dropout(
        params,
        Run::vars(&tape, [1.0; 3]),
        &mut Dropout::new(0.5, 0),
    );
}

#[test]
#[should_panic(expected = "wrong input length: this Mlp takes 2 inputs, got 3")]
fn data_parallel_on_points_of_the_wrong_length() {
    let data = Dataset::new(3, vec![0.0; 6], vec![1.0, -1.0]);
    DataParallel::new(2).loss_and_gradient(
        &model(),
        &data,
        |out, y| loss::hinge(out.get(0), y),
        |p| loss::l2(p),
        &mut Vec::new(),
    );
}

#[test]
#[should_panic(expected = "class label 3 is out of range: expected a class below 3")]
fn class_label_out_of_range() {
    let tape = Tape::new();
    loss::softmax_cross_entropy(Run::vars(&tape, [0.1, 0.2, 0.3]), 3);
}

#[test]
#[should_panic(expected = "hinge loss needs a label of -1 or +1, got 0")]
fn hinge_label_that_is_not_plus_or_minus_one() {
    let tape = Tape::new();
    loss::hinge(tape.var(0.5), 0.0);
}

#[test]
#[should_panic(expected = "binary cross-entropy needs a target in [0, 1]")]
fn cross_entropy_target_outside_zero_one() {
    let tape = Tape::new();
    loss::binary_cross_entropy_with_logits(tape.var(0.5), -1.0);
}

#[test]
#[should_panic(expected = "mse needs one target per prediction: got 2 predictions and 3 targets")]
fn mse_with_too_many_targets() {
    let tape = Tape::new();
    loss::mse(Run::vars(&tape, [1.0, 2.0]), &[1.0, 2.0, 3.0]);
}

#[test]
#[should_panic(expected = "the optimizer got 2 parameters and 3 gradients")]
fn optimizer_with_too_few_parameters() {
    Sgd::new(0.1).step(&mut [1.0, 2.0], &[0.1, 0.2, 0.3]);
}

#[test]
#[should_panic(expected = "the optimizer got more than 2 parameters and 2 gradients")]
fn optimizer_with_too_many_parameters() {
    Sgd::new(0.1).step(&mut [1.0, 2.0, 3.0], &[0.1, 0.2]);
}

#[test]
#[should_panic(expected = "has state for 2 parameters, but got 3 gradients")]
fn optimizer_shared_between_models() {
    let mut sgd = Sgd::new(0.1).with_momentum(0.9);
    sgd.step(&mut [1.0, 2.0], &[0.1, 0.2]);
    sgd.step(&mut [1.0, 2.0, 3.0], &[0.1, 0.2, 0.3]);
}

#[test]
#[should_panic(expected = "layer 1 has 4 outputs but layer 2 takes 3 inputs")]
fn layers_that_do_not_chain() {
    Mlp::from_layers(vec![
        Layer::new(2, 4, Activation::Relu, Init::He, 0),
        Layer::new(3, 1, Activation::Identity, Init::He, 0),
    ]);
}

#[test]
#[should_panic(expected = "neuron 1 has 2 weights, neuron 2 has 3")]
fn neurons_of_a_layer_with_different_inputs() {
    Layer::from_neurons(vec![
        Neuron::from_parameters(vec![1.0, 2.0], 0.0, Activation::Relu),
        Neuron::from_parameters(vec![1.0, 2.0, 3.0], 0.0, Activation::Relu),
    ]);
}

#[test]
#[should_panic(expected = "cannot combine Values from two different tapes")]
fn parameters_and_inputs_on_different_tapes() {
    let model = model();
    let (a, b) = (Tape::new(), Tape::new());
    model.forward(model.bind(&a), Run::vars(&b, [1.0, 2.0]));
}

#[test]
#[should_panic(expected = "a dropout rate is a probability below 1")]
fn dropout_rate_of_one() {
    Dropout::new(1.0, 0);
}

#[test]
#[should_panic(expected = "index 2 is out of range for a run of 2 values")]
fn reading_past_the_end_of_a_run() {
    let tape = Tape::new();
    Run::vars(&tape, [1.0, 2.0]).get(2);
}
