//! `Run`: values that sit in consecutive nodes of a tape, the way a network passes them on.
//!
//! A neuron's `w·x + b` is one fused node on the tape when its weights and bias are
//! consecutive nodes and so are its inputs (see [`Tape::affine`]). A `Run` is that fact made
//! into a type: a first node and a length, which is all a layer needs to record its neurons,
//! and which costs nothing to pass around (no `Vec` of handles per point or per layer).

use std::borrow::Borrow;
use std::fmt;

use crate::fast::Tape;
use crate::rules::Op;
use crate::value::Value;

/// `len` consecutive nodes of one tape: a model's parameters, a point's inputs, or a layer's
/// outputs.
///
/// Runs come from [`Run::vars`] (new leaves), from [`Module::bind`](crate::nn::Module::bind)
/// (a model's parameters) and from [`Module::forward`](crate::nn::Module::forward) (a layer's
/// outputs). Read the values with [`get`](Run::get) or [`iter`](Run::iter).
///
/// ```
/// use tapegrad::{Tape, nn::Run};
///
/// let tape = Tape::new();
/// let x = Run::vars(&tape, [1.0, 2.0, 3.0]);
/// let y = x.dot(x); // 1 + 4 + 9, one node
/// y.backward();
/// assert_eq!(y.data(), 14.0);
/// assert_eq!(x.get(2).grad(), 6.0);
/// ```
#[derive(Clone, Copy)]
pub struct Run<'t> {
    tape: &'t Tape,
    first: u32,
    len: u32,
}

impl<'t> Run<'t> {
    /// Records each number as a new leaf ([`Tape::var`]), one after another, and returns them
    /// as a run.
    ///
    /// ```
    /// use tapegrad::{Tape, nn::Run};
    ///
    /// let tape = Tape::new();
    /// let point = [0.5, -1.0];
    /// let x = Run::vars(&tape, &point);
    /// assert_eq!(x.len(), 2);
    /// assert_eq!(x.get(1).data(), -1.0);
    /// ```
    ///
    /// The numbers may be computed on the same tape while the run is recorded (reading
    /// `data()` of a value, say): the run still holds just its own leaves, one per number, in
    /// consecutive nodes. When the iterator records between two numbers, the numbers are
    /// recorded again after its nodes, so the first leaves stay on the tape, unused.
    ///
    /// ```
    /// use tapegrad::{Tape, nn::Run};
    ///
    /// let tape = Tape::new();
    /// let scale = tape.var(2.0);
    /// let x = Run::vars(&tape, [1.0, 2.0].map(|v| (scale * v).data()));
    /// assert_eq!((x.len(), x.get(1).data()), (2, 4.0));
    /// ```
    ///
    /// # Panics
    /// If the tape runs out of node indices (`u32::MAX` nodes).
    pub fn vars<I>(tape: &'t Tape, values: I) -> Self
    where
        I: IntoIterator,
        I::Item: Borrow<f64>,
    {
        let mut values = values.into_iter();
        let (mut first, mut len) = (tape.len(), 0);
        while let Some(v) = values.next() {
            let leaf = tape.var(*v.borrow()).index();
            if leaf != first + len {
                if len > 0 {
                    return Run::vars_apart(tape, first..first + len, leaf, values);
                }
                // The iterator recorded before its first number: the run starts here.
                first = leaf;
            }
            len += 1;
        }
        Run::from_range(tape, first, len)
    }

    /// Finishes [`vars`](Run::vars) after the iterator recorded between two numbers: the
    /// leaves `recorded` and `then`, and the numbers still to come, recorded again in one run.
    #[cold]
    fn vars_apart<I>(tape: &'t Tape, recorded: std::ops::Range<usize>, then: usize, rest: I) -> Self
    where
        I: Iterator,
        I::Item: Borrow<f64>,
    {
        let leaf = |i: usize| Value::from_index(tape, i as u32).data();
        let numbers: Vec<f64> = recorded
            .chain([then])
            .map(leaf)
            .chain(rest.map(|v| *v.borrow()))
            .collect();
        Run::vars(tape, numbers)
    }

    /// The `len` nodes from `first` on (which the caller has just recorded).
    pub(crate) fn from_range(tape: &'t Tape, first: usize, len: usize) -> Self {
        debug_assert!(first + len <= tape.len());
        // Node indices fit in u32 (the tape panics before that), and so do lengths.
        Run {
            tape,
            first: first as u32,
            len: len as u32,
        }
    }

    /// How many values the run holds.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// assert_eq!(tapegrad::nn::Run::vars(&tape, [1.0; 4]).len(), 4);
    /// ```
    pub fn len(self) -> usize {
        self.len as usize
    }

    /// Whether the run holds no value.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// assert!(tapegrad::nn::Run::vars(&tape, [0.0; 0]).is_empty());
    /// ```
    pub fn is_empty(self) -> bool {
        self.len == 0
    }

    /// The tape the run lives on.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tapegrad::nn::Run::vars(&tape, [1.0]);
    /// assert!(std::ptr::eq(x.tape(), &tape));
    /// ```
    pub fn tape(self) -> &'t Tape {
        self.tape
    }

    /// The `i`-th value (counting from 0).
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tapegrad::nn::Run::vars(&tape, [4.0, 5.0]);
    /// assert_eq!(x.get(0).data(), 4.0);
    /// ```
    ///
    /// # Panics
    /// If `i >= self.len()`.
    #[track_caller]
    pub fn get(self, i: usize) -> Value<'t> {
        assert!(
            i < self.len(),
            "index {i} is out of range for a run of {} values",
            self.len
        );
        Value::from_index(self.tape, self.first + i as u32)
    }

