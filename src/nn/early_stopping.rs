//! Early stopping: ending training when the validation loss has stopped improving, and going
//! back to the parameters of its best epoch.

use super::Module;

/// Watches the validation loss epoch by epoch, keeps a copy of the parameters of the best
/// epoch so far, and says when `patience` epochs in a row have not beaten it: training
/// should then stop, and [`restore_best`](EarlyStopping::restore_best) puts the best
/// parameters back.
///
/// Epochs are counted from 1, one per [`observe`](EarlyStopping::observe). An epoch improves
/// when its loss is below the best so far (a NaN loss never does).
///
/// ```
/// use tapegrad::nn::{Activation, EarlyStopping, Init, Mlp, Module, Verdict};
///
/// let mut model = Mlp::new(1, &[(1, Activation::Identity)], Init::Xavier, 0);
/// let mut early = EarlyStopping::new(2);
/// let mut stopped_at = 0;
/// for (epoch, loss) in (1..).zip([0.9, 0.5, 0.6, 0.55, 0.4]) {
///     model.parameters_mut().for_each(|p| *p += 1.0); // "training"
///     if early.observe(loss, &model) == Verdict::Stop {
///         stopped_at = epoch;
///         break;
///     }
/// }
/// assert_eq!((stopped_at, early.best_epoch(), early.best_loss()), (4, Some(2), 0.5));
/// early.restore_best(&mut model);
/// assert_eq!(model.parameters(), early.best_parameters());
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct EarlyStopping {
    patience: usize,
    /// Epochs observed so far.
    epoch: usize,
    best_epoch: Option<usize>,
    best_loss: f64,
    best_parameters: Vec<f64>,
}

/// What [`EarlyStopping::observe`] makes of an epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[must_use]
pub enum Verdict {
    /// The loss is the best so far, and the parameters were kept: a time to save a
    /// checkpoint.
    Improved,
    /// No better, but fewer than `patience` epochs in a row: go on.
    Wait,
    /// `patience` epochs in a row without a better loss: stop, and restore the best.
    Stop,
}

impl EarlyStopping {
    /// Stops after `patience` epochs in a row without a better validation loss.
    ///
    /// ```
    /// let early = tapegrad::nn::EarlyStopping::new(10);
    /// assert_eq!((early.patience(), early.best_epoch()), (10, None));
    /// ```
    ///
    /// # Panics
    /// If `patience` is 0 (every epoch that does not improve would stop).
    #[track_caller]
    pub fn new(patience: usize) -> Self {
        assert!(
            patience > 0,
            "early stopping needs a patience of at least 1 epoch"
        );
        EarlyStopping {
            patience,
            epoch: 0,
            best_epoch: None,
            best_loss: f64::INFINITY,
            best_parameters: Vec::new(),
        }
    }

    /// Early stopping that goes on from a checkpoint: `model` was saved at `epoch`, its best
    /// so far, with the validation loss `best_loss` (see
    /// [`Checkpoint`](super::Checkpoint)). The next [`observe`](EarlyStopping::observe) is
    /// epoch `epoch + 1`.
    ///
    /// ```
    /// use tapegrad::nn::{Activation, EarlyStopping, Init, Mlp, Verdict};
    ///
    /// let model = Mlp::new(1, &[(1, Activation::Identity)], Init::Xavier, 0);
    /// let mut early = EarlyStopping::resume(1, 12, 0.25, &model);
    /// assert_eq!(early.observe(0.3, &model), Verdict::Stop);
    /// assert_eq!((early.epoch(), early.best_epoch()), (13, Some(12)));
    /// ```
    ///
    /// # Panics
    /// If `patience` is 0.
    #[track_caller]
    pub fn resume<M: Module + ?Sized>(
        patience: usize,
        epoch: usize,
        best_loss: f64,
        model: &M,
    ) -> Self {
        EarlyStopping {
            epoch,
            best_epoch: Some(epoch),
            best_loss,
            best_parameters: model.parameters(),
            ..EarlyStopping::new(patience)
        }
    }

