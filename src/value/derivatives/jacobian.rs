//! The Jacobian: one reverse sweep per output when outputs are few, one forward sweep of
//! tangents when inputs are.
//!
//! Reverse mode gives a row of the Jacobian per sweep, forward mode a column; so `m` outputs
//! of `n` inputs cost `m` reverse sweeps or `n` forward tangents (carried several to a
//! sweep), and the helper takes the smaller number. Both read their derivatives from the one rule table, [`Op::backprop`]: the
//! forward sweep runs each node's rule once with an upstream gradient of 1, which gives the
//! node's local derivatives, as the backward trace does to show them.

use super::{grads, own, vars};
use crate::fast::Tape;
use crate::rules::{Copied, Op, Sweep};
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
    value_and_jacobian(f, at).1
}

/// The outputs of a function with several outputs and their Jacobian, from one recording:
/// what a Gauss-Newton or Levenberg-Marquardt step needs (the residuals `r` and `J`, for
/// `JᵀJ δ = -Jᵀr`).
///
/// The Jacobian is [`jacobian`]'s, swept the same way; the outputs are read off the same
/// recording instead of evaluating `f` a second time.
///
/// ```
/// // Residuals of y = a e^(b t) - y_i at three points, at a = 2, b = 0.
/// let (t, y) = ([0.0, 1.0, 2.0], [1.0, 2.0, 4.0]);
/// let (r, j) = tapegrad::value_and_jacobian(
///     |p| t.iter().zip(&y).map(|(&t, &y)| p[0] * (p[1] * t).exp() - y).collect(),
///     &[2.0, 0.0],
/// );
/// assert_eq!(r, [1.0, 0.0, -2.0]);
/// // Row i: (e^(b t_i), a t_i e^(b t_i)).
/// assert_eq!(j, [[1.0, 0.0], [1.0, 2.0], [1.0, 4.0]]);
/// ```
///
/// # Panics
/// If `f` returns a value that lives on a tape of its own rather than on the inputs' tape.
#[track_caller]
pub fn value_and_jacobian(
    f: impl for<'t> Fn(&[Value<'t>]) -> Vec<Value<'t>>,
    at: &[f64],
) -> (Vec<f64>, Vec<Vec<f64>>) {
    let tape = Tape::new();
    let x = vars(&tape, at);
    let outputs: Vec<Value<'_>> = f(&x).into_iter().map(|y| own(&tape, y)).collect();
    let values = outputs.iter().map(|y| y.data()).collect();
    (values, jacobian_of(&tape, &x, &outputs))
}

/// The Jacobian of `outputs` with respect to `x`, recorded on `tape`.
fn jacobian_of(tape: &Tape, x: &[Value<'_>], outputs: &[Value<'_>]) -> Vec<Vec<f64>> {
    if outputs.len() <= x.len() {
        outputs
            .iter()
            .map(|y| {
                y.backward();
                grads(x)
            })
            .collect()
    } else {
        forward(tape, x, outputs)
    }
}

/// How many inputs one forward pass carries: enough for the usual few parameters in one
/// pass, few enough that the tangents take 64 bytes a node and fit a byte of flags.
const INPUTS_PER_PASS: usize = 8;

/// The Jacobian by forward sweeps, `INPUTS_PER_PASS` inputs at a time, over the local
/// derivatives read once.
fn forward(tape: &Tape, x: &[Value<'_>], outputs: &[Value<'_>]) -> Vec<Vec<f64>> {
    // The inputs come first on the tape, but an output may be one of them.
    let last = outputs
        .iter()
        .chain(x)
        .map(|v| v.index())
        .max()
        .unwrap_or(0);
    let partials = local_derivatives(tape, last);
    let mut jacobian = vec![vec![0.0; x.len()]; outputs.len()];
    // The full-width passes share one buffer of tangents (a pass reads no tangent it has not
    // written, so the buffer needs no clearing in between).
    let (mut tangents, mut reach) = (Vec::new(), Vec::new());
    for (group, inputs) in x.chunks(INPUTS_PER_PASS).enumerate() {
        let mut pass = Pass {
            partials: &partials,
            inputs,
            outputs,
            jacobian: &mut jacobian,
            first_column: group * INPUTS_PER_PASS,
            reach: &mut reach,
        };
        // A width known at compile time, so that the loops over it unroll; only the last
        // group may be narrower than the rest.
        match inputs.len() {
            1 => pass.run::<1>(&mut Vec::new()),
            2 => pass.run::<2>(&mut Vec::new()),
            3 => pass.run::<3>(&mut Vec::new()),
            4 => pass.run::<4>(&mut Vec::new()),
            5 => pass.run::<5>(&mut Vec::new()),
            6 => pass.run::<6>(&mut Vec::new()),
            7 => pass.run::<7>(&mut Vec::new()),
            _ => pass.run::<INPUTS_PER_PASS>(&mut tangents),
        }
    }
    jacobian
}

