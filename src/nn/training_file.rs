//! A training checkpoint: the model file with the optimizer's state, the inputs' standardiser
//! and where training stood (the epoch and the best validation loss), all in one text file.
//!
//! The two sections follow the optimizer's, before `end`:
//!
//! ```text
//! standardize
//! # each input's mean and scale: x' = (x - mean) / scale
//! input1 3.5 2.29128784747792
//! input2 212.5 29.47456530637899
//! training
//! # the epoch the checkpoint was saved at, and the lowest validation loss by then
//! epoch 12
//! best_validation_loss 0.4127
//! end
//! ```
//!
//! `standardize` is left out when there is none. [`Mlp::load`] and
//! [`Mlp::load_with_optimizer`] read a checkpoint too: they check the sections, then leave
//! them out.

use std::path::Path;

use super::checkpoint::{Range, Setting, model_and_optimizer_record, setting};
use super::io::{Parser, words};
use super::{LoadError, LoadProblem, Mlp, Module, Resumable, Standardize};

/// Everything needed to resume training or to use the model on new data, in one text file:
/// the model, the optimizer's state (its step count included, so a
/// [`Schedule`](super::Schedule) goes on where it was), the epoch it was saved at, the best
/// validation loss by then (to resume [`EarlyStopping`](super::EarlyStopping)), and the
/// [`Standardize`] the model's inputs go through, if any.
///
/// Loading checks everything, as for a model file: a damaged file is a [`LoadError`] naming
/// the line and the problem.
///
/// ```
/// use tapegrad::nn::{Activation, Adam, Checkpoint, Init, Mlp, Module, Optimizer, Standardize};
///
/// let mut model = Mlp::new(2, &[(3, Activation::Tanh), (1, Activation::Identity)], Init::Xavier, 0);
/// let mut adam = Adam::new(0.01);
/// let grads = vec![0.1; model.parameter_count()];
/// adam.step(model.parameters_mut(), &grads);
/// let standardize = Standardize::new(vec![3.5, 212.5], vec![2.3, 29.5]);
/// let checkpoint = Checkpoint::new(model, adam, 12, 0.4127).with_standardize(standardize);
/// let text = checkpoint.to_text();
/// assert!(text.contains("\nstandardize\n"));
/// assert!(text.ends_with("training\n# the epoch the checkpoint was saved at, and the lowest \
///                         validation loss by then\nepoch 12\nbest_validation_loss 0.4127\nend\n"));
/// let loaded = Checkpoint::<Adam>::from_text(&text)?;
/// assert_eq!(loaded.model, checkpoint.model);
/// assert_eq!((loaded.epoch, loaded.best_validation_loss), (12, 0.4127));
/// assert_eq!(loaded.optimizer.steps(), 1);
/// assert_eq!(loaded.standardize, checkpoint.standardize);
/// // Still a model file.
/// assert_eq!(Mlp::from_text(&text)?, checkpoint.model);
/// # Ok::<(), tapegrad::nn::LoadError>(())
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Checkpoint<O> {
    /// The model.
    pub model: Mlp,
    /// The optimizer that trains it, with its state.
    pub optimizer: O,
    /// The epoch the checkpoint was saved at (counted from 1; 0 before training).
    pub epoch: usize,
    /// The lowest validation loss by then (infinite if there was none).
    pub best_validation_loss: f64,
    /// The map the model's inputs go through, if any.
    pub standardize: Option<Standardize>,
}

const EPOCH: &str = "epoch";
const BEST: Setting = setting("best_validation_loss", Range::NotNan);
const MEAN: Setting = setting("mean", Range::Finite);
const SCALE: Setting = setting("scale", Range::Positive);

