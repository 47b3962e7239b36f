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

/// One node as the replay reads it: its op, operand words and constants.
struct Node {
    op: Op,
    words: Vec<u32>,
    constants: Vec<f64>,
}

/// The nodes `0..=y` of `tape`, oldest first, each copied out of the storage in turn.
fn nodes_up_to(tape: &Tape, y: usize) -> Vec<Node> {
    let mut end = tape.with_nodes(|n| n.cursor_after(y));
    let mut nodes: Vec<Node> = (0..=y)
        .rev()
        .map(|i| {
            let (mut words, mut constants) = (Vec::new(), Vec::new());
            let (op, start) = tape.with_nodes(|n| n.copy_node(i, end, &mut words, &mut constants));
            end = start;
            Node {
                op,
                words,
                constants,
            }
        })
        .collect();
    nodes.reverse();
    nodes
}

/// The value of every node of `nodes` as an `S`: the leaves `leaves` (`(index, value)`) as
/// given, every other leaf a constant, and each node its op applied to its operands' `S`s.
///
/// # Panics
/// On a statement, which keeps no op to apply, only its partials at the recorded point.
#[track_caller]
fn replay<S: Scalar>(nodes: &[Node], plain: &[f64], leaves: &[(usize, S)]) -> Vec<S> {
    let mut values: Vec<S> = Vec::with_capacity(nodes.len());
    for (i, node) in nodes.iter().enumerate() {
        let x = |word: u32| values[word as usize];
        let value = match node.op {
            Op::Var | Op::Const => leaves
                .iter()
                .find(|&&(leaf, _)| leaf == i)
                .map_or_else(|| S::from(plain[i]), |&(_, v)| v),
            Op::Statement | Op::UnaryStatement => statement_cannot_be_replayed(),
            Op::Sum => node.words.iter().map(|&w| x(w)).sum(),
            Op::SumStride => {
                let [first, step, n] = fixed(&node.words);
                (0..n).map(|k| x(first + k * step)).sum()
            }
            Op::Dot => {
                let (a, b) = node.words.split_at(node.words.len() / 2);
                a.iter().zip(b).map(|(&a, &b)| x(a) * x(b)).sum()
            }
            Op::DotConst => (node.words.iter().zip(&node.constants))
                .map(|(&a, &k)| x(a) * k)
                .sum(),
            Op::Affine | Op::AffineRelu | Op::AffineTanh | Op::AffineSigmoid => {
                let [w, input, n] = fixed(&node.words);
                let z = (0..n).map(|k| x(w + k) * x(input + k)).sum::<S>() + x(w + n);
                match node.op {
                    Op::AffineRelu => z.relu(),
                    Op::AffineTanh => z.tanh(),
                    Op::AffineSigmoid => z.sigmoid(),
                    _ => z,
                }
            }
            op => match node.words[..] {
                [a] => x(a).apply1(op, &node.constants),
                [a, b] => x(a).apply2(op, x(b), &node.constants),
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
    let nodes = nodes_up_to(&tape, y.index());
    let plain = tape.with_nodes(|n| n.values()[..nodes.len()].to_vec());
    let leaves: Vec<(usize, S)> = x.iter().zip(at).map(|(v, &a)| (v.index(), a)).collect();
    let values = replay(&nodes, &plain, &leaves);
    let mut sweep = Adjoints {
        adjoints: vec![None; values.len()],
        values,
    };
    let out = y.index();
    sweep.adjoints[out] = Some(S::from(1.0));
    for (i, node) in nodes.iter().enumerate().rev() {
        if let Some(g) = sweep.adjoints[i] {
            let stored = Copied {
                words: &node.words,
                constants: &node.constants,
            };
            node.op.backprop(g, sweep.values[i], &stored, &mut sweep);
        }
    }
    let gradient = leaves
        .iter()
        .map(|&(leaf, _)| sweep.adjoints[leaf].unwrap_or_else(|| S::from(0.0)))
        .collect();
    (sweep.values[out], gradient)
}
