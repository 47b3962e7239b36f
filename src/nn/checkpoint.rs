//! Saving an optimizer's state in the model's file, so that training resumes bit for bit.
//!
//! The state is a section of the model file between the last parameter and `end`:
//!
//! ```text
//! optimizer adamw
//! # its settings and step count, then for each parameter: moments <name> <m> <v>
//! learning_rate 0.001
//! beta1 0.9
//! beta2 0.999
//! eps 1e-8
//! weight_decay 0.01
//! steps 120
//! moments layer1.neuron1.w1 0.0123 0.00045
//! ...
//! end
//! ```
//!
//! A file without the section reads as before, and [`Mlp::load`] reads a file with one (it
//! checks the section and leaves it out).

use std::path::Path;

use super::io::{Name, Parser, quote, words};
use super::{Adam, AdamW, LoadError, LoadProblem, Mlp, Module, Optimizer, Sgd};

/// An optimizer whose state can be saved with the model ([`Mlp::save_with_optimizer`]) and
/// loaded back ([`Mlp::load_with_optimizer`]), so that training resumes bit for bit:
/// [`Sgd`], [`Adam`] and [`AdamW`].
///
/// ```
/// use tapegrad::nn::{Activation, AdamW, Init, Mlp, Module, Optimizer};
///
/// let mut model = Mlp::new(1, &[(1, Activation::Identity)], Init::Xavier, 0);
/// let mut opt = AdamW::new(0.1, 0.01);
/// opt.step(model.parameters_mut(), &[0.5, -0.5]);
/// let text = model.to_text_with_optimizer(&opt);
/// let (loaded, mut resumed) = Mlp::from_text_with_optimizer::<AdamW>(&text)?;
/// assert_eq!(loaded, model);
/// assert_eq!(resumed.steps(), 1);
/// // The next step is the same as the one the original optimizer would take.
/// let (mut a, mut b) = (model.clone(), loaded);
/// opt.step(a.parameters_mut(), &[0.25, 1.0]);
/// resumed.step(b.parameters_mut(), &[0.25, 1.0]);
/// assert_eq!(a, b);
/// # Ok::<(), tapegrad::nn::LoadError>(())
/// ```
pub trait Resumable: Optimizer + Sized + sealed::State {}

impl Resumable for Sgd {}
impl Resumable for Adam {}
impl Resumable for AdamW {}

/// What the file holds for one kind of optimizer. (`pub` only because the sealed trait's
/// items name it; this module is private, so nothing outside the crate can.)
#[derive(Debug)]
pub struct Layout {
    /// The name on the `optimizer` line.
    kind: &'static str,
    /// The settings, one line each, in this order, with the values each may take.
    settings: &'static [Setting],
    /// Whether a `steps` line follows the settings.
    counts_steps: bool,
    /// The first word of each parameter's state line.
    label: &'static str,
    /// The names of a parameter's numbers, for the comment and for error messages, with
    /// the values each may take.
    values: &'static [Setting],
}

/// A named number of an optimizer's section and the values it may take: what the optimizer
/// can step with. (`pub` as [`Layout`] is.)
#[derive(Debug)]
pub struct Setting {
    name: &'static str,
    range: Range,
}

/// The values a [`Setting`] may take.
#[derive(Clone, Copy, Debug)]
enum Range {
    /// Any finite number: a velocity, a first moment.
    Finite,
    /// A finite number from 0 up: a learning rate, a momentum, a weight decay, eps, a second
    /// moment (an average of squares).
    NonNegative,
    /// A number in `[0, 1)`: Adam's decay rates (at 1 the bias correction divides by 0).
    Fraction,
}

impl Range {
    fn admits(self, x: f64) -> bool {
        match self {
            Range::Finite => x.is_finite(),
            Range::NonNegative => x.is_finite() && x >= 0.0,
            Range::Fraction => (0.0..1.0).contains(&x),
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Range::Finite => "a finite number",
            Range::NonNegative => "a finite number from 0 up",
            Range::Fraction => "a number in [0, 1)",
        }
    }
}

const fn setting(name: &'static str, range: Range) -> Setting {
    Setting { name, range }
}

/// The largest step count a file may hold: 2^53, up to which every count is exact as the
/// `f64` the bias corrections read (and far more steps than any training takes).
pub(crate) const MAX_STEPS: u64 = 1 << 53;

impl Layout {
    /// A parameter's numbers as they are named in comments and messages: `<m> <v>`.
    fn placeholders(&self) -> String {
        let names: Vec<String> = self
            .values
            .iter()
            .map(|v| format!("<{}>", v.name))
            .collect();
        names.join(" ")
    }
}