    /// The values in order.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tapegrad::nn::Run::vars(&tape, [1.0, 2.0]);
    /// let data: Vec<f64> = x.iter().map(|v| v.data()).collect();
    /// assert_eq!(data, [1.0, 2.0]);
    /// ```
    pub fn iter(self) -> RunIter<'t> {
        RunIter {
            tape: self.tape,
            indices: self.indices(),
        }
    }

    /// The values `start..end` of this run, as a run.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tapegrad::nn::Run::vars(&tape, [1.0, 2.0, 3.0]);
    /// let tail = x.slice(1, 3);
    /// assert_eq!(tail.get(0).data(), 2.0);
    /// assert_eq!(tail.len(), 2);
    /// ```
    ///
    /// # Panics
    /// If `start > end` or `end > self.len()`.
    #[track_caller]
    pub fn slice(self, start: usize, end: usize) -> Self {
        assert!(
            start <= end && end <= self.len(),
            "slice {start}..{end} is out of range for a run of {} values",
            self.len
        );
        Run {
            tape: self.tape,
            first: self.first + start as u32,
            len: (end - start) as u32,
        }
    }

    /// Replaces the contents of `out` with the gradient of every value in the run, from the
    /// last [`Value::backward`] on the tape. `out` keeps its memory, so a training loop that
    /// reuses one buffer allocates nothing here after its first step.
    ///
    /// ```
    /// use tapegrad::{Tape, nn::Run};
    ///
    /// let tape = Tape::new();
    /// let w = Run::vars(&tape, [3.0, -1.0]);
    /// w.dot(w).backward(); // d(w·w)/dw = 2 w
    /// let mut grads = Vec::new();
    /// w.grads_into(&mut grads);
    /// assert_eq!(grads, [6.0, -2.0]);
    /// ```
    pub fn grads_into(self, out: &mut Vec<f64>) {
        let range = self.first as usize..(self.first + self.len) as usize;
        self.tape.with_nodes(|n| {
            out.clear();
            out.extend(range.map(|i| n.grads.get(i).copied().unwrap_or(0.0)));
        });
    }

    /// The dot product of two runs of the same length, as one node: `self.dot(self)` is the
    /// sum of squares, the L2 penalty of a model's parameters.
    ///
    /// ```
    /// use tapegrad::{Tape, nn::Run};
    ///
    /// let tape = Tape::new();
    /// let a = Run::vars(&tape, [1.0, 2.0]);
    /// let b = Run::vars(&tape, [3.0, 4.0]);
    /// let before = tape.len();
    /// let y = a.dot(b);
    /// assert_eq!((y.data(), tape.len()), (11.0, before + 1));
    /// ```
    ///
    /// # Panics
    /// If the runs differ in length or live on different tapes.
    #[track_caller]
    pub fn dot(self, other: Run<'t>) -> Value<'t> {
        assert_eq!(
            self.len, other.len,
            "dot needs two runs of the same length, got {} and {}",
            self.len, other.len
        );
        self.same_tape(other);
        let (a, b) = (self.indices(), other.indices());
        // Tape::dot takes slices of values; a run knows its indices, so it gathers them on
        // the tape's scratch stack itself, the way Tape::dot does, and records the same node.
        let (index, value) = self.tape.with_nodes(|n| {
            let from = n.scratch.len();
            n.push_scratch(a);
            n.push_scratch(b);
            n.push_variadic_from_scratch(Op::Dot, from)
        });
        Value::new(self.tape, index, value)
    }

    /// `activation(w·x + b)`, where this run holds `w_1, ..., w_n, b` (a neuron's parameters,
    /// in the order they are bound) and `x` holds `n` inputs: the node [`Tape::neuron`]
    /// records for consecutive weights, bias and inputs (one node, or two for a leaky relu),
    /// without re-checking that they are consecutive (a run is by construction).
    #[track_caller]
    pub(crate) fn neuron(self, x: Run<'t>, activation: crate::Activation) -> Value<'t> {
        debug_assert_eq!(self.len, x.len + 1);
        self.same_tape(x);
        let output = self
            .tape
            .layer_on_runs(self.first, x.first, x.len, 1, activation);
        Value::from_index(self.tape, output)
    }

    /// The index of the run's first node.
    pub(crate) fn first(self) -> u32 {
        self.first
    }

    fn indices(self) -> std::ops::Range<u32> {
        self.first..self.first + self.len
    }

    /// Panics, as the engine does, if `other` lives on another tape.
    #[track_caller]
    pub(crate) fn same_tape(self, other: Run<'_>) {
        assert!(
            std::ptr::eq(self.tape, other.tape),
            "cannot combine Values from two different tapes: a model's parameters and its \
             inputs must be recorded on the same Tape"
        );
    }
}

/// Iterates over the values in order.
///
/// ```
/// let tape = tapegrad::Tape::new();
/// let x = tapegrad::nn::Run::vars(&tape, [1.0, 2.0]);
/// let total = tape.sum(x);
/// assert_eq!(total.data(), 3.0);
/// ```
impl<'t> IntoIterator for Run<'t> {
    type Item = Value<'t>;
    type IntoIter = RunIter<'t>;
    fn into_iter(self) -> RunIter<'t> {
        self.iter()
    }
}

