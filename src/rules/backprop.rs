//! The chain rule: what every node passes back to each of its operands.
//!
//! For a node `y = f(a, b)` that receives the upstream gradient `g = d(out)/dy`, the chain rule
//! says operand `a` receives `g * dy/da`. The partial derivatives `dy/da` are the table in
//! `partials.rs`; [`Op::backprop`] runs that table with a [`Local`] that multiplies each by
//! `g` and adds it to the operand's gradient. That is all of backpropagation at one node.
//!
//! The rules are generic over [`Real`]: `backward` runs them on `f64` (nothing recorded), and
//! `gradient` runs them on `Value`s, which records them, so a gradient can be differentiated
//! again. A rule reads its node through [`NodeData`] and sends its contributions through
//! [`Sweep`], so the plain tape, the fast tape, `gradient` and the trace all run this one table.

use super::{Local, NodeData, Op, Real, Sweep};

impl Op {
    /// The chain rule for one node: `g` arrives from above (`d out / d y`), and each operand
    /// `a` receives `g * dy/da` through `sweep.add`. `y` is the node's own value, and `node`
    /// reads its operands and constants.
    ///
    /// # Panics
    /// On a statement when `S` records (`gradient`), as [`Op::partials`] does.
    #[inline(always)]
    pub(crate) fn backprop<S: Real, W: Sweep<S>>(
        self,
        g: S,
        y: S,
        node: &impl NodeData,
        sweep: &mut W,
    ) {
        self.partials(y, node, &mut Chain { g, sweep });
    }
}

/// The chain rule at one node: each partial derivative `dy/da` from the table becomes
/// `g * dy/da`, added to operand `a`'s gradient.
struct Chain<'w, S, W> {
    g: S,
    sweep: &'w mut W,
}

impl<S: Real, W: Sweep<S>> Local<S> for Chain<'_, S, W> {
    #[inline(always)]
    fn value(&self, a: u32) -> S {
        self.sweep.value(a)
    }
    #[inline(always)]
    fn partial(&mut self, a: u32, p: S) {
        self.sweep.add(a, self.g * p);
    }
    #[inline(always)]
    fn constant(&mut self, a: u32, k: f64) {
        self.sweep.add(a, self.g * k);
    }
    #[inline(always)]
    fn one(&mut self, a: u32) {
        self.sweep.add(a, self.g);
    }
    #[inline(always)]
    fn minus_one(&mut self, a: u32) {
        self.sweep.add(a, -self.g);
    }
    /// A sum over a loop passes `g` to every term, in a loop of the sweep's own.
    #[inline(always)]
    fn one_each(&mut self, first: u32, step: u32, n: u32) {
        self.sweep.add_to_stride(first, step, n, self.g);
    }
    /// A neuron passes `g dz` on, `x_i` times to each weight and `w_i` times to each input, in
    /// two runs the sweep can vectorise.
    ///
    /// A fused neuron is the nodes `z = w·x + bias` and `act(z)` in one, and passes what they
    /// would. Where `g dz` is a zero that carries nothing, the unfused `z` would pass nothing
    /// on (`backward` skips a node whose gradient is 0): so neither does this, and a flat
    /// tanh or sigmoid gives a weight whose input is infinite 0, not `0 * inf = NaN`.
    #[inline(always)]
    fn affine(&mut self, [w, x, n]: [u32; 3], dz: Option<S>) {
        let g = dz.map_or(self.g, |dz| self.g * dz);
        if g.carries_nothing() {
            return;
        }
        self.sweep.add_scaled_run(w, x, n, g);
        self.sweep.add_scaled_run(x, w, n, g);
        self.sweep.add(w + n, g);
    }
}
