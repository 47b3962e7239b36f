//! A training run's history: the losses and metrics of each epoch, as a chart and as CSV.

use std::fmt::Write as _;
use std::path::Path;

use crate::chart::LineChart;

/// The training loss, the validation loss (if any) and named metrics (accuracy, F1, ...) of
/// each epoch, in order: drawn as a chart ([`chart`](History::chart), built on
/// [`tapegrad::chart`](crate::chart)), written as CSV ([`to_csv`](History::to_csv)), and
/// summed up in a line per epoch ([`summary`](History::summary), and
/// [`Progress`](super::Progress) for long runs).
///
/// Epochs are counted from 1. The first [`record`](History::record) fixes the metrics' names;
/// every later epoch gives the same names in the same order.
///
/// ```
/// use tapegrad::nn::History;
///
/// let mut history = History::new();
/// history.record(0.9, Some(1.0), &[("accuracy", 0.6)]);
/// history.record(0.5, Some(0.7), &[("accuracy", 0.8)]);
/// history.record(0.3, Some(0.75), &[("accuracy", 0.82)]);
/// assert_eq!(history.best_epoch(), Some(2)); // the lowest validation loss
/// assert_eq!(history.metric("accuracy"), Some(&[0.6, 0.8, 0.82][..]));
/// assert!(history.to_csv().starts_with("epoch,train_loss,validation_loss,accuracy\n1,0.9,1.0,0.6\n"));
/// let svg = history.chart("training").to_svg();
/// assert!(svg.contains(">validation loss</text>"));
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct History {
    train_loss: Vec<f64>,
    validation_loss: Vec<Option<f64>>,
    /// Each metric's name and its value at each epoch.
    metrics: Vec<(String, Vec<f64>)>,
}

impl History {
    /// An empty history.
    ///
    /// ```
    /// assert_eq!(tapegrad::nn::History::new().epochs(), 0);
    /// ```
    pub fn new() -> Self {
        History::default()
    }

    /// Adds the next epoch: its training loss, its validation loss (`None` without a
    /// validation split), and its metrics by name.
    ///
    /// ```
    /// let mut history = tapegrad::nn::History::new();
    /// history.record(0.5, None, &[]);
    /// assert_eq!(history.validation_losses(), [None]);
    /// ```
    ///
    /// # Panics
    /// If the metrics' names differ from those of the first epoch (in number, name or order),
    /// or a name is empty or holds a comma, a quote or a line break (it heads a CSV column).
    /// The history is unchanged then.
    #[track_caller]
    pub fn record(
        &mut self,
        train_loss: f64,
        validation_loss: Option<f64>,
        metrics: &[(&str, f64)],
    ) {
        if self.epochs() == 0 {
            for (name, _) in metrics {
                assert!(
                    !name.is_empty() && !name.contains([',', '"', '\n', '\r']),
                    "a metric's name heads a CSV column: it must be non-empty, without commas, \
                     quotes or line breaks, got {name:?}"
                );
            }
            self.metrics = metrics
                .iter()
                .map(|(name, _)| ((*name).to_owned(), Vec::new()))
                .collect();
        } else {
            let expected: Vec<&str> = self.metric_names().collect();
            let got: Vec<&str> = metrics.iter().map(|(name, _)| *name).collect();
            assert_eq!(
                got, expected,
                "every epoch records the metrics of the first, by name and in order"
            );
        }
        self.train_loss.push(train_loss);
        self.validation_loss.push(validation_loss);
        for ((_, values), (_, value)) in self.metrics.iter_mut().zip(metrics) {
            values.push(*value);
        }
    }

    /// How many epochs have been recorded.
    ///
    /// ```
    /// let mut history = tapegrad::nn::History::new();
    /// history.record(0.5, None, &[]);
    /// assert_eq!(history.epochs(), 1);
    /// ```
    pub fn epochs(&self) -> usize {
        self.train_loss.len()
    }

    /// The training loss of each epoch.
    ///
    /// ```
    /// let mut history = tapegrad::nn::History::new();
    /// history.record(0.5, None, &[]);
    /// assert_eq!(history.train_losses(), [0.5]);
    /// ```
    pub fn train_losses(&self) -> &[f64] {
        &self.train_loss
    }