/// The values of a [`Run`], in order: see [`Run::iter`].
///
/// ```
/// let tape = tapegrad::Tape::new();
/// let x = tapegrad::nn::Run::vars(&tape, [1.0, 2.0, 3.0]);
/// let mut values = x.iter();
/// assert_eq!(values.len(), 3);
/// assert_eq!(values.next_back().map(|v| v.data()), Some(3.0));
/// ```
#[derive(Clone, Debug)]
pub struct RunIter<'t> {
    tape: &'t Tape,
    indices: std::ops::Range<u32>,
}

impl<'t> Iterator for RunIter<'t> {
    type Item = Value<'t>;
    fn next(&mut self) -> Option<Value<'t>> {
        let i = self.indices.next()?;
        Some(Value::from_index(self.tape, i))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.indices.size_hint()
    }
}

impl DoubleEndedIterator for RunIter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        let i = self.indices.next_back()?;
        Some(Value::from_index(self.tape, i))
    }
}

impl ExactSizeIterator for RunIter<'_> {}

/// Shows the run's numbers, as `Run[1.0, 2.0]`.
///
/// ```
/// let tape = tapegrad::Tape::new();
/// let x = tapegrad::nn::Run::vars(&tape, [1.0, 2.0]);
/// assert_eq!(format!("{x:?}"), "Run[1.0, 2.0]");
/// ```
impl fmt::Debug for Run<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Run")?;
        f.debug_list()
            .entries(self.iter().map(Value::data))
            .finish()
    }
}
