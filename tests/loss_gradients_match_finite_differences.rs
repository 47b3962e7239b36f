//! Every loss, penalty and network gradient that backward computes agrees with central finite
//! differences of the same function's value, and the losses' values agree with their
//! textbook formulas written in plain `f64`.
#![cfg(feature = "nn")]

use tapegrad::nn::{self, Activation, Dropout, Init, Layer, Mlp, Module, Neuron, Run, loss};
use tapegrad::{Tape, Value};

/// Compares backward's gradient of `f` at `at` with central differences, input by input.
fn assert_gradient_matches(what: &str, at: &[f64], f: impl for<'t> Fn(Run<'t>) -> Value<'t>) {
    let tape = Tape::new();
    let x = Run::vars(&tape, at);
    f(x).backward();
    let mut grads = Vec::new();
    x.grads_into(&mut grads);
    let value_at = |point: &[f64]| {
        let tape = Tape::new();
        f(Run::vars(&tape, point)).data()
    };
    for i in 0..at.len() {
        let h = 1e-6 * at[i].abs().max(1.0);
        let (mut up, mut down) = (at.to_vec(), at.to_vec());
        up[i] += h;
        down[i] -= h;
        let numeric = (value_at(&up) - value_at(&down)) / (2.0 * h);
        let tolerance = 1e-6 * (1.0 + numeric.abs());
        assert!(
            (numeric - grads[i]).abs() <= tolerance,
            "{what}: d/dx{i} is {} by backward, {numeric} by finite differences",
            grads[i]
        );
    }
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

#[test]
fn squared_error_gradient_and_value() {
    for (p, t) in [(2.5, 1.0), (-0.3, 0.7), (4.0, 4.5)] {
        assert_gradient_matches("squared error", &[p], |x| loss::squared_error(x.get(0), t));
        let tape = Tape::new();
        assert_eq!(
            loss::squared_error(tape.var(p), t).data(),
            (p - t) * (p - t)
        );
    }
}

#[test]
fn mse_gradient_and_value() {
    let targets = [0.5, -1.0, 2.0];
    assert_gradient_matches("mse", &[1.0, 0.25, -3.0], |x| loss::mse(x, &targets));
    let tape = Tape::new();
    let value = loss::mse(Run::vars(&tape, [1.0, 0.25, -3.0]), &targets).data();
    let expected = (0.25 + 1.5625 + 25.0) / 3.0;
    assert!((value - expected).abs() < 1e-15);
}

#[test]
fn binary_cross_entropy_gradient_and_value() {
    for (z, t) in [(0.3, 1.0), (-2.0, 0.0), (1.5, 0.25), (-0.7, 1.0)] {
        assert_gradient_matches("bce", &[z], |x| {
            loss::binary_cross_entropy_with_logits(x.get(0), t)
        });
        let tape = Tape::new();
        let value = loss::binary_cross_entropy_with_logits(tape.var(z), t).data();
        let p = sigmoid(z);
        let textbook = -t * p.ln() - (1.0 - t) * (1.0 - p).ln();
        assert!((value - textbook).abs() < 1e-12, "bce({z}, {t})");
    }
}

#[test]
fn binary_cross_entropy_stays_finite_at_extreme_logits() {
    let tape = Tape::new();
    for (z, t, loss_value, gradient) in [
        (1000.0, 1.0, 0.0, 0.0),
        (1000.0, 0.0, 1000.0, 1.0),
        (-1000.0, 0.0, 0.0, 0.0),
        (-1000.0, 1.0, 1000.0, -1.0),
    ] {
        let logit = tape.var(z);
        let l = loss::binary_cross_entropy_with_logits(logit, t);
        l.backward();
        // The gradient is sigmoid(z) - t.
        assert_eq!(
            (l.data(), logit.grad()),
            (loss_value, gradient),
            "z={z} t={t}"
        );
    }
}

#[test]
fn hinge_gradient_and_value() {
    for (s, y) in [
        (0.25, 1.0),
        (-0.5, 1.0),
        (0.4, -1.0),
        (2.0, 1.0),
        (-3.0, -1.0),
    ] {
        assert_gradient_matches("hinge", &[s], |x| loss::hinge(x.get(0), y));
        let tape = Tape::new();
        assert_eq!(loss::hinge(tape.var(s), y).data(), (1.0 - y * s).max(0.0));
    }
}

#[test]
fn softmax_cross_entropy_gradient_and_value() {
    let logits = [0.5, -1.25, 2.0, 0.0];
    for class in 0..logits.len() {
        assert_gradient_matches("softmax cross-entropy", &logits, |x| {
            loss::softmax_cross_entropy(x, class)
        });
        let tape = Tape::new();
        let value = loss::softmax_cross_entropy(Run::vars(&tape, logits), class).data();
        let sum: f64 = logits.iter().map(|z| z.exp()).sum();
        let textbook = -(logits[class].exp() / sum).ln();
        assert!((value - textbook).abs() < 1e-14, "class {class}");
    }
}

