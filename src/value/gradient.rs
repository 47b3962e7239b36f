//! Gradients as values: the backward sweep recorded on the tape, for higher derivatives.
//!
//! [`Value::backward`] runs the chain rule on plain numbers. [`Value::gradient`] runs the very
//! same rules (those of [`crate::rules`]) on `Value`s instead, so every multiplication and sum
//! of the backward pass becomes a node. The gradients it returns are ordinary values: call
//! `backward` on one for second derivatives, or `gradient` again for third.

use crate::fast::Tape;
use crate::rules::{Copied, Sweep};
use crate::value::Value;

impl<'t> Value<'t> {
    /// The gradient of `self` with respect to each of `wrt`, as values recorded on the same
    /// tape, so that it can be differentiated again.
    ///
    /// An input `self` does not depend on gets a zero (a new constant node). Gradients of
    /// earlier [`backward`](Value::backward) calls are left as they were.
    ///
    /// ```
    /// use tapegrad::Tape;
    ///
    /// let tape = Tape::new();
    /// let (x, y) = (tape.var(1.5), tape.var(-0.5));
    /// let f = x * x * y + y.sin();
    /// let g = f.gradient(&[x, y]); // df/dx, df/dy
    /// assert_eq!(g[0].data(), 2.0 * 1.5 * -0.5);
    /// g[0].backward();             // second derivatives
    /// assert_eq!(x.grad(), 2.0 * -0.5); // d²f/dx²
    /// assert_eq!(y.grad(), 2.0 * 1.5);  // d²f/dxdy
    /// ```
    ///
    /// # Panics
    /// If a value of `wrt` belongs to another tape, or if `self` depends on a
    /// [statement](crate::Tape::statement): its partials are numbers, with no derivatives of
    /// their own on the tape, so a second derivative through it would be silently wrong
    /// (record the statement op by op for higher derivatives).
    #[must_use]
    #[track_caller]
    pub fn gradient(self, wrt: &[Value<'t>]) -> Vec<Value<'t>> {
        for &x in wrt {
            self.operand(x);
        }
        let tape = self.tape();
        let y = self.index();
        // Adjoints flow from newer nodes to older ones only, so the sweep can stop at the
        // oldest node of `wrt`: nothing it would record below there reaches them. (A gradient
        // taken inside a loop would otherwise sweep, and record adjoints for, the loop's whole
        // history every time.)
        let Some(lowest) = wrt.iter().map(|x| x.index()).min() else {
            return Vec::new();
        };
        let mut sweep = ValueSweep {
            tape,
            lowest,
            adjoint: vec![None; (y + 1).saturating_sub(lowest)],
        };
        if y >= lowest {
            sweep.adjoint[y - lowest] = Some(tape.constant(1.0));
        }

        let mut end = tape.with_nodes(|n| n.cursor_after(y));
        let (mut operands, mut constants) = (Vec::new(), Vec::new());
        for i in (lowest..=y).rev() {
            // Copy the node out first: the rule records new nodes, which may move the streams.
            let (op, start) =
                tape.with_nodes(|n| n.copy_node(i, end, &mut operands, &mut constants));
            end = start;
            if let Some(g) = sweep.adjoint[i - lowest] {
                let node = Value::from_index(tape, i as u32);
                let stored = Copied {
                    words: &operands,
                    constants: &constants,
                };
                op.backprop(g, node, &stored, &mut sweep);
            }
        }

        let adjoint = sweep.adjoint;
        let of = |x: &Value<'t>| adjoint.get(x.index() - lowest).copied().flatten();
        wrt.iter()
            .map(|x| of(x).unwrap_or_else(|| tape.constant(0.0)))
            .collect()
    }
}

/// The sweep of `gradient`: each node's adjoint is a value, `None` until something reaches it.
struct ValueSweep<'t> {
    tape: &'t Tape,
    /// The oldest node whose adjoint is kept: `adjoint[i - lowest]` is node `i`'s.
    lowest: usize,
    adjoint: Vec<Option<Value<'t>>>,
}

impl<'t> Sweep<Value<'t>> for ValueSweep<'t> {
    fn value(&self, index: u32) -> Value<'t> {
        Value::from_index(self.tape, index)
    }
    fn add(&mut self, index: u32, contribution: Value<'t>) {
        let Some(slot) = (index as usize)
            .checked_sub(self.lowest)
            .map(|i| &mut self.adjoint[i])
        else {
            // Below the oldest node asked for: nothing there is read.
            return;
        };
        *slot = Some(match *slot {
            Some(sum) => sum + contribution,
            None => contribution,
        });
    }
}