/// An optimizer's settings, step count and per-parameter numbers (`state[k][p]` is number
/// `k` of parameter `p`), as the file holds them. (`pub` as [`Layout`] is.)
#[derive(Debug)]
pub struct Record {
    settings: Vec<f64>,
    steps: u64,
    state: Vec<Vec<f64>>,
}

mod sealed {
    use super::{Layout, Record};

    /// How an optimizer turns into a [`Record`] and back; outside the crate nobody can
    /// implement it, so the file format stays the crate's.
    pub trait State {
        const LAYOUT: &'static Layout;
        fn to_record(&self) -> Record;
        fn from_record(record: Record) -> Self;
    }
}

const SGD: Layout = Layout {
    kind: "sgd",
    settings: &[
        setting("learning_rate", Range::NonNegative),
        setting("momentum", Range::NonNegative),
        setting("weight_decay", Range::NonNegative),
    ],
    counts_steps: false,
    label: "velocity",
    values: &[setting("velocity", Range::Finite)],
};

const ADAM_SETTINGS: &[Setting] = &[
    setting("learning_rate", Range::NonNegative),
    setting("beta1", Range::Fraction),
    setting("beta2", Range::Fraction),
    setting("eps", Range::NonNegative),
    setting("weight_decay", Range::NonNegative),
];
const MOMENTS: &[Setting] = &[
    setting("m", Range::Finite),
    setting("v", Range::NonNegative),
];

const ADAM: Layout = Layout {
    kind: "adam",
    settings: ADAM_SETTINGS,
    counts_steps: true,
    label: "moments",
    values: MOMENTS,
};

const ADAMW: Layout = Layout {
    kind: "adamw",
    ..ADAM
};

const LAYOUTS: [&Layout; 3] = [&SGD, &ADAM, &ADAMW];

impl sealed::State for Sgd {
    const LAYOUT: &'static Layout = &SGD;

    fn to_record(&self) -> Record {
        Record {
            settings: vec![self.learning_rate, self.momentum, self.weight_decay],
            steps: 0,
            state: vec![self.velocity.clone()],
        }
    }

    fn from_record(record: Record) -> Self {
        let Record {
            settings, state, ..
        } = record;
        let [velocity] = <[Vec<f64>; 1]>::try_from(state).expect("one number a parameter");
        Sgd {
            learning_rate: settings[0],
            momentum: settings[1],
            weight_decay: settings[2],
            velocity,
        }
    }
}

impl sealed::State for Adam {
    const LAYOUT: &'static Layout = &ADAM;

    fn to_record(&self) -> Record {
        adam_record(self, self.coupled_weight_decay)
    }

    fn from_record(record: Record) -> Self {
        let coupled_weight_decay = record.settings[4];
        Adam {
            coupled_weight_decay,
            ..adam_from_record(record)
        }
    }
}

impl sealed::State for AdamW {
    const LAYOUT: &'static Layout = &ADAMW;

    fn to_record(&self) -> Record {
        adam_record(&self.adam, self.adam.decoupled_weight_decay)
    }

    fn from_record(record: Record) -> Self {
        let decoupled_weight_decay = record.settings[4];
        AdamW {
            adam: Adam {
                decoupled_weight_decay,
                ..adam_from_record(record)
            },
        }
    }
}

fn adam_record(adam: &Adam, weight_decay: f64) -> Record {
    Record {
        settings: vec![
            adam.learning_rate,
            adam.beta1,
            adam.beta2,
            adam.eps,
            weight_decay,
        ],
        steps: adam.steps,
        state: vec![adam.m.clone(), adam.v.clone()],
    }
}

/// Adam with the record's settings (but no weight decay of either kind) and state.
fn adam_from_record(record: Record) -> Adam {
    let Record {
        settings,
        steps,
        state,
    } = record;
    let [m, v] = <[Vec<f64>; 2]>::try_from(state).expect("two numbers a parameter");
    Adam {
        steps,
        m,
        v,
        ..Adam::new(settings[0])
            .with_betas(settings[1], settings[2])
            .with_eps(settings[3])
    }
}

