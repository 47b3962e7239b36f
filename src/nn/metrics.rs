//! Metrics beyond accuracy: a confusion matrix with per-class precision, recall and F1 for
//! classifiers, and MSE, MAE and R² for regression, as scikit-learn defines them.

use std::fmt;

use super::{Dataset, Mlp, Module, Target};

/// Counts of a classifier's predictions against the true classes: `count(actual, predicted)`.
/// Rows are true classes, columns predicted ones, as in scikit-learn's `confusion_matrix`.
///
/// Per class: precision is the share of the points predicted as the class that are of it
/// (`tp / (tp + fp)`), recall the share of the points of the class predicted as it
/// (`tp / (tp + fn)`), and F1 their harmonic mean, `2 tp / (2 tp + fp + fn)`. A ratio of
/// 0 / 0 is 0, as scikit-learn's `zero_division=0`. A point whose scores hold a NaN
/// ([`add_unpredicted`](ConfusionMatrix::add_unpredicted)) predicts no class: it counts
/// against its class's recall and the accuracy, and in no column.
///
/// ```
/// use tapegrad::nn::ConfusionMatrix;
///
/// // actual, predicted
/// let pairs = [(0, 0), (0, 0), (0, 1), (1, 1), (1, 1), (1, 1), (1, 0), (2, 2)];
/// let matrix = ConfusionMatrix::from_pairs(3, pairs);
/// assert_eq!(matrix.count(1, 0), 1);
/// assert_eq!(matrix.precision(1), 3.0 / 4.0); // 4 predicted 1, 3 right
/// assert_eq!(matrix.recall(1), 3.0 / 4.0);
/// assert_eq!(matrix.f1(0), 2.0 * 2.0 / (2.0 * 2.0 + 1.0 + 1.0));
/// assert_eq!(matrix.accuracy(), 6.0 / 8.0);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfusionMatrix {
    classes: usize,
    /// Row-major: `counts[actual * classes + predicted]`.
    counts: Vec<usize>,
    /// Per true class, the points that predicted no class (NaN scores).
    unpredicted: Vec<usize>,
}

impl ConfusionMatrix {
    /// An empty matrix for `classes` classes.
    ///
    /// ```
    /// let matrix = tapegrad::nn::ConfusionMatrix::new(3);
    /// assert_eq!((matrix.classes(), matrix.total()), (3, 0));
    /// ```
    pub fn new(classes: usize) -> Self {
        ConfusionMatrix {
            classes,
            counts: vec![0; classes * classes],
            unpredicted: vec![0; classes],
        }
    }

    /// A matrix of `classes` classes counting `(actual, predicted)` pairs.
    ///
    /// ```
    /// let matrix = tapegrad::nn::ConfusionMatrix::from_pairs(2, [(0, 1), (1, 1)]);
    /// assert_eq!(matrix.count(0, 1), 1);
    /// ```
    ///
    /// # Panics
    /// If a class is not below `classes`.
    #[track_caller]
    pub fn from_pairs(classes: usize, pairs: impl IntoIterator<Item = (usize, usize)>) -> Self {
        let mut matrix = ConfusionMatrix::new(classes);
        for (actual, predicted) in pairs {
            matrix.add(actual, predicted);
        }
        matrix
    }

    /// Counts one point of class `actual` predicted as `predicted`.
    ///
    /// ```
    /// let mut matrix = tapegrad::nn::ConfusionMatrix::new(2);
    /// matrix.add(1, 0);
    /// assert_eq!(matrix.count(1, 0), 1);
    /// ```
    ///
    /// # Panics
    /// If a class is not below [`classes`](ConfusionMatrix::classes).
    #[track_caller]
    pub fn add(&mut self, actual: usize, predicted: usize) {
        self.check(actual);
        self.check(predicted);
        self.counts[actual * self.classes + predicted] += 1;
    }

    /// Counts one point of class `actual` that predicted no class (its scores held a NaN).
    ///
    /// ```
    /// let mut matrix = tapegrad::nn::ConfusionMatrix::new(2);
    /// matrix.add(1, 1);
    /// matrix.add_unpredicted(1);
    /// assert_eq!((matrix.recall(1), matrix.precision(1), matrix.total()), (0.5, 1.0, 2));
    /// ```
    ///
    /// # Panics
    /// If `actual` is not below [`classes`](ConfusionMatrix::classes).
    #[track_caller]
    pub fn add_unpredicted(&mut self, actual: usize) {
        self.check(actual);
        self.unpredicted[actual] += 1;
    }