    /// The validation loss of each epoch, where there was one.
    ///
    /// ```
    /// let mut history = tapegrad::nn::History::new();
    /// history.record(0.5, Some(0.6), &[]);
    /// assert_eq!(history.validation_losses(), [Some(0.6)]);
    /// ```
    pub fn validation_losses(&self) -> &[Option<f64>] {
        &self.validation_loss
    }

    /// The names of the metrics, in the order they were recorded.
    ///
    /// ```
    /// let mut history = tapegrad::nn::History::new();
    /// history.record(0.5, None, &[("accuracy", 0.9), ("macro_f1", 0.88)]);
    /// assert_eq!(history.metric_names().collect::<Vec<_>>(), ["accuracy", "macro_f1"]);
    /// ```
    pub fn metric_names(&self) -> impl Iterator<Item = &str> {
        self.metrics.iter().map(|(name, _)| name.as_str())
    }

    /// The values of the metric `name` at each epoch, if there is such a metric.
    ///
    /// ```
    /// let mut history = tapegrad::nn::History::new();
    /// history.record(0.5, None, &[("accuracy", 0.9)]);
    /// assert_eq!(history.metric("accuracy"), Some(&[0.9][..]));
    /// assert_eq!(history.metric("recall"), None);
    /// ```
    pub fn metric(&self, name: &str) -> Option<&[f64]> {
        self.metrics
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, values)| values.as_slice())
    }

    /// The epoch (counted from 1) of the lowest validation loss, the first of equal ones;
    /// `None` if no epoch has a validation loss that is a number.
    ///
    /// ```
    /// let mut history = tapegrad::nn::History::new();
    /// history.record(0.5, Some(0.4), &[]);
    /// history.record(0.4, Some(0.4), &[]);
    /// assert_eq!(history.best_epoch(), Some(1));
    /// ```
    pub fn best_epoch(&self) -> Option<usize> {
        let mut best: Option<(usize, f64)> = None;
        for (k, loss) in self.validation_loss.iter().enumerate() {
            if let Some(loss) = loss.filter(|l| !l.is_nan()) {
                if best.is_none_or(|(_, b)| loss < b) {
                    best = Some((k + 1, loss));
                }
            }
        }
        best.map(|(epoch, _)| epoch)
    }

    /// The losses against the epoch, on a log axis: the training loss, and the validation
    /// loss where there is one.
    ///
    /// ```
    /// let mut history = tapegrad::nn::History::new();
    /// history.record(0.5, Some(0.6), &[]);
    /// history.record(0.25, Some(0.5), &[]);
    /// let chart = history.chart("moons");
    /// assert_eq!(chart.series()[1].points(), [(1.0, 0.6), (2.0, 0.5)]);
    /// assert!(chart.is_log_y());
    /// ```
    pub fn chart(&self, title: &str) -> LineChart {
        let mut chart = LineChart::new(title, "epoch", "loss").with_log_y();
        chart.add("training loss", epochs(&self.train_loss));
        if self.validation_loss.iter().any(Option::is_some) {
            let points = self.validation_loss.iter().enumerate();
            chart.add(
                "validation loss",
                points.filter_map(|(k, loss)| loss.map(|l| ((k + 1) as f64, l))),
            );
        }
        chart
    }

    /// The metrics against the epoch, on a linear axis: one curve a metric.
    ///
    /// ```
    /// let mut history = tapegrad::nn::History::new();
    /// history.record(0.5, None, &[("accuracy", 0.7)]);
    /// assert_eq!(history.metrics_chart("moons").series()[0].name(), "accuracy");
    /// ```
    pub fn metrics_chart(&self, title: &str) -> LineChart {
        let mut chart = LineChart::new(title, "epoch", "metric");
        for (name, values) in &self.metrics {
            chart.add(name, epochs(values));
        }
        chart
    }

    /// The history as CSV: a header `epoch,train_loss,validation_loss,<metrics>`, then a row
    /// an epoch; a missing validation loss is an empty field, and numbers are written in
    /// Rust's shortest form that reads back to the same `f64`.
    ///
    /// ```
    /// let mut history = tapegrad::nn::History::new();
    /// history.record(0.5, None, &[("accuracy", 0.75)]);
    /// assert_eq!(history.to_csv(), "epoch,train_loss,validation_loss,accuracy\n1,0.5,,0.75\n");
    /// ```
    pub fn to_csv(&self) -> String {
        let mut out = String::from("epoch,train_loss,validation_loss");
        for name in self.metric_names() {
            out.push(',');
            out.push_str(name);
        }
        out.push('\n');
        for k in 0..self.epochs() {
            let _ = write!(out, "{},{:?},", k + 1, self.train_loss[k]);
            if let Some(loss) = self.validation_loss[k] {
                let _ = write!(out, "{loss:?}");
            }
            for (_, values) in &self.metrics {
                let _ = write!(out, ",{:?}", values[k]);
            }
            out.push('\n');
        }
        out
    }

    /// Writes [`to_csv`](History::to_csv) to a file.
    ///
    /// ```
    /// let mut history = tapegrad::nn::History::new();
    /// history.record(0.5, Some(0.6), &[]);
    /// let path = std::env::temp_dir().join("tapegrad-doc-history.csv");
    /// history.save_csv(&path)?;
    /// assert_eq!(std::fs::read_to_string(&path)?, history.to_csv());
    /// # std::fs::remove_file(&path)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    ///
    /// # Errors
    /// Any error from writing the file.
    pub fn save_csv(&self, path: impl AsRef<Path>) -> std::io::Result<()> {
        std::fs::write(path, self.to_csv())
    }

    /// Writes the [`chart`](History::chart) of the losses to a file, as SVG.
    ///
    /// ```
    /// let mut history = tapegrad::nn::History::new();
    /// history.record(0.5, Some(0.6), &[]);
    /// let path = std::env::temp_dir().join("tapegrad-doc-history.svg");
    /// history.save_svg(&path, "training")?;
    /// assert!(std::fs::read_to_string(&path)?.starts_with("<svg"));
    /// # std::fs::remove_file(&path)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    ///
    /// # Errors
    /// Any error from writing the file.
    pub fn save_svg(&self, path: impl AsRef<Path>, title: &str) -> std::io::Result<()> {
        std::fs::write(path, self.chart(title).to_svg())
    }

    /// One line about the last epoch: its number out of `total_epochs`, its losses and its
    /// metrics (empty before any epoch).
    ///
    /// ```
    /// let mut history = tapegrad::nn::History::new();
    /// history.record(0.51234, Some(0.6), &[("accuracy", 0.875)]);
    /// assert_eq!(
    ///     history.summary(100),
    ///     "epoch   1/100  train loss 0.5123  validation loss 0.6000  accuracy 0.8750"
    /// );
    /// ```
    pub fn summary(&self, total_epochs: usize) -> String {
        let Some(k) = self.epochs().checked_sub(1) else {
            return String::new();
        };
        let width = total_epochs.to_string().len();
        let mut line = format!(
            "epoch {:>width$}/{total_epochs}  train loss {:.4}",
            k + 1,
            self.train_loss[k]
        );
        if let Some(loss) = self.validation_loss[k] {
            let _ = write!(line, "  validation loss {loss:.4}");
        }
        for (name, values) in &self.metrics {
            let _ = write!(line, "  {name} {:.4}", values[k]);
        }
        line
    }

    /// Shows the loss chart under a notebook cell, on evcxr's Jupyter kernel (see
    /// [`LineChart::evcxr_display`]).
    ///
    /// ```
    /// let mut history = tapegrad::nn::History::new();
    /// history.record(0.5, Some(0.6), &[]);
    /// history.evcxr_display(); // prints EVCXR_BEGIN_CONTENT image/svg+xml ...
    /// ```
    pub fn evcxr_display(&self) {
        self.chart("training").evcxr_display();
    }
}

/// `values[k]` at `x = k + 1`: epochs counted from 1.
fn epochs(values: &[f64]) -> impl Iterator<Item = (f64, f64)> + '_ {
    values.iter().enumerate().map(|(k, &v)| ((k + 1) as f64, v))
}