#[test]
fn softmax_cross_entropy_is_stable_for_large_logits() {
    let tape = Tape::new();
    let logits = Run::vars(&tape, [1000.0, 999.0, -1000.0]);
    let l = loss::softmax_cross_entropy(logits, 1);
    l.backward();
    // The same as for logits [1, 0, -1999]: ln(1 + e) - 0 + tiny.
    let expected = (1.0 + 1f64.exp()).ln();
    assert!((l.data() - expected).abs() < 1e-12, "loss {}", l.data());
    let softmax0 = 1f64.exp() / (1.0 + 1f64.exp());
    assert!((logits.get(0).grad() - softmax0).abs() < 1e-12);
    assert!((logits.get(1).grad() - (1.0 - softmax0 - 1.0)).abs() < 1e-12);
    assert_eq!(logits.get(2).grad(), 0.0);
}

#[test]
fn l1_penalty_gradient_and_value() {
    let params = [0.5, -2.0, 3.0];
    assert_gradient_matches("l1", &params, |p| loss::l1(p));
    let tape = Tape::new();
    assert_eq!(loss::l1(Run::vars(&tape, params)).data(), 5.5);
}

#[test]
fn l2_penalty_gradient_and_value() {
    let params = [0.5, -2.0, 3.0];
    assert_gradient_matches("l2", &params, |p| loss::l2(p));
    let tape = Tape::new();
    let run = Run::vars(&tape, params);
    let before = tape.len();
    assert_eq!(loss::l2(run).data(), 13.25);
    assert_eq!(tape.len(), before + 1, "the L2 penalty is one dot node");
}

#[test]
fn dropout_gradient_matches_with_its_mask_fixed() {
    // The same seed gives the same mask at every evaluation, so the function is fixed.
    let at = [0.5, -1.0, 2.0, 0.25, 1.5, -0.75];
    assert_gradient_matches("dropout", &at, |x| {
        let y = Dropout::new(0.5, 11).apply(x);
        x.tape().sum(y.iter().map(|v| v * v))
    });
}

/// A network whose activations are smooth where it is evaluated.
fn smooth_mlp() -> Mlp {
    Mlp::new(
        3,
        &[
            (5, Activation::Tanh),
            (4, Activation::Sigmoid),
            (3, Activation::leaky_relu(0.1)),
            (2, Activation::Identity),
        ],
        Init::Xavier,
        17,
    )
}

#[test]
fn network_parameter_gradients_match() {
    let model = smooth_mlp();
    let params: Vec<f64> = model.parameters();
    let point = [0.3, -0.8, 1.1];
    assert_gradient_matches("mlp parameters", &params, |p| {
        let x = Run::vars(p.tape(), point);
        let out = model.forward(p, x);
        loss::mse(out, &[0.5, -0.25])
    });
}

#[test]
fn saliency_matches_finite_differences() {
    let model = smooth_mlp();
    let point = [0.3, -0.8, 1.1];
    for output in 0..2 {
        let saliency = model.input_gradient(&point, output);
        for i in 0..point.len() {
            let h = 1e-6;
            let (mut up, mut down) = (point, point);
            up[i] += h;
            down[i] -= h;
            let numeric = (model.predict(&up)[output] - model.predict(&down)[output]) / (2.0 * h);
            assert!(
                (numeric - saliency[i]).abs() < 1e-6,
                "output {output}, input {i}: {} vs {numeric}",
                saliency[i]
            );
        }
    }
}

#[test]
fn one_neuron_layer_in_the_middle_passes_gradients() {
    let model = Mlp::from_layers(vec![
        Layer::new(2, 4, Activation::Tanh, Init::Xavier, 1),
        Layer::from_neurons(vec![Neuron::from_parameters(
            vec![0.5, -0.4, 0.3, 0.2],
            0.1,
            Activation::Tanh,
        )]),
        Layer::new(1, 1, Activation::Identity, Init::Xavier, 2),
    ]);
    let params: Vec<f64> = model.parameters();
    assert_gradient_matches("mlp 2-4-1-1", &params, |p| {
        let out = model.forward(p, Run::vars(p.tape(), [0.7, -0.2]));
        loss::squared_error(out.get(0), 1.0)
    });
}

#[test]
fn relu_network_gradient_matches_away_from_kinks() {
    // micrograd's MLP(2, [16, 16, 1]); the point is chosen where no unit sits on its kink
    // closer than the step of the differences.
    let model = Mlp::new(
        2,
        &[
            (16, Activation::Relu),
            (16, Activation::Relu),
            (1, Activation::Identity),
        ],
        Init::Uniform,
        1337,
    );
    let data = nn::moons(8, 0.1, 3);
    let params: Vec<f64> = model.parameters();
    assert_gradient_matches("moons mlp", &params, |p| {
        let tape = p.tape();
        let total = tape.sum(data.iter().map(|(x, y)| {
            let out = model.forward(p, Run::vars(tape, x));
            loss::hinge(out.get(0), y)
        }));
        total / data.len() as f64 + loss::l2(p) * 1e-4
    });
}
