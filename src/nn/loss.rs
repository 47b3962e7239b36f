//! Loss functions and penalties, written with `Value` operations only: their gradients come
//! from the tape, like everything else's.
//!
//! Each function scores one example (or one set of parameters) and returns a `Value`; a batch
//! loss is their mean, e.g. `tape.sum(points.map(..)) / n as f64`, which records no `Vec`.

use super::Run;
use crate::value::Value;

/// Squared error `(prediction - target)²` of one prediction.
///
/// ```
/// let tape = tapegrad::Tape::new();
/// let p = tape.var(2.5);
/// let loss = tapegrad::nn::loss::squared_error(p, 1.0);
/// loss.backward();
/// assert_eq!((loss.data(), p.grad()), (2.25, 3.0));
/// ```
pub fn squared_error<'t>(prediction: Value<'t>, target: f64) -> Value<'t> {
    (prediction - target).powi(2)
}

/// Mean squared error of a network's outputs against `targets`: the mean of the squared
/// errors, one per output.
///
/// ```
/// use tapegrad::{Tape, nn::{Run, loss}};
///
/// let tape = Tape::new();
/// let outputs = Run::vars(&tape, [1.0, 3.0]);
/// let l = loss::mse(outputs, &[0.0, 0.0]);
/// assert_eq!(l.data(), 5.0); // (1 + 9) / 2
/// ```
///
/// # Panics
/// If `predictions` and `targets` differ in length (the message gives both), or are empty.
#[track_caller]
pub fn mse<'t>(predictions: Run<'t>, targets: &[f64]) -> Value<'t> {
    assert_eq!(
        predictions.len(),
        targets.len(),
        "mse needs one target per prediction: got {} predictions and {} targets",
        predictions.len(),
        targets.len()
    );
    assert!(!targets.is_empty(), "mse needs at least one prediction");
    let tape = predictions.tape();
    let total = tape.sum(
        predictions
            .iter()
            .zip(targets)
            .map(|(p, &t)| squared_error(p, t)),
    );
    total / targets.len() as f64
}

/// Binary cross-entropy of a logit `z` (a score; the predicted probability is `sigmoid(z)`)
/// against a target probability `t` in `[0, 1]`, usually a label 0 or 1.
///
/// It is `-t ln(sigmoid(z)) - (1 - t) ln(1 - sigmoid(z))`, computed as
/// `softplus(z) - t z`, which stays finite for any logit: taking the log of a sigmoid that
/// has rounded to 0 or 1 would give an infinity at logits of a few dozen. Its gradient is
/// `sigmoid(z) - t`.
///
/// ```
/// use tapegrad::{Tape, nn::loss::binary_cross_entropy_with_logits as bce};
///
/// let tape = Tape::new();
/// let z = tape.var(0.0);
/// let loss = bce(z, 1.0);
/// loss.backward();
/// assert!((loss.data() - 2f64.ln()).abs() < 1e-15);
/// assert_eq!(z.grad(), -0.5);
/// // Confidently wrong at a logit of -1000: a large loss, still finite.
/// assert_eq!(bce(tape.var(-1000.0), 1.0).data(), 1000.0);
/// ```
///
/// # Panics
/// If `target` is not in `[0, 1]`.
#[track_caller]
pub fn binary_cross_entropy_with_logits<'t>(logit: Value<'t>, target: f64) -> Value<'t> {
    assert!(
        (0.0..=1.0).contains(&target),
        "binary cross-entropy needs a target in [0, 1] (a label 0 or 1, or a probability), \
         got {target}"
    );
    logit.softplus() - logit * target
}

/// Hinge loss `max(0, 1 - label * score)` for a label of -1 or +1: the SVM's max-margin
/// loss, as in micrograd's two-moons demo. It is zero once a point is on the right side of
/// the boundary with a margin of at least 1.
///
/// ```
/// use tapegrad::{Tape, nn::loss::hinge};
///
/// let tape = Tape::new();
/// let score = tape.var(0.25);
/// let loss = hinge(score, 1.0);
/// loss.backward();
/// assert_eq!((loss.data(), score.grad()), (0.75, -1.0));
/// assert_eq!(hinge(tape.var(3.0), 1.0).data(), 0.0);
/// ```
///
/// # Panics
/// If `label` is neither -1 nor +1.
#[track_caller]
pub fn hinge<'t>(score: Value<'t>, label: f64) -> Value<'t> {
    assert!(
        label == 1.0 || label == -1.0,
        "hinge loss needs a label of -1 or +1, got {label}"
    );
    (1.0 - score * label).relu()
}

