//! Targets read as labels: class indices for a classification set, and whether a model's
//! outputs name the right label under the crate's conventions.

use super::Dataset;

impl Dataset {
    /// The target of point `i` as a class index, for a classification set whose targets are
    /// class indices 0, 1, 2, ... (stored as `f64`, as [`spiral`](super::spiral)'s are).
    ///
    /// ```
    /// let spiral = tapegrad::nn::spiral(10, 3, 0.2, 0);
    /// assert_eq!(spiral.class(25), 2);
    /// ```
    ///
    /// # Panics
    /// If `i >= self.len()`, or the target is not a whole number from 0 up.
    #[track_caller]
    pub fn class(&self, i: usize) -> usize {
        class_index(self.target(i), i)
    }

    /// Every target as a class index, in order (see [`class`](Dataset::class)).
    ///
    /// ```
    /// let xor = tapegrad::nn::xor();
    /// assert_eq!(xor.classes().collect::<Vec<_>>(), [0, 1, 1, 0]);
    /// ```
    ///
    /// # Panics
    /// When it reaches a target that is not a whole number from 0 up.
    pub fn classes(&self) -> impl ExactSizeIterator<Item = usize> {
        self.targets()
            .iter()
            .enumerate()
            .map(|(i, &target)| class_index(target, i))
    }

    /// How many classes there are: one more than the largest class index (0 for an empty
    /// set), the number of outputs a classifier of this set needs.
    ///
    /// ```
    /// assert_eq!(tapegrad::nn::spiral(10, 3, 0.2, 0).class_count(), 3);
    /// ```
    ///
    /// # Panics
    /// If a target is not a whole number from 0 up.
    #[track_caller]
    pub fn class_count(&self) -> usize {
        self.classes().max().map_or(0, |largest| largest + 1)
    }
}

/// `target` as a class index; panics, naming the point, if it is not one.
#[track_caller]
fn class_index(target: f64, point: usize) -> usize {
    // Every whole f64 from 0 up to 2^53 is exact, and far below usize::MAX on 64-bit targets.
    let exact = target >= 0.0 && target.fract() == 0.0 && target <= 9_007_199_254_740_992.0;
    assert!(
        exact,
        "point {point}'s target {target} is not a class index (a whole number from 0 up)"
    );
    target as usize
}

/// Whether `outputs` name the label `target` of point `point`:
///
/// - one output is a score or logit, positive for the positive label: `target` must be
///   -1 or +1 (hinge loss) or 0 or 1 (binary cross-entropy on logits), and the output must be
///   above 0 for +1 or 1, not above 0 for -1 or 0;
/// - several outputs are class scores: `target` must be a class index below their number,
///   and that class must have the highest score (the first, in a tie).
///
/// A NaN output names no label: the point counts as wrong, whatever its label (a NaN is
/// neither above 0 nor below, and it is no class's score).
#[track_caller]
pub(super) fn names_label(outputs: &[f64], target: f64, point: usize) -> bool {
    let has_nan = outputs.iter().any(|x| x.is_nan());
    if let [score] = outputs {
        assert!(
            target == 1.0 || target == -1.0 || target == 0.0,
            "with one output, accuracy takes labels -1 or +1, or 0 or 1; point {point}'s target \
             is {target} (for class indices the model needs one output per class)"
        );
        return !has_nan && (*score > 0.0) == (target == 1.0);
    }
    let class = class_index(target, point);
    assert!(
        class < outputs.len(),
        "point {point}'s class {class} is out of range: the model has {} outputs, one per class",
        outputs.len()
    );
    !has_nan && super::argmax(outputs) == class
}