impl<O: Resumable> Checkpoint<O> {
    /// A checkpoint of `model` and its `optimizer` at `epoch`, with the best validation loss
    /// so far, and no standardiser.
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Checkpoint, Init, Mlp, Sgd};
    ///
    /// let model = Mlp::new(1, &[(1, Activation::Identity)], Init::Xavier, 0);
    /// let checkpoint = Checkpoint::new(model, Sgd::new(0.1), 0, f64::INFINITY);
    /// assert!(checkpoint.standardize.is_none());
    /// ```
    pub fn new(model: Mlp, optimizer: O, epoch: usize, best_validation_loss: f64) -> Self {
        Checkpoint {
            model,
            optimizer,
            epoch,
            best_validation_loss,
            standardize: None,
        }
    }

    /// The same checkpoint with the standardiser the model's inputs go through.
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Checkpoint, Init, Mlp, Sgd, Standardize};
    ///
    /// let model = Mlp::new(1, &[(1, Activation::Identity)], Init::Xavier, 0);
    /// let checkpoint = Checkpoint::new(model, Sgd::new(0.1), 3, 0.5)
    ///     .with_standardize(Standardize::new(vec![1.0], vec![2.0]));
    /// assert_eq!(checkpoint.standardize.unwrap().means(), [1.0]);
    /// ```
    pub fn with_standardize(self, standardize: Standardize) -> Self {
        Checkpoint {
            standardize: Some(standardize),
            ..self
        }
    }

    /// The checkpoint as text: [`Mlp::to_text_with_optimizer`], then the `standardize` and
    /// `training` sections (the module docs show them) before `end`. Numbers read back bit
    /// for bit.
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Checkpoint, Init, Mlp, Sgd};
    ///
    /// let model = Mlp::new(1, &[(1, Activation::Identity)], Init::Xavier, 0);
    /// let text = Checkpoint::new(model, Sgd::new(0.1), 0, f64::INFINITY).to_text();
    /// assert!(text.ends_with("\nepoch 0\nbest_validation_loss inf\nend\n"));
    /// ```
    ///
    /// # Panics
    /// If the optimizer has taken steps on a model with another number of parameters, or the
    /// standardiser takes another number of inputs than the model.
    #[track_caller]
    pub fn to_text(&self) -> String {
        let mut out = self.model.to_text_with_optimizer(&self.optimizer);
        out.truncate(out.len() - "end\n".len());
        if let Some(standardize) = &self.standardize {
            assert_eq!(
                standardize.dims(),
                self.model.inputs(),
                "the standardiser takes {} inputs but the model {}: save the model with the \
                 standardiser of its inputs",
                standardize.dims(),
                self.model.inputs()
            );
            out += "standardize\n# each input's mean and scale: x' = (x - mean) / scale\n";
            for (i, (mean, scale)) in standardize
                .means()
                .iter()
                .zip(standardize.scales())
                .enumerate()
            {
                out += &format!("input{} {mean:?} {scale:?}\n", i + 1);
            }
        }
        out += "training\n# the epoch the checkpoint was saved at, and the lowest validation \
                loss by then\n";
        out += &format!("{EPOCH} {}\n", self.epoch);
        out += &format!("best_validation_loss {:?}\n", self.best_validation_loss);
        out += "end\n";
        out
    }

    /// Reads a checkpoint written by [`to_text`](Checkpoint::to_text).
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Adam, Checkpoint, Init, Mlp};
    ///
    /// // A model file with an optimizer but no training section.
    /// let text = Mlp::new(1, &[(1, Activation::Identity)], Init::Xavier, 0)
    ///     .to_text_with_optimizer(&Adam::default());
    /// let err = Checkpoint::<Adam>::from_text(&text).unwrap_err();
    /// assert!(err.to_string().ends_with("expected `training`, found `end`"), "{err}");
    /// ```
    ///
    /// # Errors
    /// A [`LoadError`] naming the line and the problem if the text is not a whole,
    /// well-formed checkpoint with the state of an optimizer of type `O`.
    pub fn from_text(text: &str) -> Result<Self, LoadError> {
        Checkpoint::from_bytes(text.as_bytes())
    }

    /// Reads a checkpoint from the bytes of a file written by
    /// [`to_text`](Checkpoint::to_text) or [`save`](Checkpoint::save).
    ///
    /// ```
    /// use tapegrad::nn::{Checkpoint, Sgd};
    ///
    /// let err = Checkpoint::<Sgd>::from_bytes(b"").unwrap_err();
    /// assert_eq!(err.line(), Some(1));
    /// ```
    ///
    /// # Errors
    /// As [`from_text`](Checkpoint::from_text).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, LoadError> {
        let mut parser = Parser::new(bytes);
        let (model, optimizer) = model_and_optimizer_record::<O>(&mut parser)?;
        let standardize = parser.standardize_if_any(&model)?;
        let (epoch, best_validation_loss) = parser.training()?;
        parser.end()?;
        Ok(Checkpoint {
            model,
            optimizer,
            epoch,
            best_validation_loss,
            standardize,
        })
    }

    /// Writes the checkpoint to a file, as [`to_text`](Checkpoint::to_text).
    ///
    /// ```
    /// use tapegrad::nn::{Activation, AdamW, Checkpoint, Init, Mlp};
    ///
    /// let model = Mlp::new(2, &[(3, Activation::Relu), (1, Activation::Identity)], Init::He, 0);
    /// let path = std::env::temp_dir().join("tapegrad-doc-checkpoint.txt");
    /// Checkpoint::new(model.clone(), AdamW::default(), 5, 0.25).save(&path)?;
    /// let loaded = Checkpoint::<AdamW>::load(&path)?;
    /// assert_eq!((loaded.model, loaded.epoch), (model, 5));
    /// # std::fs::remove_file(&path)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// Any error from writing the file.
    ///
    /// # Panics
    /// As [`to_text`](Checkpoint::to_text).
    #[track_caller]
    pub fn save(&self, path: impl AsRef<Path>) -> std::io::Result<()> {
        std::fs::write(path, self.to_text())
    }

    /// Reads a checkpoint from a file written by [`save`](Checkpoint::save).
    ///
    /// ```
    /// use tapegrad::nn::{Checkpoint, LoadError, Sgd};
    ///
    /// let missing = Checkpoint::<Sgd>::load("/no/such/checkpoint.txt").unwrap_err();
    /// assert!(matches!(missing, LoadError::Io(_)));
    /// ```
    ///
    /// # Errors
    /// [`LoadError::Io`] if the file cannot be read, [`LoadError::Invalid`] (with the line
    /// and the problem) if it is not a whole, well-formed checkpoint with the state of an
    /// optimizer of type `O`.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, LoadError> {
        let bytes = std::fs::read(path).map_err(LoadError::Io)?;
        Checkpoint::from_bytes(&bytes)
    }
}