    #[track_caller]
    fn check(&self, class: usize) {
        assert!(
            class < self.classes,
            "class {class} is out of range: the confusion matrix has {} classes",
            self.classes
        );
    }

    /// How many classes there are.
    ///
    /// ```
    /// assert_eq!(tapegrad::nn::ConfusionMatrix::new(4).classes(), 4);
    /// ```
    pub fn classes(&self) -> usize {
        self.classes
    }

    /// How many points of class `actual` were predicted as `predicted`.
    ///
    /// ```
    /// let matrix = tapegrad::nn::ConfusionMatrix::from_pairs(2, [(0, 1), (0, 1)]);
    /// assert_eq!((matrix.count(0, 1), matrix.count(1, 0)), (2, 0));
    /// ```
    ///
    /// # Panics
    /// If a class is not below [`classes`](ConfusionMatrix::classes).
    #[track_caller]
    pub fn count(&self, actual: usize, predicted: usize) -> usize {
        self.check(actual);
        self.check(predicted);
        self.counts[actual * self.classes + predicted]
    }

    /// How many points were counted, unpredicted ones included.
    ///
    /// ```
    /// assert_eq!(tapegrad::nn::ConfusionMatrix::from_pairs(2, [(0, 1), (1, 1)]).total(), 2);
    /// ```
    pub fn total(&self) -> usize {
        self.counts.iter().sum::<usize>() + self.unpredicted.iter().sum::<usize>()
    }

    /// The share of points predicted as their class (NaN when there are none).
    ///
    /// ```
    /// assert_eq!(tapegrad::nn::ConfusionMatrix::from_pairs(2, [(0, 1), (1, 1)]).accuracy(), 0.5);
    /// ```
    pub fn accuracy(&self) -> f64 {
        let right: usize = (0..self.classes).map(|c| self.diagonal(c)).sum();
        right as f64 / self.total() as f64
    }

    fn diagonal(&self, class: usize) -> usize {
        self.counts[class * self.classes + class]
    }

    /// Points of `class` that were predicted as it, as another class, or as none; and points
    /// of other classes predicted as it: `(tp, fn, fp)`.
    fn outcomes(&self, class: usize) -> (usize, usize, usize) {
        let tp = self.diagonal(class);
        let row: usize = self.counts[class * self.classes..(class + 1) * self.classes]
            .iter()
            .sum();
        let column: usize = (0..self.classes)
            .map(|a| self.counts[a * self.classes + class])
            .sum();
        (tp, row - tp + self.unpredicted[class], column - tp)
    }

    /// `tp / (tp + fp)` for `class`: of the points predicted as it, the share that are (0 if
    /// none was predicted as it).
    ///
    /// ```
    /// let matrix = tapegrad::nn::ConfusionMatrix::from_pairs(2, [(0, 1), (1, 1), (1, 1)]);
    /// assert_eq!((matrix.precision(1), matrix.precision(0)), (2.0 / 3.0, 0.0));
    /// ```
    ///
    /// # Panics
    /// If `class` is not below [`classes`](ConfusionMatrix::classes).
    #[track_caller]
    pub fn precision(&self, class: usize) -> f64 {
        self.check(class);
        let (tp, _, fp) = self.outcomes(class);
        ratio(tp, tp + fp)
    }

    /// `tp / (tp + fn)` for `class`: of its points, the share predicted as it (0 if it has
    /// none).
    ///
    /// ```
    /// let matrix = tapegrad::nn::ConfusionMatrix::from_pairs(2, [(0, 1), (1, 1), (1, 1)]);
    /// assert_eq!((matrix.recall(1), matrix.recall(0)), (1.0, 0.0));
    /// ```
    ///
    /// # Panics
    /// If `class` is not below [`classes`](ConfusionMatrix::classes).
    #[track_caller]
    pub fn recall(&self, class: usize) -> f64 {
        self.check(class);
        let (tp, false_negatives, _) = self.outcomes(class);
        ratio(tp, tp + false_negatives)
    }

    /// The F1 score of `class`, the harmonic mean of its precision and recall:
    /// `2 tp / (2 tp + fp + fn)` (0 if the class was neither present nor predicted).
    ///
    /// ```
    /// let matrix = tapegrad::nn::ConfusionMatrix::from_pairs(2, [(0, 1), (1, 1), (1, 1)]);
    /// assert_eq!(matrix.f1(1), 2.0 * 2.0 / (2.0 * 2.0 + 1.0));
    /// ```
    ///
    /// # Panics
    /// If `class` is not below [`classes`](ConfusionMatrix::classes).
    #[track_caller]
    pub fn f1(&self, class: usize) -> f64 {
        self.check(class);
        let (tp, false_negatives, fp) = self.outcomes(class);
        ratio(2 * tp, 2 * tp + fp + false_negatives)
    }