impl Mlp {
    /// The model as [`to_text`](Mlp::to_text) writes it, with `optimizer`'s state (its
    /// settings, step count, and its numbers for each parameter) before the `end` line; see
    /// [`Resumable`] for a whole round trip.
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Adam, Init, Mlp};
    ///
    /// let mlp = Mlp::new(1, &[(1, Activation::Identity)], Init::Xavier, 0);
    /// let text = mlp.to_text_with_optimizer(&Adam::new(0.01).with_weight_decay(1e-4));
    /// assert!(text.contains("\noptimizer adam\n"));
    /// assert!(text.contains("\nlearning_rate 0.01\nbeta1 0.9\n"));
    /// assert!(text.contains("\nmoments layer1.neuron1.b 0.0 0.0\nend\n"));
    /// // Still a model file.
    /// assert_eq!(Mlp::from_text(&text)?, mlp);
    /// # Ok::<(), tapegrad::nn::LoadError>(())
    /// ```
    ///
    /// # Panics
    /// If the optimizer has taken steps on a model with another number of parameters.
    #[track_caller]
    pub fn to_text_with_optimizer<O: Resumable>(&self, optimizer: &O) -> String {
        let layout = O::LAYOUT;
        let record = optimizer.to_record();
        let count = self.parameter_count();
        for numbers in &record.state {
            assert!(
                numbers.is_empty() || numbers.len() == count,
                "the optimizer has state for {} parameters but the model has {count}: save a \
                 model with the optimizer that trains it",
                numbers.len()
            );
        }
        let mut out = self.to_text();
        out.truncate(out.len() - "end\n".len());
        out += &format!("optimizer {}\n", layout.kind);
        out += &format!(
            "# its settings{}, then for each parameter: {} <name> {}\n",
            if layout.counts_steps {
                " and step count"
            } else {
                ""
            },
            layout.label,
            layout.placeholders()
        );
        for (setting, value) in layout.settings.iter().zip(&record.settings) {
            out += &format!("{} {value:?}\n", setting.name);
        }
        if layout.counts_steps {
            out += &format!("steps {}\n", record.steps);
        }
        for (p, name) in parameter_names(self).enumerate() {
            out += &format!("{} {name}", layout.label);
            for numbers in &record.state {
                // An optimizer sizes its state at its first step; before, it is all zeros.
                out += &format!(" {:?}", numbers.get(p).copied().unwrap_or(0.0));
            }
            out += "\n";
        }
        out += "end\n";
        out
    }

    /// Reads a model and the state of an optimizer of type `O`, written by
    /// [`to_text_with_optimizer`](Mlp::to_text_with_optimizer).
    ///
    /// ```
    /// use tapegrad::nn::{LoadProblem, Mlp, Sgd};
    ///
    /// let text = "tapegrad-mlp 1\ninputs 1\nlayer 1 identity\n\
    ///             layer1.neuron1.w1 0.5\nlayer1.neuron1.b 0.0\nend\n";
    /// let err = Mlp::from_text_with_optimizer::<Sgd>(text).unwrap_err();
    /// assert_eq!(err.to_string(), "line 6: expected `optimizer sgd`, found `end`");
    /// ```
    ///
    /// # Errors
    /// A [`LoadError`] naming the line and the problem if the text is not a whole,
    /// well-formed model with the state of an optimizer of type `O`.
    pub fn from_text_with_optimizer<O: Resumable>(text: &str) -> Result<(Mlp, O), LoadError> {
        model_and_optimizer(text.as_bytes())
    }

    /// Writes the model and `optimizer`'s state to a file, as
    /// [`to_text_with_optimizer`](Mlp::to_text_with_optimizer).
    ///
    /// ```
    /// use tapegrad::nn::{Activation, AdamW, Init, Mlp};
    ///
    /// let mlp = Mlp::new(2, &[(3, Activation::Relu), (1, Activation::Identity)], Init::He, 0);
    /// let path = std::env::temp_dir().join("tapegrad-doc-save-with-optimizer.txt");
    /// mlp.save_with_optimizer(&AdamW::default(), &path)?;
    /// let (loaded, opt) = Mlp::load_with_optimizer::<AdamW>(&path)?;
    /// assert_eq!((loaded, opt.steps()), (mlp, 0));
    /// # std::fs::remove_file(&path)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// Any error from writing the file.
    ///
    /// # Panics
    /// If the optimizer has taken steps on a model with another number of parameters.
    #[track_caller]
    pub fn save_with_optimizer<O: Resumable>(
        &self,
        optimizer: &O,
        path: impl AsRef<Path>,
    ) -> std::io::Result<()> {
        std::fs::write(path, self.to_text_with_optimizer(optimizer))
    }

    /// Reads a model and an optimizer's state from a file written by
    /// [`save_with_optimizer`](Mlp::save_with_optimizer).
    ///
    /// ```
    /// use tapegrad::nn::{Adam, LoadError, Mlp};
    ///
    /// let missing = Mlp::load_with_optimizer::<Adam>("/no/such/model.txt").unwrap_err();
    /// assert!(matches!(missing, LoadError::Io(_)));
    /// ```
    ///
    /// # Errors
    /// [`LoadError::Io`] if the file cannot be read, [`LoadError::Invalid`] (with the line
    /// and the problem) if it is not a whole, well-formed model with the state of an
    /// optimizer of type `O`.
    pub fn load_with_optimizer<O: Resumable>(
        path: impl AsRef<Path>,
    ) -> Result<(Mlp, O), LoadError> {
        let bytes = std::fs::read(path).map_err(LoadError::Io)?;
        model_and_optimizer(&bytes)
    }
}