/// Softmax cross-entropy of `K` class scores (logits) against the true class:
/// `-ln(softmax(logits)[class]) = ln(sum_i e^(z_i)) - z_class`.
///
/// The log-sum-exp is computed as `m + ln(sum_i e^(z_i - m))` with `m` the largest logit,
/// so no exponential overflows; `m` is a plain number (the gradient of log-sum-exp does not
/// depend on the shift). The gradient with respect to logit `i` is
/// `softmax(logits)[i] - [i == class]`.
///
/// ```
/// use tapegrad::{Tape, nn::{Run, loss::softmax_cross_entropy}};
///
/// let tape = Tape::new();
/// let logits = Run::vars(&tape, [1.0, 1.0, 1.0]);
/// let loss = softmax_cross_entropy(logits, 2);
/// loss.backward();
/// assert!((loss.data() - 3f64.ln()).abs() < 1e-15);
/// assert!((logits.get(2).grad() - (1.0 / 3.0 - 1.0)).abs() < 1e-15);
/// // Large logits do not overflow.
/// let big = Run::vars(&tape, [1000.0, -1000.0]);
/// assert_eq!(softmax_cross_entropy(big, 0).data(), 0.0);
/// ```
///
/// # Panics
/// If `class` is not below the number of logits (the message gives both).
#[track_caller]
pub fn softmax_cross_entropy<'t>(logits: Run<'t>, class: usize) -> Value<'t> {
    assert!(
        class < logits.len(),
        "class label {class} is out of range: expected a class below {} (one per logit)",
        logits.len()
    );
    let m = logits
        .iter()
        .map(Value::data)
        .fold(f64::NEG_INFINITY, f64::max);
    let tape = logits.tape();
    let log_sum_exp = tape.sum(logits.iter().map(|z| (z - m).exp())).ln() + m;
    log_sum_exp - logits.get(class)
}

/// L1 penalty `sum_i |p_i|` of a model's bound parameters: it pushes weights to exactly 0.
///
/// ```
/// use tapegrad::{Tape, nn::{Run, loss::l1}};
///
/// let tape = Tape::new();
/// let params = Run::vars(&tape, [2.0, -3.0]);
/// let penalty = l1(params);
/// penalty.backward();
/// assert_eq!(penalty.data(), 5.0);
/// assert_eq!(params.get(1).grad(), -1.0);
/// ```
pub fn l1<'t>(params: Run<'t>) -> Value<'t> {
    params.tape().sum(params.iter().map(Value::abs))
}

/// L2 penalty `sum_i p_i²` of a model's bound parameters (one dot-product node): it keeps
/// weights small. micrograd's demo adds `1e-4` times this to its loss.
///
/// ```
/// use tapegrad::{Tape, nn::{Run, loss::l2}};
///
/// let tape = Tape::new();
/// let params = Run::vars(&tape, [2.0, -3.0]);
/// let penalty = l2(params);
/// penalty.backward();
/// assert_eq!(penalty.data(), 13.0);
/// assert_eq!(params.get(1).grad(), -6.0);
/// ```
pub fn l2<'t>(params: Run<'t>) -> Value<'t> {
    params.dot(params)
}

/// No penalty: the constant 0, whatever the parameters. Pass it where a penalty is asked for
/// and none is wanted, as [`DataParallel::loss_and_gradient`](super::DataParallel::loss_and_gradient)'s
/// `penalty`.
///
/// ```
/// use tapegrad::nn::{self, Activation, DataParallel, Init, Mlp, loss};
///
/// let model = Mlp::new(2, &[(4, Activation::Tanh), (1, Activation::Identity)], Init::Xavier, 0);
/// let mut grads = Vec::new();
/// let mean_loss = DataParallel::new(2).loss_and_gradient(
///     &model,
///     &nn::xor(),
///     |out, target| loss::squared_error(out.get(0), target),
///     loss::no_penalty,
///     &mut grads,
/// );
/// assert!(mean_loss > 0.0);
/// ```
pub fn no_penalty<'t>(params: Run<'t>) -> Value<'t> {
    params.tape().constant(0.0)
}