    /// The mean F1 over the classes that occur, as true classes or as predictions
    /// (scikit-learn's `f1_score(average="macro")`, which averages over the labels it sees):
    /// every class weighs the same, however many points it has. NaN if no class occurs.
    ///
    /// ```
    /// // Class 2 never occurs: the mean is over classes 0 and 1.
    /// let matrix = tapegrad::nn::ConfusionMatrix::from_pairs(3, [(0, 0), (1, 1), (1, 0)]);
    /// assert_eq!(matrix.macro_f1(), (matrix.f1(0) + matrix.f1(1)) / 2.0);
    /// ```
    pub fn macro_f1(&self) -> f64 {
        let occurring: Vec<usize> = (0..self.classes)
            .filter(|&c| {
                let (tp, false_negatives, fp) = self.outcomes(c);
                tp + false_negatives + fp > 0
            })
            .collect();
        let total: f64 = occurring.iter().map(|&c| self.f1(c)).sum();
        total / occurring.len() as f64
    }
}

/// `a / b` as a share, 0 when `b` is 0.
fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// A table: one row a true class, its counts by predicted class, then its precision, recall
/// and F1.
///
/// ```
/// let matrix = tapegrad::nn::ConfusionMatrix::from_pairs(2, [(0, 0), (1, 1), (1, 0)]);
/// let table = matrix.to_string();
/// assert_eq!(table.lines().next(), Some("actual\\predicted      0      1  precision  recall     f1"));
/// assert_eq!(table.lines().nth(2), Some("1                     1      1      1.000   0.500  0.667"));
/// ```
impl fmt::Display for ConfusionMatrix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "actual\\predicted")?;
        for c in 0..self.classes {
            write!(f, " {c:>6}")?;
        }
        writeln!(f, "  precision  recall     f1")?;
        for a in 0..self.classes {
            write!(f, "{a:<16}")?;
            for p in 0..self.classes {
                write!(f, " {:>6}", self.counts[a * self.classes + p])?;
            }
            writeln!(
                f,
                "  {:>9.3}  {:>6.3}  {:>5.3}",
                self.precision(a),
                self.recall(a),
                self.f1(a)
            )?;
        }
        Ok(())
    }
}

/// Errors of a regressor, per output and averaged over the outputs: mean squared error, mean
/// absolute error and R², as scikit-learn's `mean_squared_error`, `mean_absolute_error` and
/// `r2_score` (whose averages over outputs are uniform, their default).
///
/// R² is `1 - SS_res / SS_tot`, the share of the targets' variance the predictions explain:
/// 1 for perfect predictions, 0 for predicting the mean, below 0 for worse. For an output
/// whose targets are all equal (`SS_tot = 0`) it is 1 if the predictions are exact and 0
/// otherwise, as scikit-learn's default `force_finite=True`.
///
/// ```
/// use tapegrad::nn::RegressionMetrics;
///
/// // One output: predictions and targets.
/// let metrics = RegressionMetrics::from_pairs(1, [(&[2.5][..], &[3.0][..]), (&[0.0][..], &[-0.5][..]),
///     (&[2.0][..], &[2.0][..]), (&[8.0][..], &[7.0][..])]);
/// assert_eq!(metrics.mse(), 0.375);
/// assert_eq!(metrics.mae(), 0.5);
/// assert!((metrics.r2() - 0.9486081370449679).abs() < 1e-15); // scikit-learn's docs
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct RegressionMetrics {
    mse: Vec<f64>,
    mae: Vec<f64>,
    r2: Vec<f64>,
    points: usize,
}

