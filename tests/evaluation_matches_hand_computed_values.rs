//! Evaluating a model on a data set without a tape: predictions, accuracy under each label
//! convention and mean losses against values worked out by hand from known weights, and
//! softmax and argmax against their closed forms.
#![cfg(feature = "nn")]

use tapegrad::Tape;
use tapegrad::nn::{
    self, Activation, Dataset, Init, Layer, Mlp, Neuron, Run, argmax, loss, softmax,
};

/// One identity layer: output `k` is `w_k · x + b_k`.
fn linear(rows: &[([f64; 2], f64)]) -> Mlp {
    let neurons = rows
        .iter()
        .map(|&(w, b)| Neuron::from_parameters(w.to_vec(), b, Activation::Identity))
        .collect();
    Mlp::from_layers(vec![Layer::from_neurons(neurons)])
}

/// Three class scores: `x + y`, `x - y`, `0.5`.
fn three_scores() -> Mlp {
    linear(&[([1.0, 1.0], 0.0), ([1.0, -1.0], 0.0), ([0.0, 0.0], 0.5)])
}

fn points(xs: &[[f64; 2]], targets: &[f64]) -> Dataset {
    Dataset::new(2, xs.concat(), targets.to_vec())
}

#[test]
fn predictions_are_the_outputs_at_each_point() {
    let data = points(&[[1.0, 2.0], [3.0, -1.0]], &[0.0, 0.0]);
    assert_eq!(
        three_scores().predictions(&data),
        [[3.0, -1.0, 0.5], [2.0, 4.0, 0.5]]
    );
}

#[test]
fn predictions_of_a_deep_network_are_its_predict_at_each_point() {
    let mlp = Mlp::new(
        2,
        &[
            (5, Activation::Tanh),
            (2, Activation::Relu),
            (3, Activation::Identity),
        ],
        Init::Xavier,
        4,
    );
    let data = nn::spiral(5, 3, 0.2, 0);
    let each: Vec<Vec<f64>> = data.iter().map(|(x, _)| mlp.predict(x)).collect();
    assert_eq!(mlp.predictions(&data), each);
}

#[test]
fn accuracy_with_class_indices_counts_the_highest_scores() {
    // Scores (x + y, x - y, 0.5): the points below score highest on classes 0, 1, 2, 0, 0.
    let xs = [[1.0, 2.0], [3.0, -1.0], [0.0, 0.0], [2.0, 0.0], [1.0, 0.0]];
    let model = three_scores();
    assert_eq!(
        model.accuracy(&points(&xs, &[0.0, 1.0, 2.0, 0.0, 0.0])),
        1.0
    );
    // [2, 0] ties classes 0 and 1 at 2: the first wins, so a label 1 there is wrong; so is
    // a label 2 at [1, 0].
    assert_eq!(
        model.accuracy(&points(&xs, &[0.0, 1.0, 2.0, 1.0, 2.0])),
        0.6
    );
}

#[test]
fn accuracy_with_one_output_reads_minus_one_plus_one_and_zero_one_labels() {
    // The score is x - 1: above 0 for x = 2 and 3, not above 0 for x = 0 and 1.
    let model = linear(&[([1.0, 0.0], -1.0)]);
    let xs = [[0.0, 0.0], [1.0, 0.0], [2.0, 0.0], [3.0, 0.0]];
    assert_eq!(model.accuracy(&points(&xs, &[-1.0, -1.0, 1.0, 1.0])), 1.0);
    assert_eq!(model.accuracy(&points(&xs, &[0.0, 0.0, 1.0, 1.0])), 1.0);
    assert_eq!(model.accuracy(&points(&xs, &[1.0, -1.0, 1.0, -1.0])), 0.5);
    assert_eq!(model.accuracy(&points(&xs, &[1.0, 1.0, 1.0, 0.0])), 0.25);
}

#[test]
fn a_nan_score_never_counts_as_a_class_or_a_side() {
    // At x = NaN the scores are (NaN, NaN, 0.5): argmax reads NaN as the largest, class 0,
    // but the point names no class; with one output, NaN is neither above 0 nor below.
    let nan = [[f64::NAN, 0.0], [1.0, 2.0]];
    assert_eq!(argmax(&three_scores().predict(&nan[0])), 0);
    assert_eq!(three_scores().accuracy(&points(&nan, &[0.0, 0.0])), 0.5);
    assert_eq!(three_scores().accuracy(&points(&nan, &[2.0, 0.0])), 0.5);
    let one = linear(&[([1.0, 0.0], -1.0)]); // x - 1: 2 at the second point
    let nan = [[f64::NAN, 0.0], [3.0, 0.0]];
    for labels in [[-1.0, 1.0], [0.0, 1.0], [1.0, 1.0]] {
        assert_eq!(
            one.accuracy(&points(&nan, &labels)),
            0.5,
            "labels {labels:?}"
        );
    }
}

#[test]
fn accuracy_of_no_points_is_nan() {
    assert!(three_scores().accuracy(&points(&[], &[])).is_nan());
}

#[test]
#[should_panic(
    expected = "with one output, accuracy takes labels -1 or +1, or 0 or 1; point 1's target is 2"
)]
fn accuracy_with_one_output_and_a_class_index_panics() {
    let model = linear(&[([1.0, 0.0], 0.0)]);
    model.accuracy(&points(&[[0.0, 0.0], [1.0, 0.0]], &[1.0, 2.0]));
}

