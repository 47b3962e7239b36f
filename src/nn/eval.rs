//! Evaluating a model on a whole data set, without a tape: its outputs, its accuracy and its
//! mean loss; and the two functions that read class scores, [`argmax`] and [`softmax`].

use super::{Dataset, Label, Mlp, Module, Run};
use crate::fast::Tape;
use crate::value::Value;

impl Mlp {
    /// The network's outputs at every point of `data`, one `Vec` a point, in order (what
    /// [`predict`](Mlp::predict) gives at each point).
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Dataset, Layer, Mlp, Neuron};
    ///
    /// // One neuron computing 2 x - 1.
    /// let neuron = Neuron::from_parameters(vec![2.0], -1.0, Activation::Identity);
    /// let mlp = Mlp::from_layers(vec![Layer::from_neurons(vec![neuron])]);
    /// let data = Dataset::new(1, vec![0.0, 1.0, 3.0], vec![0.0; 3]);
    /// assert_eq!(mlp.predictions(&data), [[-1.0], [1.0], [5.0]]);
    /// ```
    ///
    /// # Panics
    /// If the points do not have as many inputs as the network takes.
    #[track_caller]
    pub fn predictions<T: Copy>(&self, data: &Dataset<T>) -> Vec<Vec<f64>> {
        let mut outputs = Vec::with_capacity(data.len());
        self.each_point(data, |_, _, scores| outputs.push(scores.to_vec()));
        outputs
    }

    /// The fraction of the points of `data` whose label the network's outputs name, under
    /// the crate's conventions:
    ///
    /// - **one output** is a score or a logit, as [`loss::hinge`](super::loss::hinge) and
    ///   [`loss::binary_cross_entropy_with_logits`](super::loss::binary_cross_entropy_with_logits)
    ///   read it: labels are -1 and +1, or 0 and 1, and a point counts as right when its
    ///   output is above 0 exactly when its label is +1 (or 1);
    /// - **several outputs** are class scores, as
    ///   [`loss::softmax_cross_entropy`](super::loss::softmax_cross_entropy) reads them:
    ///   labels are class indices, and a point counts as right when its class has the highest
    ///   score ([`argmax`]).
    ///
    /// A point at which an output is NaN counts as wrong: a NaN names no label. An empty data
    /// set has an accuracy of NaN (0 right out of 0).
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Dataset, Layer, Mlp, Neuron};
    ///
    /// // The score is x itself: positive points are called +1.
    /// let neuron = Neuron::from_parameters(vec![1.0], 0.0, Activation::Identity);
    /// let mlp = Mlp::from_layers(vec![Layer::from_neurons(vec![neuron])]);
    /// let data = Dataset::new(1, vec![-2.0, -1.0, 1.0, 2.0], vec![-1.0, 1.0, 1.0, 1.0]);
    /// assert_eq!(mlp.accuracy(&data), 0.75);
    /// ```
    ///
    /// # Panics
    /// If the points do not have as many inputs as the network takes; with one output, if a
    /// label is not -1, 0 or 1; with several, if a label is not a class index below the
    /// number of outputs (the message names the point).
    #[track_caller]
    pub fn accuracy<T: Label>(&self, data: &Dataset<T>) -> f64 {
        let mut right = 0usize;
        self.each_point(data, |i, target, scores| {
            right += usize::from(target.named_by(scores, i));
        });
        right as f64 / data.len() as f64
    }

    /// The mean of `loss` over the points of `data`: `(1/N) sum_i loss(model(x_i), t_i)`,
    /// with `loss` taking the network's outputs at a point and the point's target, as
    /// [`DataParallel::loss_and_gradient`](super::DataParallel::loss_and_gradient)'s does.
    /// NaN for an empty data set.
    ///
    /// The network runs without a tape ([`Module::evaluate`]); only the loss is recorded, on
    /// the outputs as leaves of a small tape cleared at each point.
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Dataset, Layer, Mlp, Neuron, loss};
    ///
    /// let neuron = Neuron::from_parameters(vec![1.0], 0.0, Activation::Identity);
    /// let mlp = Mlp::from_layers(vec![Layer::from_neurons(vec![neuron])]);
    /// let data = Dataset::new(1, vec![1.0, 2.0], vec![0.0, 0.0]);
    /// // Squared errors 1 and 4.
    /// let mean = mlp.mean_loss(&data, |out, t| loss::squared_error(out.get(0), t));
    /// assert_eq!(mean, 2.5);
    /// ```
    ///
    /// # Panics
    /// If the points do not have as many inputs as the network takes, or if `loss` panics.
    #[track_caller]
    pub fn mean_loss<T, L>(&self, data: &Dataset<T>, loss: L) -> f64
    where
        T: Copy,
        L: for<'t> Fn(Run<'t>, T) -> Value<'t>,
    {
        let mut tape = Tape::new();
        let mut total = 0.0;
        self.each_point(data, |_, target, outputs| {
            tape.clear();
            total += loss(Run::vars(&tape, outputs), target).data();
        });
        total / data.len() as f64
    }

    /// Runs the network at each point of `data` in turn, without a tape, and hands `visit`
    /// the point's index, its target and the network's outputs.
    #[track_caller]
    fn each_point<T: Copy>(&self, data: &Dataset<T>, mut visit: impl FnMut(usize, T, &[f64])) {
        assert_eq!(
            data.dims(),
            self.inputs(),
            "the data set's points have {} inputs, but this Mlp takes {}",
            data.dims(),
            self.inputs()
        );
        let mut outputs = Vec::with_capacity(self.outputs());
        for (i, (x, target)) in data.iter().enumerate() {
            self.evaluate(x, &mut outputs);
            visit(i, target, &outputs);
        }
    }
}