impl RegressionMetrics {
    /// The metrics of `(predictions, targets)` pairs, `outputs` numbers each.
    ///
    /// ```
    /// let metrics = tapegrad::nn::RegressionMetrics::from_pairs(
    ///     2,
    ///     [(&[1.0, 0.0][..], &[1.0, 1.0][..]), (&[2.0, 0.0][..], &[3.0, 1.0][..])],
    /// );
    /// assert_eq!((metrics.mse_of(0), metrics.mse_of(1)), (0.5, 1.0));
    /// assert_eq!(metrics.mse(), 0.75);
    /// ```
    ///
    /// # Panics
    /// If a prediction or a target does not hold `outputs` numbers.
    #[track_caller]
    pub fn from_pairs<'a>(
        outputs: usize,
        pairs: impl IntoIterator<Item = (&'a [f64], &'a [f64])>,
    ) -> Self {
        let mut predictions = Vec::new();
        let mut targets = Vec::new();
        for (prediction, target) in pairs {
            assert!(
                prediction.len() == outputs && target.len() == outputs,
                "regression metrics of {outputs} outputs got a prediction of {} numbers and a \
                 target of {}",
                prediction.len(),
                target.len()
            );
            predictions.extend_from_slice(prediction);
            targets.extend_from_slice(target);
        }
        RegressionMetrics::of(outputs, &predictions, &targets)
    }

    /// The metrics of row-major predictions and targets of `outputs` numbers a point.
    fn of(outputs: usize, predictions: &[f64], targets: &[f64]) -> Self {
        let points = targets.len() / outputs.max(1);
        let column = |values: &'_ [f64], j: usize| {
            values
                .iter()
                .skip(j)
                .step_by(outputs)
                .copied()
                .collect::<Vec<f64>>()
        };
        let (mut mse, mut mae, mut r2) = (Vec::new(), Vec::new(), Vec::new());
        for j in 0..outputs {
            let (p, t) = (column(predictions, j), column(targets, j));
            let n = points as f64;
            let residual: f64 = p.iter().zip(&t).map(|(p, t)| (t - p).powi(2)).sum();
            let mean = t.iter().sum::<f64>() / n;
            let spread: f64 = t.iter().map(|t| (t - mean).powi(2)).sum();
            mse.push(residual / n);
            mae.push(p.iter().zip(&t).map(|(p, t)| (t - p).abs()).sum::<f64>() / n);
            r2.push(if spread != 0.0 {
                1.0 - residual / spread
            } else if residual == 0.0 {
                1.0
            } else {
                0.0
            });
        }
        RegressionMetrics {
            mse,
            mae,
            r2,
            points,
        }
    }

    /// How many points were measured.
    ///
    /// ```
    /// let m = tapegrad::nn::RegressionMetrics::from_pairs(1, [(&[1.0][..], &[2.0][..])]);
    /// assert_eq!(m.points(), 1);
    /// ```
    pub fn points(&self) -> usize {
        self.points
    }

    /// How many outputs each point has.
    ///
    /// ```
    /// let m = tapegrad::nn::RegressionMetrics::from_pairs(1, [(&[1.0][..], &[2.0][..])]);
    /// assert_eq!(m.outputs(), 1);
    /// ```
    pub fn outputs(&self) -> usize {
        self.mse.len()
    }

    /// The mean squared error, averaged over the outputs.
    ///
    /// ```
    /// let m = tapegrad::nn::RegressionMetrics::from_pairs(1, [(&[1.0][..], &[3.0][..])]);
    /// assert_eq!(m.mse(), 4.0);
    /// ```
    pub fn mse(&self) -> f64 {
        mean(&self.mse)
    }

    /// The mean absolute error, averaged over the outputs.
    ///
    /// ```
    /// let m = tapegrad::nn::RegressionMetrics::from_pairs(1, [(&[1.0][..], &[3.0][..])]);
    /// assert_eq!(m.mae(), 2.0);
    /// ```
    pub fn mae(&self) -> f64 {
        mean(&self.mae)
    }

    /// R², averaged over the outputs.
    ///
    /// ```
    /// let m = tapegrad::nn::RegressionMetrics::from_pairs(
    ///     1,
    ///     [(&[2.0][..], &[1.0][..]), (&[2.0][..], &[3.0][..])], // predicting the mean
    /// );
    /// assert_eq!(m.r2(), 0.0);
    /// ```
    pub fn r2(&self) -> f64 {
        mean(&self.r2)
    }

    /// The mean squared error of output `output`.
    ///
    /// # Panics
    /// If `output` is not below [`outputs`](RegressionMetrics::outputs).
    ///
    /// ```
    /// let m = tapegrad::nn::RegressionMetrics::from_pairs(1, [(&[1.0][..], &[3.0][..])]);
    /// assert_eq!(m.mse_of(0), 4.0);
    /// ```
    #[track_caller]
    pub fn mse_of(&self, output: usize) -> f64 {
        self.mse[self.checked(output)]
    }

    /// The mean absolute error of output `output`.
    ///
    /// # Panics
    /// If `output` is not below [`outputs`](RegressionMetrics::outputs).
    ///
    /// ```
    /// let m = tapegrad::nn::RegressionMetrics::from_pairs(1, [(&[1.0][..], &[3.0][..])]);
    /// assert_eq!(m.mae_of(0), 2.0);
    /// ```
    #[track_caller]
    pub fn mae_of(&self, output: usize) -> f64 {
        self.mae[self.checked(output)]
    }

    /// R² of output `output`.
    ///
    /// # Panics
    /// If `output` is not below [`outputs`](RegressionMetrics::outputs).
    ///
    /// ```
    /// let m = tapegrad::nn::RegressionMetrics::from_pairs(1, [(&[1.0][..], &[1.0][..])]);
    /// assert_eq!(m.r2_of(0), 1.0); // constant targets, exact predictions
    /// ```
    #[track_caller]
    pub fn r2_of(&self, output: usize) -> f64 {
        self.r2[self.checked(output)]
    }

    #[track_caller]
    fn checked(&self, output: usize) -> usize {
        assert!(
            output < self.outputs(),
            "output {output} is out of range: the metrics have {} outputs",
            self.outputs()
        );
        output
    }
}

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