#[test]
#[should_panic(expected = "point 0's class 3 is out of range: the model has 3 outputs")]
fn accuracy_with_a_class_past_the_outputs_panics() {
    three_scores().accuracy(&points(&[[0.0, 0.0]], &[3.0]));
}

#[test]
#[should_panic(expected = "the data set's points have 1 inputs, but this Mlp takes 2")]
fn evaluating_points_of_the_wrong_size_panics() {
    three_scores().predictions(&Dataset::new(1, vec![0.0], vec![0.0]));
}

#[test]
fn mean_softmax_cross_entropy_is_the_closed_form_averaged() {
    let xs = [[1.0, 2.0], [3.0, -1.0], [0.5, 0.25]];
    let classes = [2, 1, 0];
    let data = Dataset::new(2, xs.concat(), classes.to_vec());
    // -ln softmax(z)_c = ln(sum_k e^(z_k)) - z_c, with z = (x + y, x - y, 0.5).
    let by_hand: f64 = xs
        .iter()
        .zip(classes)
        .map(|(&[x, y], c)| {
            let z = [x + y, x - y, 0.5];
            z.iter().map(|z| z.exp()).sum::<f64>().ln() - z[c]
        })
        .sum::<f64>()
        / 3.0;
    let mean = three_scores().mean_loss(&data, |scores, class| {
        loss::softmax_cross_entropy(scores, class)
    });
    assert!((mean - by_hand).abs() < 1e-14, "{mean} vs {by_hand}");
}

#[test]
fn mean_binary_cross_entropy_and_squared_error_are_the_closed_forms_averaged() {
    let model = linear(&[([2.0, 0.0], -1.0)]); // z = 2 x - 1
    let xs = [[0.0, 0.0], [1.0, 0.0], [2.0, 0.0]];
    let data = points(&xs, &[0.0, 1.0, 0.0]);
    // BCE on a logit: ln(1 + e^z) - t z; z = -1, 1, 3.
    let bce = ((1.0 + (-1f64).exp()).ln() + (1.0 + 1f64.exp()).ln() - 1.0
        + (1.0 + 3f64.exp()).ln())
        / 3.0;
    let mean = model.mean_loss(&data, |out, t| {
        loss::binary_cross_entropy_with_logits(out.get(0), t)
    });
    assert!((mean - bce).abs() < 1e-14, "{mean} vs {bce}");
    // Squared errors (-1 - 0)², (1 - 1)², (3 - 0)²: mean 10 / 3.
    let mse = model.mean_loss(&data, |out, t| loss::squared_error(out.get(0), t));
    assert!((mse - 10.0 / 3.0).abs() < 1e-15);
}

#[test]
fn mean_loss_of_no_points_is_nan() {
    let mean = three_scores().mean_loss(&points(&[], &[]), |s, _| s.get(0));
    assert!(mean.is_nan());
}

#[test]
fn softmax_matches_its_closed_form() {
    // e^(ln k) = k: the probabilities are 1/6, 2/6, 3/6.
    let p = softmax(&[0.0, 2f64.ln(), 3f64.ln()]);
    for (got, want) in p.iter().zip([1.0 / 6.0, 2.0 / 6.0, 3.0 / 6.0]) {
        assert!((got - want).abs() < 1e-15, "{p:?}");
    }
    // Adding a constant changes nothing; huge scores do not overflow.
    let shifted = softmax(&[800.0, 800.0 + 2f64.ln(), 800.0 + 3f64.ln()]);
    for (got, want) in shifted.iter().zip(&p) {
        assert!((got - want).abs() < 1e-13, "{shifted:?}");
    }
    assert_eq!(softmax(&[-1e308, 1e308]), [0.0, 1.0]);
    assert_eq!(softmax(&[4.0]), [1.0]);
    assert!(softmax(&[1.0, f64::NAN]).iter().all(|p| p.is_nan()));
}

#[test]
fn softmax_is_the_gradient_of_cross_entropy_plus_the_label() {
    // d/dz_i of -ln softmax(z)_c is softmax(z)_i - [i == c], from the tape.
    let z = [0.3, -1.2, 2.0, 0.7];
    let tape = Tape::new();
    let logits = Run::vars(&tape, z);
    loss::softmax_cross_entropy(logits, 1).backward();
    for (i, p) in softmax(&z).into_iter().enumerate() {
        let label = if i == 1 { 1.0 } else { 0.0 };
        assert!((logits.get(i).grad() + label - p).abs() < 1e-15);
    }
}

#[test]
fn argmax_takes_the_first_largest_and_a_nan_over_any_number() {
    assert_eq!(argmax(&[-3.0]), 0);
    assert_eq!(argmax(&[-3.0, -1.0, -2.0]), 1);
    assert_eq!(argmax(&[1.0, 5.0, 5.0, 2.0]), 1);
    assert_eq!(argmax(&[f64::NEG_INFINITY, f64::INFINITY]), 1);
    assert_eq!(argmax(&[1.0, f64::NAN, 9.0, f64::NAN]), 1);
}

#[test]
#[should_panic(expected = "argmax needs at least one number")]
fn argmax_of_nothing_panics() {
    argmax(&[]);
}
