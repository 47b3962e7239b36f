//! Standardising inputs: each input shifted by its mean and divided by its standard deviation
//! on the training split, so that every input starts on the same scale.

use super::Dataset;

/// Each input's mean and scale (standard deviation) on the data it was fitted on, and the map
/// `x' = (x - mean) / scale` that puts any split on the scale of that data: scikit-learn's
/// `StandardScaler`.
///
/// Fit it on the training split only, and apply the same map to the validation and test
/// splits and to every point the model sees later: a model trained on standardised inputs
/// expects them, and statistics taken from the test split would leak it into training. Save
/// it with the model ([`Checkpoint`](super::Checkpoint)).
///
/// The scale is the population standard deviation (`sqrt(mean((x - mean)²))`, numpy's default
/// `ddof=0`); an input that is the same at every point has a scale of 0, which is taken as 1,
/// so it becomes 0 everywhere instead of NaN, as scikit-learn does.
///
/// ```
/// use tapegrad::nn::{Dataset, Standardize};
///
/// let train = Dataset::new(2, vec![1.0, 10.0, 3.0, 10.0, 5.0, 10.0], vec![0.0; 3]);
/// let standardize = Standardize::fit(&train);
/// assert_eq!(standardize.means(), [3.0, 10.0]);
/// assert_eq!(standardize.scales(), [(8.0f64 / 3.0).sqrt(), 1.0]); // the constant input: 1
/// let test = Dataset::new(2, vec![3.0, 12.0], vec![1.0]);
/// assert_eq!(standardize.apply(&test).input(0), [0.0, 2.0]);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Standardize {
    means: Vec<f64>,
    /// Never 0: a constant input's scale is 1.
    scales: Vec<f64>,
}

impl Standardize {
    /// The means and scales of `data`'s inputs.
    ///
    /// ```
    /// let standardize = tapegrad::nn::Standardize::fit(&tapegrad::nn::moons(100, 0.1, 0));
    /// assert_eq!(standardize.dims(), 2);
    /// ```
    ///
    /// # Panics
    /// If `data` is empty (it has no mean), or an input is not finite (its mean would not be).
    #[track_caller]
    pub fn fit<T: Copy>(data: &Dataset<T>) -> Self {
        assert!(
            !data.is_empty(),
            "Standardize::fit needs at least one point"
        );
        let n = data.len() as f64;
        let mut means = vec![0.0; data.dims()];
        for (x, _) in data.iter() {
            for (mean, &xi) in means.iter_mut().zip(x) {
                *mean += xi;
            }
        }
        means.iter_mut().for_each(|m| *m /= n);
        // Two passes: the squared deviations from the mean, not `E[x²] - E[x]²`, which loses
        // the digits of a small spread around a large mean.
        let mut scales = vec![0.0; data.dims()];
        for (x, _) in data.iter() {
            for ((scale, &mean), &xi) in scales.iter_mut().zip(&means).zip(x) {
                *scale += (xi - mean) * (xi - mean);
            }
        }
        for (scale, mean) in scales.iter_mut().zip(&means) {
            assert!(
                mean.is_finite(),
                "Standardize::fit needs finite inputs: an input's mean is {mean}"
            );
            *scale = (*scale / n).sqrt();
            if *scale == 0.0 {
                *scale = 1.0;
            }
        }
        Standardize { means, scales }
    }

