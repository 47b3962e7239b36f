//! The errors of loading a model.

use std::fmt;

use super::checkpoint::MAX_STEPS;
use super::io::{MAGIC, VERSION};

/// Why a model could not be loaded.
///
/// ```
/// use tapegrad::nn::{LoadError, LoadProblem, Mlp};
///
/// match Mlp::from_text("tapegrad-mlp 2\n") {
///     Err(LoadError::Invalid { line, problem: LoadProblem::Version { found } }) => {
///         assert_eq!((line, found.as_str()), (1, "2"));
///     }
///     other => panic!("unexpected {other:?}"),
/// }
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum LoadError {
    /// The file could not be read.
    Io(std::io::Error),
    /// The text is not a whole, well-formed model: `problem` at line `line` (counted from 1;
    /// one past the last line when the file ends early).
    Invalid {
        /// Where the problem is, counted from 1.
        line: usize,
        /// What is wrong there.
        problem: LoadProblem,
    },
}

impl LoadError {
    /// The line of the problem, for [`Invalid`](LoadError::Invalid).
    ///
    /// ```
    /// let err = tapegrad::nn::Mlp::from_text("hello\n").unwrap_err();
    /// assert_eq!(err.line(), Some(1));
    /// ```
    pub fn line(&self) -> Option<usize> {
        match self {
            LoadError::Invalid { line, .. } => Some(*line),
            LoadError::Io(_) => None,
        }
    }

    /// The problem, for [`Invalid`](LoadError::Invalid).
    ///
    /// ```
    /// use tapegrad::nn::LoadProblem;
    ///
    /// let err = tapegrad::nn::Mlp::from_text("").unwrap_err();
    /// assert!(matches!(err.problem(), Some(LoadProblem::UnexpectedEnd { .. })));
    /// ```
    pub fn problem(&self) -> Option<&LoadProblem> {
        match self {
            LoadError::Invalid { problem, .. } => Some(problem),
            LoadError::Io(_) => None,
        }
    }
}

/// Shows `line N: <problem>`, or the I/O error.
///
/// ```
/// let err = tapegrad::nn::Mlp::from_text("tapegrad-mlp 1\ninputs two\n").unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "line 2: `two` is not a size (a whole number of at least 1)"
/// );
/// ```
impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Io(err) => write!(f, "cannot read the model file: {err}"),
            LoadError::Invalid { line, problem } => write!(f, "line {line}: {problem}"),
        }
    }
}

/// The I/O error is the source of [`LoadError::Io`].
///
/// ```
/// use std::error::Error;
///
/// let err = tapegrad::nn::Mlp::load("/no/such/model.txt").unwrap_err();
/// assert!(err.source().is_some());
/// ```
impl std::error::Error for LoadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            LoadError::Io(err) => Some(err),
            LoadError::Invalid { .. } => None,
        }
    }
}

