//! The Jacobian: one reverse sweep per output when outputs are few, one forward sweep of
//! tangents when inputs are.
//!
//! Reverse mode gives a row of the Jacobian per sweep, forward mode a column; so `m` outputs
//! of `n` inputs cost `m` reverse sweeps or `n` forward ones, and the helper takes the
//! smaller number. Both read their derivatives from the one rule table, [`Op::backprop`]: the
//! forward sweep runs each node's rule once with an upstream gradient of 1, which gives the
//! node's local derivatives, as the backward trace does to show them.

use super::{grads, own, vars};
use crate::ops::{Copied, Sweep};
use crate::tape::{Tape, operand_words};
use crate::value::Value;

/// The Jacobian of a function with several outputs: `j[i][k]` = d(output i)/d(input k), an
/// `m x n` matrix for `m` outputs and `n` inputs.
///
/// With no more outputs than inputs, it runs one backward sweep per output, each giving a
/// row. With more outputs than inputs (a model's residuals, one per data point, against its
/// few parameters), it sweeps the recording forwards instead, carrying each node's
/// derivatives with respect to the inputs: one pass for up to 8 inputs, whatever the number
/// of outputs.
///
/// The two sweeps add the same products in different orders, so they agree up to rounding.
/// Both follow the crate's rule that a zero passes nothing on (a derivative that is exactly
/// zero, an input an output does not depend on), so an unused NaN stays out of the result
/// either way; they can differ only where such a NaN meets an exact cancellation
/// (`u - u` with `u` a NaN-derivative node), which the forward sweep does not see.
///
/// ```
/// // Polar to Cartesian: (r, θ) -> (r cos θ, r sin θ).
/// let j = tapegrad::jacobian(|v| vec![v[0] * v[1].cos(), v[0] * v[1].sin()], &[2.0, 0.0]);
/// assert_eq!(j, [[1.0, 0.0], [0.0, 2.0]]); // [[cos θ, -r sin θ], [sin θ, r cos θ]]
///
/// // Residuals of y = a e^(b t) at five points: a tall 5 x 2 Jacobian, swept forwards.
/// let t = [0.0, 0.5, 1.0, 1.5, 2.0];
/// let j = tapegrad::jacobian(|p| t.iter().map(|&t| p[0] * (p[1] * t).exp()).collect(), &[2.0, 0.0]);
/// assert_eq!(j[4], [1.0, 4.0]); // (e^(b t), a t e^(b t)) at t = 2
/// ```
///
/// # Panics
/// If `f` returns a value that lives on a tape of its own rather than on the inputs' tape.
#[track_caller]
pub fn jacobian(f: impl for<'t> Fn(&[Value<'t>]) -> Vec<Value<'t>>, at: &[f64]) -> Vec<Vec<f64>> {
    let tape = Tape::new();
    let x = vars(&tape, at);
    let outputs: Vec<Value<'_>> = f(&x).into_iter().map(|y| own(&tape, y)).collect();
    if outputs.len() <= x.len() {
        outputs
            .iter()
            .map(|y| {
                y.backward();
                grads(&x)
            })
            .collect()
    } else {
        forward(&tape, &x, &outputs)
    }
}

/// How many inputs one forward pass carries: enough for the usual few parameters in one
/// pass, few enough that the tangents take 64 bytes a node and fit a byte of flags.
const INPUTS_PER_PASS: usize = 8;