impl Parser<'_> {
    /// The `standardize` and `training` sections, if the next lines hold them: checked, then
    /// dropped (for a reader of the model alone, or of the model and its optimizer).
    pub(super) fn training_sections_if_any(&mut self, mlp: &Mlp) -> Result<(), LoadError> {
        self.standardize_if_any(mlp)?;
        if self.next_is("training")? {
            self.training()?;
        }
        Ok(())
    }

    /// Whether the next line that is not blank or a comment is the one word `word`.
    fn next_is(&mut self, word: &str) -> Result<bool, LoadError> {
        Ok(self.peek()?.is_some_and(|line| words(line) == [word]))
    }

    /// The `standardize` section for `mlp`'s inputs, if the next line starts one.
    fn standardize_if_any(&mut self, mlp: &Mlp) -> Result<Option<Standardize>, LoadError> {
        if !self.next_is("standardize")? {
            return Ok(None);
        }
        self.expect(|| "`standardize`".to_owned())?;
        let mut means = Vec::with_capacity(mlp.inputs());
        let mut scales = Vec::with_capacity(mlp.inputs());
        for i in 1..=mlp.inputs() {
            let name = format!("input{i}");
            let expected = || format!("`{name} <mean> <scale>`");
            let line = self.expect(expected)?;
            match words(line).as_slice() {
                [found, mean, scale] if *found == name => {
                    means.push(self.checked(&MEAN, mean)?);
                    scales.push(self.checked(&SCALE, scale)?);
                }
                _ => return Err(self.expected(&expected(), line)),
            }
        }
        Ok(Some(Standardize::new(means, scales)))
    }

    /// The `training` section: the epoch and the best validation loss.
    fn training(&mut self) -> Result<(usize, f64), LoadError> {
        let line = self.expect(|| "`training`".to_owned())?;
        if words(line) != ["training"] {
            return Err(self.expected("`training`", line));
        }
        const EXPECTED: &str = "`epoch <number>`";
        let line = self.expect(|| EXPECTED.to_owned())?;
        let epoch = match words(line).as_slice() {
            [EPOCH, number] => number.parse().map_err(|_| {
                self.error(LoadProblem::Epoch {
                    text: super::io::quote(number),
                })
            })?,
            _ => return Err(self.expected(EXPECTED, line)),
        };
        let best = self.setting(&BEST)?;
        Ok((epoch, best))
    }
}