/// The index of the largest number (the first of equal largest ones). Read on class scores,
/// it is the predicted class.
///
/// # NaN
/// A NaN counts as larger than any number (the first NaN wins), as in NumPy's and PyTorch's
/// `argmax`, so that a NaN among the scores shows in the result instead of being passed over.
/// The index it returns then names no class: [`Mlp::accuracy`] counts a point with a NaN
/// score as wrong, whatever its label.
///
/// ```
/// use tapegrad::nn::argmax;
///
/// assert_eq!(argmax(&[0.5, 2.0, -1.0, 2.0]), 1);
/// assert_eq!(argmax(&[0.5, f64::NAN, 3.0]), 1);
/// assert_eq!(argmax(&[f64::NEG_INFINITY, f64::INFINITY]), 1);
/// ```
///
/// # Panics
/// If `xs` is empty.
#[track_caller]
pub fn argmax(xs: &[f64]) -> usize {
    assert!(!xs.is_empty(), "argmax needs at least one number");
    let mut best = 0;
    for (i, &x) in xs.iter().enumerate() {
        if x.is_nan() {
            return i;
        }
        if x > xs[best] {
            best = i;
        }
    }
    best
}

/// Softmax: `e^(z_i) / sum_j e^(z_j)`, the probabilities that class scores (logits) stand
/// for under [`loss::softmax_cross_entropy`](super::loss::softmax_cross_entropy).
///
/// The largest score `m` is subtracted first (which leaves the result unchanged), so no
/// exponential overflows; the probabilities add up to 1 up to rounding. `z - m` is taken as
/// 0 where `z` is `m`, which it is for finite scores and is the limit for infinite ones: a
/// score of `+inf` takes all the probability (shared equally by several), a score of `-inf`
/// none. A NaN score makes every probability NaN.
///
/// ```
/// use tapegrad::nn::softmax;
///
/// let p = softmax(&[0.0, 2f64.ln()]);
/// assert!((p[0] - 1.0 / 3.0).abs() < 1e-15 && (p[1] - 2.0 / 3.0).abs() < 1e-15);
/// // Large scores do not overflow.
/// assert_eq!(softmax(&[1000.0, 0.0]), [1.0, 0.0f64.exp() / 1000f64.exp()]);
/// // Infinite scores give the limits.
/// assert_eq!(softmax(&[f64::INFINITY, 0.0]), [1.0, 0.0]);
/// assert_eq!(softmax(&[f64::NEG_INFINITY, 0.0]), [0.0, 1.0]);
/// ```
pub fn softmax(logits: &[f64]) -> Vec<f64> {
    let largest = logits.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mut p: Vec<f64> = logits
        .iter()
        .map(|&z| {
            if z == largest {
                1.0
            } else {
                (z - largest).exp()
            }
        })
        .collect();
    let total: f64 = p.iter().sum();
    p.iter_mut().for_each(|x| *x /= total);
    p
}