impl Mlp {
    /// The confusion matrix of the network's predictions on `data`, whose targets are
    /// classes: with several outputs the predicted class is the highest score's
    /// ([`argmax`](super::argmax)), with one output it is 1 when the output is above 0 and 0
    /// otherwise (the crate's convention for a logit or a score). A point whose outputs hold
    /// a NaN predicts no class.
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
    /// let matrix = mlp.confusion_matrix(&data);
    /// assert_eq!((matrix.count(0, 0), matrix.count(1, 1), matrix.count(1, 0)), (1, 1, 1));
    /// ```
    ///
    /// # Panics
    /// If the points do not have as many inputs as the network takes, or a class is not below
    /// the number of outputs (2 with one output).
    #[track_caller]
    pub fn confusion_matrix(&self, data: &Dataset<usize>) -> ConfusionMatrix {
        let classes = self.outputs().max(2);
        let mut matrix = ConfusionMatrix::new(classes);
        let mut outputs = Vec::with_capacity(self.outputs());
        self.check_inputs(data.dims());
        for (x, class) in data.iter() {
            self.evaluate(x, &mut outputs);
            if outputs.iter().any(|y| y.is_nan()) {
                matrix.add_unpredicted(class);
            } else if outputs.len() == 1 {
                matrix.add(class, usize::from(outputs[0] > 0.0));
            } else {
                matrix.add(class, super::argmax(&outputs));
            }
        }
        matrix
    }

    /// MSE, MAE and R² of the network's outputs against `data`'s targets, one number a
    /// target per output (a `Dataset<f64>` for one output, a `Dataset<[f64; K]>` for `K`).
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Dataset, Layer, Mlp, Neuron};
    ///
    /// // y = 2 x, against targets 2 x + 1: every error is 1.
    /// let neuron = Neuron::from_parameters(vec![2.0], 0.0, Activation::Identity);
    /// let mlp = Mlp::from_layers(vec![Layer::from_neurons(vec![neuron])]);
    /// let data = Dataset::new(1, vec![0.0, 1.0, 2.0], vec![1.0, 3.0, 5.0]);
    /// let metrics = mlp.regression_metrics(&data);
    /// assert_eq!((metrics.mse(), metrics.mae()), (1.0, 1.0));
    /// assert_eq!(metrics.r2(), 1.0 - 3.0 / 8.0); // SS_tot = 4 + 0 + 4
    /// ```
    ///
    /// # Panics
    /// If the points do not have as many inputs as the network takes, or the network has
    /// another number of outputs than a target has numbers.
    #[track_caller]
    pub fn regression_metrics<T: Target>(&self, data: &Dataset<T>) -> RegressionMetrics {
        assert_eq!(
            self.outputs(),
            T::WIDTH,
            "the network has {} outputs but a target has {} numbers",
            self.outputs(),
            T::WIDTH
        );
        self.check_inputs(data.dims());
        let mut predictions = Vec::with_capacity(data.len() * T::WIDTH);
        let mut targets = Vec::with_capacity(data.len() * T::WIDTH);
        let mut outputs = Vec::with_capacity(T::WIDTH);
        for (x, target) in data.iter() {
            self.evaluate(x, &mut outputs);
            predictions.extend_from_slice(&outputs);
            targets.extend((0..T::WIDTH).map(|j| target.number(j)));
        }
        RegressionMetrics::of(T::WIDTH, &predictions, &targets)
    }
}