/// One forward sweep for a group of inputs, writing their columns of the Jacobian.
struct Pass<'a, 't> {
    partials: &'a LocalDerivatives,
    inputs: &'a [Value<'t>],
    outputs: &'a [Value<'t>],
    jacobian: &'a mut [Vec<f64>],
    first_column: usize,
    /// Bit `k` of `reach[i]`: node `i` depends on input `k` of the group, through operands,
    /// whatever the local derivatives' values. Only such operands pass a tangent component
    /// on, as the backward sweep only brings an input what reaches it.
    reach: &'a mut Vec<u8>,
}

impl Pass<'_, '_> {
    /// Each node's tangent (its derivatives with respect to the `W` inputs) is the sum over
    /// its operands of local derivative × the operand's tangent. `tangents[i]` is written for
    /// every node `i` that some input reaches, and read only for those.
    fn run<const W: usize>(&mut self, tangents: &mut Vec<[f64; W]>) {
        let nodes = self.partials.ranges.len();
        tangents.resize(nodes, [0.0; W]);
        let reach = &mut *self.reach;
        reach.clear();
        reach.resize(nodes, 0);
        for (k, input) in self.inputs.iter().enumerate() {
            tangents[input.index()] = [0.0; W];
            tangents[input.index()][k] = 1.0;
            reach[input.index()] = 1 << k;
        }
        let all = u8::MAX >> (INPUTS_PER_PASS - W);
        for node in 0..nodes {
            // Leaves keep their tangents: a unit for an input, none for the rest.
            let edges = self.partials.of(node);
            if edges.is_empty() {
                continue;
            }
            let (mut tangent, mut reached) = ([0.0; W], 0);
            for &(operand, local) in edges {
                let bits = reach[operand as usize];
                reached |= bits;
                // A zero derivative passes nothing on, as in the rule table: not even a NaN
                // or infinite tangent times zero.
                if bits == 0 || local == 0.0 {
                    continue;
                }
                let from = &tangents[operand as usize];
                if bits == all || local.is_finite() {
                    // The components of inputs the operand does not reach are zeros.
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
            if reached != 0 {
                reach[node] = reached;
                tangents[node] = tangent;
            }
        }
        let columns = self.first_column..self.first_column + W;
        for (row, y) in self.jacobian.iter_mut().zip(self.outputs) {
            if reach[y.index()] != 0 {
                row[columns.clone()].copy_from_slice(&tangents[y.index()]);
            }
        }
    }
}

/// Every node's local derivatives d(node)/d(operand), for the nodes up to `last`.
struct LocalDerivatives {
    /// Node `i`'s are `edges[ranges[i].0..ranges[i].1]`.
    ranges: Vec<(u32, u32)>,
    /// `(operand, derivative)` pairs, one for each time a rule adds to an operand.
    edges: Vec<(u32, f64)>,
}

impl LocalDerivatives {
    fn of(&self, node: usize) -> &[(u32, f64)] {
        let (start, end) = self.ranges[node];
        &self.edges[start as usize..end as usize]
    }
}

/// Runs every node's rule from [`Op::backprop`](crate::rules::Op::backprop) with an upstream
/// gradient of 1 and writes down what it adds to each operand: since every rule is linear in
/// the upstream gradient, those are the local derivatives. The one place where the Jacobian
/// reads the tape's storage: it copies the values, then each node in turn, and runs the rule
/// on the copies.
fn local_derivatives(tape: &Tape, last: usize) -> LocalDerivatives {
    let values = tape.with_nodes(|n| n.values()[..=last].to_vec());
    let mut sweep = Recording {
        values: &values,
        // Most nodes have one or two operands.
        edges: Vec::with_capacity(2 * (last + 1)),
    };
    // Walking back from `last`, as the storage is read.
    let mut ranges = vec![(0, 0); last + 1];
    let mut end = tape.with_nodes(|n| n.cursor_after(last));
    // Reused from node to node: most nodes store two constants at most, a statement one an
    // input.
    let (mut words, mut constants) = (Vec::new(), Vec::new());
    for i in (0..=last).rev() {
        let (op, start) = tape.with_nodes(|n| n.copy_node(i, end, &mut words, &mut constants));
        end = start;
        if matches!(op, Op::Var | Op::Const) {
            continue;
        }
        let stored = Copied {
            words: &words,
            constants: &constants,
        };
        let first = sweep.edges.len();
        op.backprop(1.0, values[i], &stored, &mut sweep);
        ranges[i] = (edge_count(first), edge_count(sweep.edges.len()));
    }
    LocalDerivatives {
        ranges,
        edges: sweep.edges,
    }
}

/// A count of local derivatives as a `u32`, as the tape counts its operand words.
fn edge_count(count: usize) -> u32 {
    u32::try_from(count).expect("a tape holds fewer than 2^32 operand words")
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
