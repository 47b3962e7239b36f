//! Saving and loading a trained `Mlp` as text a person can read (the format is described on
//! [`Mlp::to_text`]).

use std::fmt;
use std::path::Path;

use super::{Activation, Layer, LoadError, LoadProblem, Mlp, Module, Neuron};

pub(crate) const MAGIC: &str = "tapegrad-mlp";
pub(crate) const VERSION: &str = "1";
/// Longest excerpt of a bad line an error message quotes.
const QUOTE_LIMIT: usize = 60;

impl Mlp {
    /// The model as text a person can read, which [`from_text`](Mlp::from_text) reads back
    /// to the same model, bit for bit:
    ///
    /// ```text
    /// tapegrad-mlp 1
    /// # comments and blank lines are ignored
    /// inputs 2
    /// layer 16 relu
    /// layer 1 identity
    /// layer1.neuron1.w1 0.7416245233785924
    /// layer1.neuron1.w2 -0.3120153040564826
    /// layer1.neuron1.b 0.0
    /// ...
    /// layer2.neuron1.b -0.051209935711537105
    /// end
    /// ```
    ///
    /// The header gives the format version and the architecture (inputs, then each layer's
    /// neurons and activation); then every parameter follows by name, in binding order (for
    /// each layer, each neuron: weights `w1..wn`, then bias `b`), counted from 1; `end` closes
    /// the file, so a file cut short is caught even when it is cut inside the last number.
    /// Numbers are written in Rust's shortest form that reads back to the same `f64`. A
    /// parameter that is NaN or infinite is written as it is (`NaN`, `inf`), and reading it
    /// back is an error ([`LoadProblem::NotFinite`]): such a model predicts nothing useful.
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Init, Mlp};
    ///
    /// let mlp = Mlp::new(2, &[(3, Activation::Tanh), (1, Activation::Identity)], Init::Xavier, 1);
    /// let text = mlp.to_text();
    /// assert!(text.starts_with("tapegrad-mlp 1\n"));
    /// assert!(text.contains("\nlayer 3 tanh\n"));
    /// assert_eq!(Mlp::from_text(&text).unwrap(), mlp);
    /// ```
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "{MAGIC} {VERSION}\n\
             # an Mlp: inputs, one line per layer (neurons, activation), then every parameter\n\
             # by name: for each neuron its weights w1, w2, ... then its bias b\n\
             inputs {}\n",
            self.inputs()
        );
        for layer in self.layers() {
            let activation = activation_in_file(layer.activation());
            out += &format!("layer {} {activation}\n", layer.outputs());
        }
        for (l, layer) in self.layers().iter().enumerate() {
            for (j, neuron) in layer.neurons().iter().enumerate() {
                for (i, w) in neuron.weights().iter().enumerate() {
                    out += &format!("{} {w:?}\n", Name::Weight(l, j, i));
                }
                out += &format!("{} {:?}\n", Name::Bias(l, j), neuron.bias());
            }
        }
        out += "end\n";
        out
    }

    /// Reads a model written by [`to_text`](Mlp::to_text). A file that also holds an
    /// optimizer's state ([`to_text_with_optimizer`](Mlp::to_text_with_optimizer)) reads as
    /// the model alone, once the state is checked.
    ///
    /// ```
    /// use tapegrad::nn::{LoadProblem, Mlp};
    ///
    /// let err = Mlp::from_text("tapegrad-mlp 1\ninputs 2\nlayer 1 relu\nend\n").unwrap_err();
    /// assert_eq!(err.line(), Some(4));
    /// assert!(matches!(err.problem(), Some(LoadProblem::Expected { .. })));
    /// assert_eq!(
    ///     err.to_string(),
    ///     "line 4: expected parameter `layer1.neuron1.w1 <value>`, found `end`"
    /// );
    /// ```
    ///
    /// # Errors
    /// A [`LoadError`] naming the line and the problem if the text is not a whole, well-formed
    /// model.
    pub fn from_text(text: &str) -> Result<Mlp, LoadError> {
        Mlp::from_bytes(text.as_bytes())
    }

    /// Reads a model from the bytes of a file written by [`to_text`](Mlp::to_text) or
    /// [`save`](Mlp::save).
    ///
    /// ```
    /// use tapegrad::nn::Mlp;
    ///
    /// let err = Mlp::from_bytes(b"tapegrad-mlp 1\ninputs \xff\n").unwrap_err();
    /// assert_eq!(err.to_string(), "line 2: the line is not UTF-8 text");
    /// ```
    ///
    /// # Errors
    /// A [`LoadError`] naming the line and the problem if the bytes are not a whole,
    /// well-formed model.
    pub fn from_bytes(bytes: &[u8]) -> Result<Mlp, LoadError> {
        let mut parser = Parser::new(bytes);
        let mlp = parser.model()?;
        // A model saved with its optimizer's state is still a model: the state is checked,
        // then left out.
        parser.optimizer_if_any(&mlp)?;
        parser.end()?;
        Ok(mlp)
    }

    /// Writes the model to a file, as [`to_text`](Mlp::to_text).
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Init, Mlp};
    ///
    /// let mlp = Mlp::new(2, &[(4, Activation::Relu), (1, Activation::Identity)], Init::He, 0);
    /// let path = std::env::temp_dir().join("tapegrad-doc-save.txt");
    /// mlp.save(&path)?;
    /// assert_eq!(Mlp::load(&path)?, mlp);
    /// # std::fs::remove_file(&path)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// Any error from writing the file.
    pub fn save(&self, path: impl AsRef<Path>) -> std::io::Result<()> {
        std::fs::write(path, self.to_text())
    }

    /// Reads a model from a file written by [`save`](Mlp::save).
    ///
    /// ```
    /// use tapegrad::nn::{LoadError, Mlp};
    ///
    /// let missing = Mlp::load("/no/such/model.txt").unwrap_err();
    /// assert!(matches!(missing, LoadError::Io(_)));
    /// ```
    ///
    /// # Errors
    /// [`LoadError::Io`] if the file cannot be read, [`LoadError::Invalid`] (with the line
    /// and the problem) if it is not a whole, well-formed model.
    pub fn load(path: impl AsRef<Path>) -> Result<Mlp, LoadError> {
        let bytes = std::fs::read(path).map_err(LoadError::Io)?;
        Mlp::from_bytes(&bytes)
    }
}

