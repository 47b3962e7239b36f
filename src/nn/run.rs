//! `Run`: values that sit in consecutive nodes of a tape, the way a network passes them on.
//!
//! A neuron's `w·x + b` is one fused node on the tape when its weights and bias are
//! consecutive nodes and so are its inputs (see [`Tape::affine`]). A `Run` is that fact made
//! into a type: a first node and a length, which is all a layer needs to record its neurons,
//! and which costs nothing to pass around (no `Vec` of handles per point or per layer).

use std::borrow::Borrow;
use std::fmt;

use smallvec::SmallVec;

use crate::fast::Tape;
use crate::rules::Op;
use crate::value::Value;
use crate::value::fused::ScratchFrame;

/// `len` consecutive nodes of one tape: a model's parameters, a point's inputs, or a layer's
/// outputs.
///
/// Runs come from [`Run::vars`] (new leaves), from [`Run::from_values`] (computed values),
/// from [`Module::bind`](crate::nn::Module::bind) (a model's parameters) and from
/// [`Module::forward`](crate::nn::Module::forward) (a layer's outputs). Read the values with
/// [`get`](Run::get) or [`iter`](Run::iter); a run is an `IntoIterator` of its values, so the
/// [`loss`](crate::nn::loss) functions take it as it is.
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
    /// as a run: a point's inputs, say.
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
    /// # New leaves, not computed values
    ///
    /// A leaf holds a number and nothing of where the number came from: numbers read off
    /// computed values (`v.data()`) and made into leaves cut the graph, and no gradient
    /// reaches what they were computed from. For computed values, use the values themselves:
    /// the [`loss`](super::loss) functions take them, and [`Run::from_values`] makes a run of
    /// them. Where the cut can be seen, `vars` refuses it: when the iterator records on the
    /// tape while the leaves are recorded (it computes its numbers there), `vars` panics.
    ///
    /// ```should_panic
    /// use tapegrad::{Tape, nn::Run};
    ///
    /// let tape = Tape::new();
    /// let w = tape.var(2.0);
    /// // Panics: these numbers come from w, but leaves made of them would not.
    /// let x = Run::vars(&tape, [1.0, 2.0].iter().map(|&v| (w * v).data()));
    /// ```
    ///
    /// # Panics
    /// If the iterator records on this tape before one of its numbers (see above), or the
    /// tape runs out of node indices (`u32::MAX` nodes).
    #[track_caller]
    pub fn vars<I>(tape: &'t Tape, values: I) -> Self
    where
        I: IntoIterator,
        I::Item: Borrow<f64>,
    {
        let first = tape.len();
        let mut len = 0;
        for v in values {
            let leaf = tape.var(*v.borrow()).index();
            if leaf != first + len {
                recorded_while_iterating(leaf - (first + len));
            }
            len += 1;
        }
        Run::from_range(tape, first, len)
    }

    /// The values as a run: the same nodes when they are consecutive nodes of `tape` in
    /// order (a layer's outputs, or one new node for each item of an iterator), else a copy
    /// of each (`v * 1.0`, one node each, recorded one after another), through which
    /// gradients flow back to the values. This is how a [`Module`](super::Module) of one's
    /// own returns computed outputs from [`forward`](super::Module::forward).
    ///
    /// ```
    /// use tapegrad::{Tape, nn::Run};
    ///
    /// let tape = Tape::new();
    /// let w = tape.var(2.0);
    /// let x = Run::from_values(&tape, [w * 1.0, w * w, w.sin()]);
    /// assert_eq!(x.len(), 3);
    /// x.dot(x).backward(); // w² + w⁴ + sin² w
    /// let want = 2.0 * 2.0 + 4.0 * 8.0 + 2.0 * 2f64.sin() * 2f64.cos();
    /// assert!((w.grad() - want).abs() < 1e-12);
    ///
    /// // Consecutive nodes are taken as they are: no copy.
    /// let before = tape.len();
    /// let again = Run::from_values(&tape, x);
    /// assert_eq!((tape.len(), again.get(0).index()), (before, x.get(0).index()));
    /// ```
    ///
    /// # Panics
    /// If a value lives on another tape.
    #[track_caller]
    pub fn from_values<I>(tape: &'t Tape, values: I) -> Self
    where
        I: IntoIterator<Item = Value<'t>>,
    {
        match Gathered::new(values) {
            Gathered::Run(run) => {
                assert!(std::ptr::eq(run.tape, tape), "{MIXED_TAPES}");
                run
            }
            Gathered::Listed(values) => {
                for &v in &values {
                    tape.own(v);
                }
                let first = tape.len();
                for &v in &values {
                    // Recorded for the run returned below, which names these nodes.
                    let _ = v * 1.0;
                }
                Run::from_range(tape, first, values.len())
            }
        }
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
        // the tape's scratch stack itself, in a frame as Tape::dot does (so that a refused
        // push leaves nothing there), and records the same node.
        let frame = ScratchFrame::open(self.tape);
        let (index, value) = self.tape.record_with(|n| {
            n.push_scratch(a)?;
            n.push_scratch(b)?;
            n.push_variadic_from_scratch(Op::Dot, frame.from)
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
        assert!(std::ptr::eq(self.tape, other.tape), "{MIXED_TAPES}");
    }
}

const MIXED_TAPES: &str = "cannot combine Values from two different tapes: a model's \
                           parameters and its inputs must be recorded on the same Tape";

#[cold]
#[track_caller]
fn recorded_while_iterating(nodes: usize) -> ! {
    panic!(
        "Run::vars records new leaves, but its iterator recorded {nodes} node(s) on the same \
         tape before a number: the numbers are computed there, and leaves made of them would \
         cut the graph (no gradient would reach what they came from). Pass the values \
         themselves (Run::from_values, or the loss functions, which take values), or compute \
         the numbers before calling Run::vars"
    )
}

/// Values from an iterator, gathered for a function that reads them more than once: as a
/// run when they are consecutive nodes of one tape (a layer's outputs; no copy, no
/// allocation), else listed.
pub(crate) enum Gathered<'t> {
    Run(Run<'t>),
    /// Not consecutive, or none (and then there is no tape to make a run on).
    Listed(SmallVec<[Value<'t>; 8]>),
}

impl<'t> Gathered<'t> {
    pub(crate) fn new(values: impl IntoIterator<Item = Value<'t>>) -> Self {
        let mut values = values.into_iter();
        let Some(first) = values.next() else {
            return Gathered::Listed(SmallVec::new());
        };
        let (tape, start) = (first.tape(), first.index());
        let mut len = 1;
        while let Some(v) = values.next() {
            if std::ptr::eq(v.tape(), tape) && v.index() == start + len {
                len += 1;
                continue;
            }
            // Out of step: list the run so far, then this value and the rest.
            let mut listed: SmallVec<[Value<'t>; 8]> = (start..start + len)
                .map(|i| Value::from_index(tape, i as u32))
                .collect();
            listed.push(v);
            listed.extend(values);
            return Gathered::Listed(listed);
        }
        Gathered::Run(Run::from_range(tape, start, len))
    }

    pub(crate) fn len(&self) -> usize {
        match self {
            Gathered::Run(run) => run.len(),
            Gathered::Listed(values) => values.len(),
        }
    }

    /// The `i`-th value; `i` must be below [`len`](Gathered::len).
    pub(crate) fn get(&self, i: usize) -> Value<'t> {
        match self {
            Gathered::Run(run) => run.get(i),
            Gathered::Listed(values) => values[i],
        }
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = Value<'t>> + '_ {
        let (run, listed) = match self {
            Gathered::Run(run) => (Some(run.iter()), None),
            Gathered::Listed(values) => (None, Some(values.iter().copied())),
        };
        run.into_iter()
            .flatten()
            .chain(listed.into_iter().flatten())
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