    /// Records the next epoch's validation loss; if it is the best so far, keeps a copy of
    /// `model`'s parameters. Says whether to go on or stop.
    ///
    /// ```
    /// use tapegrad::nn::{Activation, EarlyStopping, Init, Mlp, Verdict};
    ///
    /// let model = Mlp::new(1, &[(1, Activation::Identity)], Init::Xavier, 0);
    /// let mut early = EarlyStopping::new(1);
    /// assert_eq!(early.observe(1.0, &model), Verdict::Improved);
    /// assert_eq!(early.observe(f64::NAN, &model), Verdict::Stop);
    /// ```
    pub fn observe<M: Module + ?Sized>(&mut self, validation_loss: f64, model: &M) -> Verdict {
        self.epoch += 1;
        if validation_loss < self.best_loss {
            self.best_loss = validation_loss;
            self.best_epoch = Some(self.epoch);
            self.best_parameters.clear();
            model.for_each_parameter(&mut |p| self.best_parameters.push(p));
            return Verdict::Improved;
        }
        if self.epochs_since_best() >= self.patience {
            Verdict::Stop
        } else {
            Verdict::Wait
        }
    }

    /// Puts the parameters of the best epoch back into `model`.
    ///
    /// ```
    /// use tapegrad::nn::{Activation, EarlyStopping, Init, Mlp, Module};
    ///
    /// let mut model = Mlp::new(1, &[(1, Activation::Identity)], Init::Xavier, 0);
    /// let before = model.parameters();
    /// let mut early = EarlyStopping::new(3);
    /// let _ = early.observe(0.1, &model);
    /// model.parameters_mut().for_each(|p| *p = 7.0);
    /// early.restore_best(&mut model);
    /// assert_eq!(model.parameters(), before);
    /// ```
    ///
    /// # Panics
    /// If no epoch has been observed yet, or `model` has another number of parameters than
    /// the one observed. The model is unchanged then.
    #[track_caller]
    pub fn restore_best<M: Module + ?Sized>(&self, model: &mut M) {
        assert!(
            self.best_epoch.is_some(),
            "no best parameters yet: observe an epoch with a finite validation loss first"
        );
        assert_eq!(
            model.parameter_count(),
            self.best_parameters.len(),
            "the best parameters are those of a model of {} parameters, this one has {}",
            self.best_parameters.len(),
            model.parameter_count()
        );
        for (p, &best) in model.parameters_mut().zip(&self.best_parameters) {
            *p = best;
        }
    }

    /// The patience, in epochs.
    ///
    /// ```
    /// assert_eq!(tapegrad::nn::EarlyStopping::new(5).patience(), 5);
    /// ```
    pub fn patience(&self) -> usize {
        self.patience
    }

    /// How many epochs have been observed: the number of the last one.
    ///
    /// ```
    /// assert_eq!(tapegrad::nn::EarlyStopping::new(5).epoch(), 0);
    /// ```
    pub fn epoch(&self) -> usize {
        self.epoch
    }

    /// The epoch of the lowest validation loss so far (counted from 1), if any epoch has
    /// improved on infinity.
    ///
    /// ```
    /// assert_eq!(tapegrad::nn::EarlyStopping::new(5).best_epoch(), None);
    /// ```
    pub fn best_epoch(&self) -> Option<usize> {
        self.best_epoch
    }

    /// The lowest validation loss so far (infinity before any).
    ///
    /// ```
    /// assert_eq!(tapegrad::nn::EarlyStopping::new(5).best_loss(), f64::INFINITY);
    /// ```
    pub fn best_loss(&self) -> f64 {
        self.best_loss
    }

    /// How many epochs have passed since the best one (all of them, if none improved).
    ///
    /// ```
    /// use tapegrad::nn::{Activation, EarlyStopping, Init, Mlp};
    ///
    /// let model = Mlp::new(1, &[(1, Activation::Identity)], Init::Xavier, 0);
    /// let mut early = EarlyStopping::new(5);
    /// for loss in [1.0, 0.5, 0.7, 0.8] {
    ///     let _ = early.observe(loss, &model);
    /// }
    /// assert_eq!(early.epochs_since_best(), 2);
    /// ```
    pub fn epochs_since_best(&self) -> usize {
        self.epoch - self.best_epoch.unwrap_or(0)
    }

    /// The parameters of the best epoch, in binding order (empty before any).
    ///
    /// ```
    /// assert!(tapegrad::nn::EarlyStopping::new(5).best_parameters().is_empty());
    /// ```
    pub fn best_parameters(&self) -> &[f64] {
        &self.best_parameters
    }
}