/// An activation as model files spell it: `relu`, `tanh`, `sigmoid`, `identity`, or
/// `leaky_relu(<slope>)` with the slope written so that it reads back exactly. The format's
/// own spelling, apart from `Activation`'s `Display`, so that renaming a display string
/// cannot change the files; [`Parser::activation`] reads it back.
fn activation_in_file(activation: Activation) -> String {
    match activation {
        Activation::Relu => "relu".to_owned(),
        Activation::Tanh => "tanh".to_owned(),
        Activation::Sigmoid => "sigmoid".to_owned(),
        Activation::Identity => "identity".to_owned(),
        Activation::LeakyRelu(slope) => format!("leaky_relu({:?})", slope.get()),
    }
}

/// A parameter's name in the file, with layers, neurons and weights counted from 1.
pub(super) enum Name {
    Weight(usize, usize, usize),
    Bias(usize, usize),
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Name::Weight(l, j, i) => write!(f, "layer{}.neuron{}.w{}", l + 1, j + 1, i + 1),
            Name::Bias(l, j) => write!(f, "layer{}.neuron{}.b", l + 1, j + 1),
        }
    }
}

/// The file's lines with their index, counted from 0.
type NumberedLines<'a> = std::iter::Enumerate<std::slice::Split<'a, u8, fn(&u8) -> bool>>;

/// Reads the file's lines in order, skipping blank lines and comments.
pub(super) struct Parser<'a> {
    lines: NumberedLines<'a>,
    /// The number of the last line read, counted from 1.
    line: usize,
    /// The number a line after the last would have.
    end_of_file: usize,
}

impl<'a> Parser<'a> {
    pub(super) fn new(bytes: &'a [u8]) -> Self {
        let newline: fn(&u8) -> bool = |&b| b == b'\n';
        // A final newline ends the last line; it does not start another.
        let bytes = bytes.strip_suffix(b"\n").unwrap_or(bytes);
        let lines = if bytes.is_empty() {
            0
        } else {
            bytes.iter().filter(|&&b| b == b'\n').count() + 1
        };
        Parser {
            lines: bytes.split(newline).enumerate(),
            line: 0,
            end_of_file: lines + 1,
        }
    }

    /// The model: everything up to its last parameter.
    pub(super) fn model(&mut self) -> Result<Mlp, LoadError> {
        self.header()?;
        let inputs = self.inputs()?;
        let shape = self.layer_lines()?;
        let mut layers = Vec::with_capacity(shape.len());
        let mut fan_in = inputs;
        for (l, &(outputs, activation)) in shape.iter().enumerate() {
            let mut neurons = Vec::new();
            for j in 0..outputs {
                let mut weights = Vec::new();
                for i in 0..fan_in {
                    weights.push(self.parameter(Name::Weight(l, j, i))?);
                }
                let bias = self.parameter(Name::Bias(l, j))?;
                neurons.push(Neuron::from_parameters(weights, bias, activation));
            }
            layers.push(Layer::from_neurons(neurons));
            fan_in = outputs;
        }
        Ok(Mlp::from_layers(layers))
    }

    fn header(&mut self) -> Result<(), LoadError> {
        let line = self.expect(|| format!("`{MAGIC} {VERSION}`"))?;
        match words(line).as_slice() {
            [MAGIC, VERSION] => Ok(()),
            [MAGIC, version] => Err(self.error(LoadProblem::Version {
                found: quote(version),
            })),
            _ => Err(self.error(LoadProblem::NotAModel { found: quote(line) })),
        }
    }

    fn inputs(&mut self) -> Result<usize, LoadError> {
        const EXPECTED: &str = "`inputs <count>`";
        let line = self.expect(|| EXPECTED.to_owned())?;
        match words(line).as_slice() {
            ["inputs", count] => self.size(count),
            _ => Err(self.expected(EXPECTED, line)),
        }
    }