/// The Jacobian by forward sweeps: each node's tangent (its derivatives with respect to a
/// group of inputs) is the sum over its operands of local derivative × operand's tangent.
fn forward(tape: &Tape, x: &[Value<'_>], outputs: &[Value<'_>]) -> Vec<Vec<f64>> {
    let last = outputs.iter().map(|y| y.index()).max().unwrap_or(0);
    let partials = local_derivatives(tape, last);
    let mut jacobian = vec![vec![0.0; x.len()]; outputs.len()];
    let (mut tangents, mut reach) = (Vec::new(), Vec::new());
    for (group, inputs) in x.chunks(INPUTS_PER_PASS).enumerate() {
        let width = inputs.len();
        tangents.clear();
        tangents.resize((last + 1) * width, 0.0);
        // Bit `k` of `reach[i]`: node `i` depends on input `k` of the group, through
        // operands, whatever the local derivatives' values. Only such operands pass a
        // tangent component on, as the backward sweep only brings an input what reaches it.
        reach.clear();
        reach.resize(last + 1, 0u8);
        for (k, input) in inputs.iter().enumerate() {
            tangents[input.index() * width + k] = 1.0;
            reach[input.index()] = 1 << k;
        }
        let all = u8::MAX >> (INPUTS_PER_PASS - width);
        for node in 0..=last {
            let (done, rest) = tangents.split_at_mut(node * width);
            let tangent = &mut rest[..width];
            for &(operand, local) in partials.of(node) {
                let operand = operand as usize;
                let bits = reach[operand];
                reach[node] |= bits;
                // A zero derivative passes nothing on, as in the rule table: not even a
                // NaN or infinite tangent times zero.
                if bits == 0 || local == 0.0 {
                    continue;
                }
                let from = &done[operand * width..][..width];
                if bits == all {
                    for (t, d) in tangent.iter_mut().zip(from) {
                        *t += local * d;
                    }
                } else {
                    for (k, (t, d)) in tangent.iter_mut().zip(from).enumerate() {
                        if bits & (1 << k) != 0 {
                            *t += local * d;
                        }
                    }
                }
            }
        }
        let first = group * INPUTS_PER_PASS;
        for (row, y) in jacobian.iter_mut().zip(outputs) {
            row[first..first + width].copy_from_slice(&tangents[y.index() * width..][..width]);
        }
    }
    jacobian
}

/// Every node's local derivatives d(node)/d(operand), for the nodes up to `last`.
struct LocalDerivatives {
    /// Node `i`'s are `edges[ends[i - 1]..ends[i]]` (from 0 for node 0).
    ends: Vec<usize>,
    /// `(operand, derivative)` pairs, one for each time a rule adds to an operand.
    edges: Vec<(u32, f64)>,
}

impl LocalDerivatives {
    fn of(&self, node: usize) -> &[(u32, f64)] {
        let start = node.checked_sub(1).map_or(0, |before| self.ends[before]);
        &self.edges[start..self.ends[node]]
    }
}

/// Runs every node's rule from [`Op::backprop`](crate::ops::Op::backprop) with an upstream
/// gradient of 1 and writes down what it adds to each operand: since every rule is linear in
/// the upstream gradient, those are the local derivatives. The one place where the Jacobian
/// reads the tape's storage.
fn local_derivatives(tape: &Tape, last: usize) -> LocalDerivatives {
    tape.with_nodes(|n| {
        let mut sweep = Recording {
            values: n.values(),
            edges: Vec::new(),
        };
        // Walking back from `last`, as the storage is read; the edges come newest node
        // first, and are put oldest first below.
        let mut counts = vec![0; last + 1];
        let mut end = n.cursor_after(last);
        let mut constants = Vec::new();
        for i in (0..=last).rev() {
            let (start, span) = n.span_before(i, end);
            end = start;
            let code = n.codes()[i];
            if code.is_leaf() {
                continue;
            }
            let mut slot = [0];
            let words = operand_words(code, i, &span, n.operands(), &mut slot);
            constants.clear();
            if !span.constants.is_empty() {
                constants.extend(n.constants(&span));
            }
            let stored = Copied {
                words,
                constants: &constants,
            };
            let before = sweep.edges.len();
            code.op()
                .backprop(1.0, sweep.values[i], &stored, &mut sweep);
            counts[i] = sweep.edges.len() - before;
        }
        let mut edges = Vec::with_capacity(sweep.edges.len());
        let mut ends = Vec::with_capacity(last + 1);
        let mut node_end = sweep.edges.len();
        for count in counts {
            let node_start = node_end - count;
            edges.extend_from_slice(&sweep.edges[node_start..node_end]);
            ends.push(edges.len());
            node_end = node_start;
        }
        LocalDerivatives { ends, edges }
    })
}

/// A sweep that writes down each addition instead of making it.
struct Recording<'a> {
    values: &'a [f64],
    edges: Vec<(u32, f64)>,
}

impl Sweep<f64> for Recording<'_> {
    fn value(&self, index: u32) -> f64 {
        self.values[index as usize]
    }
    fn add(&mut self, index: u32, contribution: f64) {
        self.edges.push((index, contribution));
    }
}
