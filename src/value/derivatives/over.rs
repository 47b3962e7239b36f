//! Reverse mode at a point whose coordinates are themselves numbers being differentiated: the
//! recording is replayed on those numbers, then swept backwards on them.
//!
//! The closure is recorded once on plain numbers (the point's values). Replaying the recording
//! node by node on the point's own type `S` computes every node as an `S` (for a `Dual`, its
//! value and its tangent); the backward sweep then runs the rule table on `S`, as `gradient`
//! runs it on `Value`s. So the gradient comes out as `S`s: with duals, forward over reverse
//! (the gradient and its derivative along the duals' direction, a Hessian-vector product);
//! with values of another tape, reverse over reverse.

use crate::fast::Tape;
use crate::rules::{Copied, Op, Sweep, fixed};
use crate::scalar::Scalar;
use crate::value::Value;

/// The nodes `0..=y` of a tape, copied out once, in flat arrays: node `i` is `ops[i]`, with
/// operand words `words[spans[i].0..spans[i].1]` and constants
/// `constants[spans[i].2..spans[i].3]`.
struct Recording {
    ops: Vec<Op>,
    spans: Vec<[u32; 4]>,
    words: Vec<u32>,
    constants: Vec<f64>,
}

impl Recording {
    /// The nodes `0..=y` of `tape`, each copied out of the storage in turn.
    fn of(tape: &Tape, y: usize) -> Self {
        let mut recording = Recording {
            ops: Vec::with_capacity(y + 1),
            spans: Vec::with_capacity(y + 1),
            words: Vec::new(),
            constants: Vec::new(),
        };
        let (mut words, mut constants) = (Vec::new(), Vec::new());
        let mut end = tape.with_nodes(|n| n.cursor_after(y));
        // Walking back, as the storage is read; reversed below.
        for i in (0..=y).rev() {
            let (op, start) = tape.with_nodes(|n| n.copy_node(i, end, &mut words, &mut constants));
            end = start;
            let (w, c) = (recording.words.len(), recording.constants.len());
            recording.words.extend_from_slice(&words);
            recording.constants.extend_from_slice(&constants);
            recording.ops.push(op);
            recording.spans.push([
                w as u32,
                recording.words.len() as u32,
                c as u32,
                recording.constants.len() as u32,
            ]);
        }
        recording.ops.reverse();
        recording.spans.reverse();
        recording
    }

    /// Node `i`'s op, operand words and constants.
    fn node(&self, i: usize) -> (Op, &[u32], &[f64]) {
        let [w0, w1, c0, c1] = self.spans[i].map(|bound| bound as usize);
        (self.ops[i], &self.words[w0..w1], &self.constants[c0..c1])
    }
}

/// The value of every node of `recording` as an `S`: the leaves given in `leaves` (by node)
/// as given, every other leaf a constant, and each node its op applied to its operands' `S`s.
///
/// # Panics
/// On a statement, which keeps no op to apply, only its partials at the recorded point.
#[track_caller]
fn replay<S: Scalar>(recording: &Recording, plain: &[f64], leaves: &[Option<S>]) -> Vec<S> {
    let mut values: Vec<S> = Vec::with_capacity(recording.ops.len());
    for i in 0..recording.ops.len() {
        let (op, words, constants) = recording.node(i);
        let x = |word: u32| values[word as usize];
        let value = match op {
            Op::Var | Op::Const => leaves[i].unwrap_or_else(|| S::from(plain[i])),
            Op::Statement | Op::UnaryStatement => statement_cannot_be_replayed(),
            Op::Sum => words.iter().map(|&w| x(w)).sum(),
            Op::SumStride => {
                let [first, step, n] = fixed(words);
                (0..n).map(|k| x(first + k * step)).sum()
            }
            Op::Dot => {
                let (a, b) = words.split_at(words.len() / 2);
                a.iter().zip(b).map(|(&a, &b)| x(a) * x(b)).sum()
            }
            Op::DotConst => words.iter().zip(constants).map(|(&a, &k)| x(a) * k).sum(),
            Op::Affine | Op::AffineRelu | Op::AffineTanh | Op::AffineSigmoid => {
                let [w, input, n] = fixed(words);
                let z = (0..n).map(|k| x(w + k) * x(input + k)).sum::<S>() + x(w + n);
                match op {
                    Op::AffineRelu => z.relu(),
                    Op::AffineTanh => z.tanh(),
                    Op::AffineSigmoid => z.sigmoid(),
                    _ => z,
                }
            }
            op => match *words {
                [a] => x(a).apply1(op, constants),
                [a, b] => x(a).apply2(op, x(b), constants),
                [a, b, c] => x(a).apply3(op, x(b), x(c)),
                _ => unreachable!("an element-wise op takes one to three operands"),
            },
        };
        values.push(value);
    }
    values
}

#[cold]
#[inline(never)]
#[track_caller]
fn statement_cannot_be_replayed() -> ! {
    panic!(
        "a statement (Tape::statement) cannot be differentiated at a point of duals or values: \
         it stores its partial derivatives as numbers at the recorded point; record the \
         statement op by op instead"
    )
}

/// The backward sweep on the replayed `S`s: each node's adjoint is `None` until something
/// reaches it.
struct Adjoints<S> {
    values: Vec<S>,
    adjoints: Vec<Option<S>>,
}

impl<S: Scalar> Sweep<S> for Adjoints<S> {
    fn value(&self, index: u32) -> S {
        self.values[index as usize]
    }
    fn add(&mut self, index: u32, contribution: S) {
        let slot = &mut self.adjoints[index as usize];
        *slot = Some(match *slot {
            Some(sum) => sum + contribution,
            None => contribution,
        });
    }
}

/// The value of `f` and its gradient at a point of `S`s, by reverse mode (see the module docs):
/// record `f` at the point's numbers, replay the recording on the point, sweep it backwards.
pub(super) fn value_and_gradient_over<S: Scalar>(
    f: impl for<'t> Fn(&[Value<'t>]) -> Value<'t>,
    at: &[S],
) -> (S, Vec<S>) {
    let tape = Tape::new();
    let x: Vec<Value<'_>> = at.iter().map(|&a| tape.var(a.data())).collect();
    let y = super::own(&tape, f(&x));
    let recording = Recording::of(&tape, y.index());
    let plain = tape.with_nodes(|n| n.values()[..recording.ops.len()].to_vec());
    let mut leaves = vec![None; recording.ops.len()];
    for (v, &a) in x.iter().zip(at) {
        leaves[v.index()] = Some(a);
    }
    let values = replay(&recording, &plain, &leaves);
    let mut sweep = Adjoints {
        adjoints: vec![None; values.len()],
        values,
    };
    let out = y.index();
    sweep.adjoints[out] = Some(S::from(1.0));
    for i in (0..recording.ops.len()).rev() {
        if let Some(g) = sweep.adjoints[i] {
            let (op, words, constants) = recording.node(i);
            let stored = Copied { words, constants };
            op.backprop(g, sweep.values[i], &stored, &mut sweep);
        }
    }
    let gradient = x
        .iter()
        .map(|v| sweep.adjoints[v.index()].unwrap_or_else(|| S::from(0.0)))
        .collect();
    (sweep.values[out], gradient)
}