    /// The `layer` lines, at least one; stops at the first line of another kind, which it
    /// leaves for the parameters.
    fn layer_lines(&mut self) -> Result<Vec<(usize, Activation)>, LoadError> {
        const EXPECTED: &str = "`layer <neurons> <activation>`";
        let mut shape = Vec::new();
        loop {
            let before = self.lines.clone();
            let line_before = self.line;
            let line = if shape.is_empty() {
                self.expect(|| EXPECTED.to_owned())?
            } else {
                match self.next()? {
                    Some(line) => line,
                    None => return Ok(shape),
                }
            };
            match words(line).as_slice() {
                ["layer", neurons, activation] => {
                    let neurons = self.size(neurons)?;
                    let activation = self.activation(activation)?;
                    shape.push((neurons, activation));
                }
                _ if shape.is_empty() => return Err(self.expected(EXPECTED, line)),
                _ => {
                    self.lines = before;
                    self.line = line_before;
                    return Ok(shape);
                }
            }
        }
    }

    fn parameter(&mut self, name: Name) -> Result<f64, LoadError> {
        let expected = || format!("parameter `{name} <value>`");
        let line = self.expect(expected)?;
        match words(line).as_slice() {
            [found, value] if *found == name.to_string() => match value.parse::<f64>() {
                Ok(x) if x.is_finite() => Ok(x),
                Ok(_) => Err(self.error(LoadProblem::NotFinite {
                    name: name.to_string(),
                    text: quote(value),
                })),
                Err(_) => Err(self.error(LoadProblem::Number { text: quote(value) })),
            },
            _ => Err(self.expected(&expected(), line)),
        }
    }

    pub(super) fn end(&mut self) -> Result<(), LoadError> {
        let line = self.expect(|| "`end`".to_owned())?;
        if words(line) != ["end"] {
            return Err(self.expected("`end` (the model is complete)", line));
        }
        match self.next()? {
            None => Ok(()),
            Some(line) => Err(self.error(LoadProblem::AfterEnd { found: quote(line) })),
        }
    }

    fn size(&self, text: &str) -> Result<usize, LoadError> {
        match text.parse::<usize>() {
            Ok(size) if size >= 1 => Ok(size),
            _ => Err(self.error(LoadProblem::Size { text: quote(text) })),
        }
    }

    /// An activation as [`activation_in_file`] spells it.
    fn activation(&self, text: &str) -> Result<Activation, LoadError> {
        let slope = text
            .strip_prefix("leaky_relu(")
            .and_then(|rest| rest.strip_suffix(')'))
            .map(str::parse);
        match (text, slope) {
            ("relu", _) => Ok(Activation::Relu),
            ("tanh", _) => Ok(Activation::Tanh),
            ("sigmoid", _) => Ok(Activation::Sigmoid),
            ("identity", _) => Ok(Activation::Identity),
            (_, Some(Ok(slope))) if f64::is_finite(slope) => Ok(Activation::leaky_relu(slope)),
            (_, Some(Ok(_))) => Err(self.error(LoadProblem::Slope { text: quote(text) })),
            _ => Err(self.error(LoadProblem::Activation { text: quote(text) })),
        }
    }

    /// The next line that is not blank or a comment, without reading past it.
    pub(super) fn peek(&mut self) -> Result<Option<&'a str>, LoadError> {
        let (lines, line) = (self.lines.clone(), self.line);
        let next = self.next();
        (self.lines, self.line) = (lines, line);
        next
    }

    /// The next line that is not blank or a comment, or an error if the file ends here.
    pub(super) fn expect(
        &mut self,
        expected: impl FnOnce() -> String,
    ) -> Result<&'a str, LoadError> {
        match self.next()? {
            Some(line) => Ok(line),
            None => {
                self.line = self.end_of_file;
                Err(self.error(LoadProblem::UnexpectedEnd {
                    expected: expected(),
                }))
            }
        }
    }

    /// The next line that is not blank or a comment, or `None` at the end of the file.
    fn next(&mut self) -> Result<Option<&'a str>, LoadError> {
        for (index, bytes) in self.lines.by_ref() {
            self.line = index + 1;
            let Ok(line) = std::str::from_utf8(bytes) else {
                return Err(self.error(LoadProblem::NotUtf8));
            };
            let line = line.trim();
            if !line.is_empty() && !line.starts_with('#') {
                return Ok(Some(line));
            }
        }
        Ok(None)
    }

    pub(super) fn expected(&self, expected: &str, found: &str) -> LoadError {
        self.error(LoadProblem::Expected {
            expected: expected.to_owned(),
            found: quote(found),
        })
    }

    pub(super) fn error(&self, problem: LoadProblem) -> LoadError {
        LoadError::Invalid {
            line: self.line,
            problem,
        }
    }
}

pub(super) fn words(line: &str) -> Vec<&str> {
    line.split_whitespace().collect()
}

/// `text`, cut to [`QUOTE_LIMIT`] characters for an error message.
pub(super) fn quote(text: &str) -> String {
    match text.char_indices().nth(QUOTE_LIMIT) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text.to_owned(),
    }
}
