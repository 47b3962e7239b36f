//! Loss functions and penalties, written with `Value` operations only: their gradients come
//! from the tape, like everything else's.
//!
//! Each function scores one example (or one set of parameters) and returns a `Value`; a batch
//! loss is their mean, e.g. `tape.sum(points.map(..)) / n as f64`, which records no `Vec`.
//! The functions that read several values take any values (`impl IntoIterator<Item =
//! Value>`): a network's outputs as a [`Run`], which they read in place, or values computed
//! from them, which they differentiate through.

use super::Run;
use super::run::Gathered;
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

/// Mean squared error of predictions against `targets`: the mean of the squared errors,
/// one per prediction.
///
/// The predictions are any values: a network's outputs (a [`Run`]), or values computed from
/// them, and the gradient reaches whatever they were computed from.
///
/// ```
/// use tapegrad::{Tape, nn::loss};
///
/// let tape = Tape::new();
/// let (w, x) = (tape.var(3.0), tape.var(0.5));
/// let l = loss::mse(vec![w * x], &[1.0]); // (w x - 1)²
/// l.backward();
/// assert_eq!(l.data(), 0.25);
/// assert_eq!(w.grad(), 2.0 * (1.5 - 1.0) * 0.5); // 2 (w x - 1) x
/// ```
///
/// # Panics
/// If the predictions and `targets` differ in number (the message gives both), or there
/// are none.
#[track_caller]
pub fn mse<'t>(predictions: impl IntoIterator<Item = Value<'t>>, targets: &[f64]) -> Value<'t> {
    let predictions = Gathered::new(predictions);
    assert_eq!(
        predictions.len(),
        targets.len(),
        "mse needs one target per prediction: got {} predictions and {} targets",
        predictions.len(),
        targets.len()
    );
    assert!(!targets.is_empty(), "mse needs at least one prediction");
    let tape = predictions.get(0).tape();
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
/// It is `-t ln(sigmoid(z)) - (1 - t) ln(1 - sigmoid(z))`, recorded as
/// `t softplus(-z) + (1 - t) softplus(z)` (since `-ln(sigmoid(z)) = softplus(-z)`), which
/// stays finite for any finite logit, where the log of a sigmoid rounded to 0 or 1 would be
/// infinite at logits of a few dozen. A term whose weight `t` or `1 - t` is 0 is left out:
/// it is 0 for every logit, so for a label the loss has its limit at infinite logits too
/// (0 when the logit is infinite on the right side, `+inf` on the wrong one). Its gradient
/// is `sigmoid(z) - t`.
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
/// // Right at an infinite logit: the limit, 0, with a gradient of 0.
/// let z = tape.var(f64::INFINITY);
/// let loss = bce(z, 1.0);
/// loss.backward();
/// assert_eq!((loss.data(), z.grad()), (0.0, 0.0));
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
    // -ln(sigmoid(z)) and -ln(1 - sigmoid(z)).
    let positive = || (-logit).softplus();
    let negative = || logit.softplus();
    if target == 1.0 {
        positive()
    } else if target == 0.0 {
        negative()
    } else {
        positive() * target + negative() * (1.0 - target)
    }
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
/// With `z_k` the largest logit (the first of equal largest ones), it is recorded as
/// `ln_1p(sum_{i != k} e^(z_i - z_k)) + (z_k - z_class)` (the second term left out when
/// `class` is `k`): the log-sum-exp with the largest logit subtracted, so no exponential
/// overflows, and `ln_1p` keeps the digits of a sum near 0. `z_k` is a recorded value like
/// the others, so the tape differentiates the whole expression; the gradient with respect
/// to logit `i` is `softmax(logits)[i] - [i == class]`.
///
/// At one infinite logit the expression gives the limits: the loss is 0 when the class's
/// logit is `+inf` and `+inf` when another's is, with gradients `softmax - one_hot` at the
/// limit (0, or `+1` and `-1`); a logit of `-inf` has probability 0. When two logits are
/// `+inf` the limit depends on how they got there, and the loss is NaN, as it is when a
/// logit is NaN.
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
/// // Computed logits are differentiated through.
/// let w = tape.var(2.0);
/// let loss = softmax_cross_entropy([w * 1.0, w * -1.0], 1); // ln(e^w + e^-w) + w
/// loss.backward();
/// assert!((w.grad() - (2f64.tanh() + 1.0)).abs() < 1e-12);
/// ```
///
/// # Panics
/// If `class` is not below the number of logits (the message gives both).
#[track_caller]
pub fn softmax_cross_entropy<'t>(
    logits: impl IntoIterator<Item = Value<'t>>,
    class: usize,
) -> Value<'t> {
    let logits = Gathered::new(logits);
    assert!(
        class < logits.len(),
        "class label {class} is out of range: expected a class below {} (one per logit)",
        logits.len()
    );
    // The largest logit, NaN left aside (a NaN logit makes the sum, and the loss, NaN).
    let mut k = 0;
    for (i, z) in logits.iter().enumerate() {
        if z.data() > logits.get(k).data() || logits.get(k).data().is_nan() {
            k = i;
        }
    }
    let top = logits.get(k);
    let others = logits.iter().enumerate().filter(|&(i, _)| i != k);
    let log_sum_exp = top.tape().sum(others.map(|(_, z)| (z - top).exp())).ln_1p();
    if class == k {
        log_sum_exp
    } else {
        log_sum_exp + (top - logits.get(class))
    }
}

/// L1 penalty `sum_i |p_i|` of a model's bound parameters (or any values): it pushes
/// weights to exactly 0.
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
///
/// # Panics
/// If there are no values: a sum of none has no tape to live on (use
/// [`no_penalty`] for a model without parameters).
#[track_caller]
pub fn l1<'t>(params: impl IntoIterator<Item = Value<'t>>) -> Value<'t> {
    let mut params = params.into_iter().peekable();
    let tape = params.peek().expect(NO_VALUES).tape();
    tape.sum(params.map(Value::abs))
}

/// L2 penalty `sum_i p_i²` of a model's bound parameters (or any values), as one
/// dot-product node: it keeps weights small. micrograd's demo adds `1e-4` times this to its
/// loss.
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
///
/// # Panics
/// If there are no values: a sum of none has no tape to live on (use
/// [`no_penalty`] for a model without parameters).
#[track_caller]
pub fn l2<'t>(params: impl IntoIterator<Item = Value<'t>>) -> Value<'t> {
    match Gathered::new(params) {
        Gathered::Run(run) => run.dot(run),
        Gathered::Listed(values) => {
            let first = values.first().expect(NO_VALUES);
            first.tape().dot(&values, &values)
        }
    }
}

const NO_VALUES: &str = "a penalty of no values has no tape to record its 0 on: use \
                         loss::no_penalty for a model without parameters";

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