    /// The map of the given means and scales (one each per input), as a file or a
    /// configuration gives them.
    ///
    /// ```
    /// let standardize = tapegrad::nn::Standardize::new(vec![1.0], vec![2.0]);
    /// assert_eq!(standardize.point(&[5.0]), [2.0]);
    /// ```
    ///
    /// # Panics
    /// If the lengths differ or are 0, a mean is not finite, or a scale is not a finite
    /// number above 0.
    #[track_caller]
    pub fn new(means: Vec<f64>, scales: Vec<f64>) -> Self {
        assert!(
            means.len() == scales.len() && !means.is_empty(),
            "a standardiser needs one mean and one scale for each input: got {} means and {} \
             scales",
            means.len(),
            scales.len()
        );
        for (i, (mean, scale)) in means.iter().zip(&scales).enumerate() {
            assert!(
                mean.is_finite() && scale.is_finite() && *scale > 0.0,
                "input {i}'s mean must be finite and its scale finite and above 0, got mean \
                 {mean} and scale {scale}"
            );
        }
        Standardize { means, scales }
    }

    /// How many inputs it standardises.
    ///
    /// ```
    /// assert_eq!(tapegrad::nn::Standardize::new(vec![0.0; 3], vec![1.0; 3]).dims(), 3);
    /// ```
    pub fn dims(&self) -> usize {
        self.means.len()
    }

    /// Each input's mean.
    ///
    /// ```
    /// assert_eq!(tapegrad::nn::Standardize::new(vec![4.0], vec![1.0]).means(), [4.0]);
    /// ```
    pub fn means(&self) -> &[f64] {
        &self.means
    }

    /// Each input's scale: its standard deviation, or 1 where that was 0.
    ///
    /// ```
    /// assert_eq!(tapegrad::nn::Standardize::new(vec![4.0], vec![2.5]).scales(), [2.5]);
    /// ```
    pub fn scales(&self) -> &[f64] {
        &self.scales
    }

    /// `data` with every point standardised; the targets are as they were.
    ///
    /// ```
    /// use tapegrad::nn::{Dataset, Standardize};
    ///
    /// let data = Dataset::new(1, vec![0.0, 2.0], vec![5_usize, 6]);
    /// let standardized = Standardize::fit(&data).apply(&data);
    /// assert_eq!(standardized.input(1), [1.0]);
    /// assert_eq!(standardized.targets(), [5, 6]);
    /// ```
    ///
    /// # Panics
    /// If `data`'s points have another number of inputs.
    #[track_caller]
    pub fn apply<T: Copy>(&self, data: &Dataset<T>) -> Dataset<T> {
        self.check(data.dims());
        let mut inputs = Vec::with_capacity(data.len() * data.dims());
        for (x, _) in data.iter() {
            let start = inputs.len();
            inputs.extend_from_slice(x);
            self.apply_in_place(&mut inputs[start..]);
        }
        Dataset::new(data.dims(), inputs, data.targets().to_vec())
    }

    /// One point, standardised: for a point to predict on.
    ///
    /// ```
    /// let standardize = tapegrad::nn::Standardize::new(vec![1.0, -1.0], vec![2.0, 0.5]);
    /// assert_eq!(standardize.point(&[3.0, -1.5]), [1.0, -1.0]);
    /// ```
    ///
    /// # Panics
    /// If `x` has another number of inputs.
    #[track_caller]
    pub fn point(&self, x: &[f64]) -> Vec<f64> {
        let mut out = x.to_vec();
        self.apply_in_place(&mut out);
        out
    }

    /// Standardises the point `x` in place.
    ///
    /// ```
    /// let standardize = tapegrad::nn::Standardize::new(vec![1.0], vec![2.0]);
    /// let mut x = [5.0];
    /// standardize.apply_in_place(&mut x);
    /// assert_eq!(x, [2.0]);
    /// ```
    ///
    /// # Panics
    /// If `x` has another number of inputs.
    #[track_caller]
    pub fn apply_in_place(&self, x: &mut [f64]) {
        self.check(x.len());
        for ((xi, mean), scale) in x.iter_mut().zip(&self.means).zip(&self.scales) {
            *xi = (*xi - mean) / scale;
        }
    }

    #[track_caller]
    fn check(&self, dims: usize) {
        assert_eq!(
            dims,
            self.dims(),
            "this standardiser takes points of {} inputs, got {dims}",
            self.dims()
        );
    }
}
