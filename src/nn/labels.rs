//! Targets read as labels: class indices for a classification set, and whether a model's
//! outputs name the right label under the crate's conventions.

use super::{DataError, Dataset};

impl Dataset<f64> {
    /// The same points with each target as a class index, for a classification set whose
    /// targets came as numbers (from a file, say) that are whole numbers from 0 up.
    ///
    /// ```
    /// let data = tapegrad::nn::Dataset::new(1, vec![0.1, 0.2, 0.3], vec![2.0, 0.0, 1.0]);
    /// let classes = data.into_classes()?;
    /// assert_eq!(classes.targets(), [2, 0, 1]);
    /// assert_eq!(classes.class_count(), 3);
    /// # Ok::<(), tapegrad::nn::DataError>(())
    /// ```
    ///
    /// # Errors
    /// [`DataError::NotAClass`], naming the first point whose target is not a whole number
    /// from 0 up.
    pub fn into_classes(self) -> Result<Dataset<usize>, DataError> {
        let classes = self
            .targets()
            .iter()
            .enumerate()
            .map(|(point, &target)| {
                class_index(target).ok_or(DataError::NotAClass { point, target })
            })
            .collect::<Result<Vec<usize>, DataError>>()?;
        let (dims, inputs, _) = self.into_parts();
        Dataset::try_new(dims, inputs, classes)
    }
}

impl Dataset<usize> {
    /// How many classes there are: one more than the largest class (0 for an empty set), the
    /// number of outputs a classifier of this set needs.
    ///
    /// ```
    /// assert_eq!(tapegrad::nn::spiral(10, 3, 0.2, 0).class_count(), 3);
    /// ```
    pub fn class_count(&self) -> usize {
        self.targets()
            .iter()
            .max()
            .map_or(0, |&largest| largest + 1)
    }
}

/// `target` as a class index, if it is a whole number from 0 up.
fn class_index(target: f64) -> Option<usize> {
    // Every whole f64 from 0 up to 2^53 is exact, and far below usize::MAX on 64-bit targets.
    let exact = target >= 0.0 && target.fract() == 0.0 && target <= 9_007_199_254_740_992.0;
    exact.then_some(target as usize)
}

/// A target that [`Mlp::accuracy`](super::Mlp::accuracy) can read as a label: `f64` (a score's
/// sign, or a class index as a number) or `usize` (a class).
///
/// - With **one output**, the output is a score or a logit, positive for the positive label:
///   an `f64` label must be -1 or +1 (hinge loss) or 0 or 1 (binary cross-entropy on
///   logits), a `usize` label 0 or 1; the output must be above 0 for +1 or 1, and not above
///   0 for -1 or 0.
/// - With **several outputs**, they are class scores: the label must be a class below their
///   number, and that class must have the highest score (the first, in a tie).
///
/// A NaN output names no label: the point counts as wrong, whatever its label.
///
/// The trait is sealed: the crate implements it for `f64` and `usize`.
///
/// ```
/// use tapegrad::nn::{Activation, Dataset, Layer, Mlp, Neuron};
///
/// // Class scores x and -x: class 0 for positive x, class 1 for negative.
/// let mlp = Mlp::from_layers(vec![Layer::from_neurons(vec![
///     Neuron::from_parameters(vec![1.0], 0.0, Activation::Identity),
///     Neuron::from_parameters(vec![-1.0], 0.0, Activation::Identity),
/// ])]);
/// let data = Dataset::new(1, vec![2.0, -1.0, 3.0], vec![0_usize, 1, 1]);
/// assert!((mlp.accuracy(&data) - 2.0 / 3.0).abs() < 1e-15);
/// ```
pub trait Label: Copy + sealed::Sealed {
    /// Whether `outputs` name this label at point `point` (counted from 0, for messages).
    ///
    /// ```
    /// use tapegrad::nn::Label;
    ///
    /// assert!(2_usize.named_by(&[0.1, -3.0, 5.0], 0));
    /// assert!((-1.0).named_by(&[-0.5], 0));
    /// ```
    ///
    /// # Panics
    /// If the label cannot be read at all with this many outputs: with one output, a label
    /// other than -1, 0 or 1 (0 or 1 for a `usize`); with several, a class not below their
    /// number (the message names the point).
    fn named_by(self, outputs: &[f64], point: usize) -> bool;
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for f64 {}
    impl Sealed for usize {}
}

impl Label for f64 {
    #[track_caller]
    fn named_by(self, outputs: &[f64], point: usize) -> bool {
        if outputs.len() == 1 {
            assert!(
                self == 1.0 || self == -1.0 || self == 0.0,
                "with one output, accuracy takes labels -1 or +1, or 0 or 1; point {point}'s \
                 target is {self} (for class indices the model needs one output per class)"
            );
            return positive(outputs[0]) == Some(self == 1.0);
        }
        let Some(class) = class_index(self) else {
            panic!("point {point}'s target {self} is not a class index (a whole number from 0 up)")
        };
        class.named_by(outputs, point)
    }
}

impl Label for usize {
    #[track_caller]
    fn named_by(self, outputs: &[f64], point: usize) -> bool {
        if outputs.len() == 1 {
            assert!(
                self <= 1,
                "with one output, accuracy takes classes 0 or 1; point {point}'s class is {self} \
                 (for more classes the model needs one output per class)"
            );
            return positive(outputs[0]) == Some(self == 1);
        }
        assert!(
            self < outputs.len(),
            "point {point}'s class {self} is out of range: the model has {} outputs, one per \
             class",
            outputs.len()
        );
        !outputs.iter().any(|x| x.is_nan()) && super::argmax(outputs) == self
    }
}

/// Whether a score is above 0; `None` for NaN, which is neither.
fn positive(score: f64) -> Option<bool> {
    (!score.is_nan()).then_some(score > 0.0)
}