/// What is wrong with a line of a model file. Quoted text is cut to 60 characters.
///
/// ```
/// use tapegrad::nn::{LoadProblem, Mlp};
///
/// let text = "tapegrad-mlp 1\ninputs 1\nlayer 1 relu\nlayer1.neuron1.w1 0.5x\n";
/// let err = Mlp::from_text(text).unwrap_err();
/// assert_eq!(err.problem(), Some(&LoadProblem::Number { text: "0.5x".into() }));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LoadProblem {
    /// The line is not UTF-8 text.
    NotUtf8,
    /// The first line is not `tapegrad-mlp 1`: not a model file.
    NotAModel {
        /// The line found.
        found: String,
    },
    /// The file is a model of a format version this crate cannot read.
    Version {
        /// The version found.
        found: String,
    },
    /// Another line was expected here.
    Expected {
        /// What was expected, e.g. ``parameter `layer1.neuron1.b <value>` ``.
        expected: String,
        /// The line found.
        found: String,
    },
    /// A count (of inputs or neurons) is not a whole number of at least 1.
    Size {
        /// The text found.
        text: String,
    },
    /// A parameter's value is not a number.
    Number {
        /// The text found.
        text: String,
    },
    /// The activation's name is unknown.
    Activation {
        /// The text found.
        text: String,
    },
    /// A leaky relu's slope is NaN or infinite (it must be a finite number).
    Slope {
        /// The activation as written, e.g. `leaky_relu(nan)`.
        text: String,
    },
    /// The file ends early.
    UnexpectedEnd {
        /// What was expected next.
        expected: String,
    },
    /// Something follows the `end` line.
    AfterEnd {
        /// The line found.
        found: String,
    },
    /// The optimizer's name is unknown.
    Optimizer {
        /// The text found.
        text: String,
    },
    /// The file holds the state of another optimizer than the one asked for.
    OptimizerKind {
        /// The optimizer asked for, e.g. `adamw`.
        expected: String,
        /// The optimizer in the file.
        found: String,
    },
    /// An optimizer's step count is not a whole number from 0 to 2^53 (every count up to
    /// 2^53 is exact as the `f64` Adam's bias corrections read).
    Steps {
        /// The text found.
        text: String,
    },
    /// A parameter's value is NaN or infinite: every prediction of the model would be NaN
    /// or infinite.
    NotFinite {
        /// The parameter's name, e.g. `layer1.neuron1.w2`.
        name: String,
        /// The text found.
        text: String,
    },
    /// A number of an optimizer's section is outside the values the optimizer can step
    /// with: a learning rate that is negative or NaN, Adam's `beta1` of 1 (its bias
    /// correction would divide by 0), a momentum of `-inf`, ...
    OutOfRange {
        /// What the number is, e.g. `beta1`, or `v` for a second moment.
        name: String,
        /// The text found.
        text: String,
        /// The values it may take, e.g. `a number in [0, 1)`.
        range: String,
    },
}

/// A sentence saying what is wrong.
///
/// ```
/// use tapegrad::nn::LoadProblem;
///
/// let problem = LoadProblem::Activation { text: "relux".into() };
/// assert_eq!(
///     problem.to_string(),
///     "unknown activation `relux`: expected relu, tanh, sigmoid, identity or leaky_relu(<slope>)"
/// );
/// ```
impl fmt::Display for LoadProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadProblem::NotUtf8 => f.write_str("the line is not UTF-8 text"),
            LoadProblem::NotAModel { found } => write!(
                f,
                "not a tapegrad model file: expected `{MAGIC} {VERSION}`, found `{found}`"
            ),
            LoadProblem::Version { found } => write!(
                f,
                "unsupported format version `{found}`: this tapegrad reads version {VERSION}"
            ),
            LoadProblem::Expected { expected, found } => {
                write!(f, "expected {expected}, found `{found}`")
            }
            LoadProblem::Size { text } => {
                write!(f, "`{text}` is not a size (a whole number of at least 1)")
            }
            LoadProblem::Number { text } => write!(f, "`{text}` is not a number"),
            LoadProblem::Activation { text } => write!(
                f,
                "unknown activation `{text}`: expected relu, tanh, sigmoid, identity or \
                 leaky_relu(<slope>)"
            ),
            LoadProblem::Slope { text } => write!(
                f,
                "`{text}` has no usable slope: a leaky relu's slope must be a finite number"
            ),
            LoadProblem::UnexpectedEnd { expected } => {
                write!(f, "the file ends where {expected} was expected")
            }
            LoadProblem::AfterEnd { found } => {
                write!(f, "unexpected line after `end`: `{found}`")
            }
            LoadProblem::Optimizer { text } => {
                write!(f, "unknown optimizer `{text}`: expected sgd, adam or adamw")
            }
            LoadProblem::OptimizerKind { expected, found } => write!(
                f,
                "the file holds the state of an `{found}` optimizer, not of the `{expected}` \
                 asked for"
            ),
            LoadProblem::Steps { text } => write!(
                f,
                "`{text}` is not a step count (a whole number from 0 to 2^53 = {MAX_STEPS})"
            ),
            LoadProblem::NotFinite { name, text } => write!(
                f,
                "parameter `{name}` is `{text}`: a model's parameters must be finite numbers"
            ),
            LoadProblem::OutOfRange { name, text, range } => {
                write!(f, "`{name} {text}` is out of range: {name} must be {range}")
            }
        }
    }
}