fn model_and_optimizer<O: Resumable>(bytes: &[u8]) -> Result<(Mlp, O), LoadError> {
    let mut parser = Parser::new(bytes);
    let mlp = parser.model()?;
    let record = parser.optimizer(&mlp, Some(O::LAYOUT))?;
    parser.end()?;
    Ok((mlp, O::from_record(record)))
}

/// The model's parameter names in binding order.
fn parameter_names(mlp: &Mlp) -> impl Iterator<Item = Name> + '_ {
    mlp.layers().iter().enumerate().flat_map(|(l, layer)| {
        (0..layer.outputs()).flat_map(move |j| {
            (0..layer.inputs())
                .map(move |i| Name::Weight(l, j, i))
                .chain(std::iter::once(Name::Bias(l, j)))
        })
    })
}

impl Parser<'_> {
    /// An optimizer's section, if the next line starts one; checked, then dropped.
    pub(super) fn optimizer_if_any(&mut self, mlp: &Mlp) -> Result<(), LoadError> {
        match self.peek()? {
            Some(line) if words(line).first() == Some(&"optimizer") => {
                self.optimizer(mlp, None).map(drop)
            }
            _ => Ok(()),
        }
    }

    /// An optimizer's section for `mlp`: of the kind `want`, or of any kind if `None`.
    fn optimizer(&mut self, mlp: &Mlp, want: Option<&Layout>) -> Result<Record, LoadError> {
        let expected = match want {
            Some(layout) => format!("`optimizer {}`", layout.kind),
            None => "`optimizer <name>`".to_owned(),
        };
        let line = self.expect(|| expected.clone())?;
        let layout = match words(line).as_slice() {
            ["optimizer", kind] => match LAYOUTS.into_iter().find(|l| l.kind == *kind) {
                Some(layout) => layout,
                None => return Err(self.error(LoadProblem::Optimizer { text: quote(kind) })),
            },
            _ => return Err(self.expected(&expected, line)),
        };
        if let Some(want) = want {
            if want.kind != layout.kind {
                return Err(self.error(LoadProblem::OptimizerKind {
                    expected: want.kind.to_owned(),
                    found: layout.kind.to_owned(),
                }));
            }
        }
        let mut settings = Vec::with_capacity(layout.settings.len());
        for setting in layout.settings {
            settings.push(self.setting(setting)?);
        }
        let steps = if layout.counts_steps {
            self.steps()?
        } else {
            0
        };
        let count = mlp.parameter_count();
        let mut state: Vec<Vec<f64>> = (layout.values.iter())
            .map(|_| Vec::with_capacity(count))
            .collect();
        for name in parameter_names(mlp) {
            let name = name.to_string();
            let expected = || format!("`{} {name} {}`", layout.label, layout.placeholders());
            let line = self.expect(expected)?;
            match words(line).as_slice() {
                [label, found, numbers @ ..]
                    if *label == layout.label
                        && *found == name
                        && numbers.len() == layout.values.len() =>
                {
                    for (k, (number, value)) in numbers.iter().zip(layout.values).enumerate() {
                        state[k].push(self.checked(value, number)?);
                    }
                }
                _ => return Err(self.expected(&expected(), line)),
            }
        }
        Ok(Record {
            settings,
            steps,
            state,
        })
    }

    /// A `<name> <number>` line, its number in the setting's range.
    fn setting(&mut self, setting: &Setting) -> Result<f64, LoadError> {
        let expected = || format!("`{} <number>`", setting.name);
        let line = self.expect(expected)?;
        match words(line).as_slice() {
            [found, number] if *found == setting.name => self.checked(setting, number),
            _ => Err(self.expected(&expected(), line)),
        }
    }

    /// `text` as a number in `setting`'s range.
    fn checked(&self, setting: &Setting, text: &str) -> Result<f64, LoadError> {
        let x = self.number(text)?;
        if setting.range.admits(x) {
            Ok(x)
        } else {
            Err(self.error(LoadProblem::OutOfRange {
                name: setting.name.to_owned(),
                text: quote(text),
                range: setting.range.describe().to_owned(),
            }))
        }
    }

    /// The `steps <count>` line.
    fn steps(&mut self) -> Result<u64, LoadError> {
        const EXPECTED: &str = "`steps <count>`";
        let line = self.expect(|| EXPECTED.to_owned())?;
        match words(line).as_slice() {
            ["steps", count] => match count.parse() {
                Ok(steps) if steps <= MAX_STEPS => Ok(steps),
                _ => Err(self.error(LoadProblem::Steps { text: quote(count) })),
            },
            _ => Err(self.expected(EXPECTED, line)),
        }
    }

    fn number(&self, text: &str) -> Result<f64, LoadError> {
        text.parse()
            .map_err(|_| self.error(LoadProblem::Number { text: quote(text) }))
    }
}
