//! Tools that show backpropagation happen: the graph behind a value, the backward sweep step
//! by step, and a check of gradients against finite differences.
//!
//! - [`Value::graph`] and [`Value::to_dot`] show **what was recorded**: every value the output
//!   depends on, with its name, number and gradient, and the operation that made it.
//!   [`Graph::to_svg`] draws it as a picture with no tool installed; or render the Graphviz
//!   text with `dot -Tsvg graph.dot -o graph.svg`, the way micrograd draws it.
//! - [`Value::backward_trace`] shows **what backward does**, one row per node, newest first:
//!   the gradient that reached the node from above, the local derivative towards each operand
//!   and what the chain rule adds to that operand's gradient (upstream × local). Summing a
//!   node's arrivals gives its gradient; the trace lets you watch every sum being made.
//! - [`Value::explore`] shows **both, step by step**: an [`Explorer`] page to step through in
//!   a browser, the graph recorded node by node and then swept.
//! - [`gradcheck`] shows **that the rules are right**: it compares backward's gradients with
//!   central finite differences, input by input, the way to test a derivative you have just
//!   written.
//!
//! ```
//! use tapegrad::Tape;
//!
//! let tape = Tape::new();
//! let a = tape.named("a", 3.0);
//! let b = tape.named("b", -2.0);
//! let c = (a * b).label("c");
//! let trace = c.backward_trace();
//! // c = a * b passes upstream (1) × local (b = -2) to a, and 1 × (a = 3) to b.
//! let step = &trace.steps()[0];
//! assert_eq!(step.node().op(), "*");
//! let adds: Vec<f64> = step.contributions().iter().map(|c| c.adds()).collect();
//! assert_eq!(adds, [-2.0, 3.0]);
//! assert!(c.to_dot().contains("#2 c"));
//! ```
//!
//! In a notebook on evcxr's Jupyter kernel, a [`Graph`], a [`Trace`] or an [`Explorer`] left
//! as a cell's last expression shows itself under the cell (their `evcxr_display` methods),
//! and [`Tape::leak`](crate::Tape::leak) gives values that outlive their cell;
//! `notebooks/backprop.ipynb` walks through it all.
//!
//! The trace does not re-implement any derivative: it runs the engine's own rule for each node
//! (`Op::backprop`, over the table in `src/rules/partials.rs`) once with an upstream gradient of 1, which gives the local
//! derivatives because every rule is linear in the upstream gradient, and once with the real
//! upstream gradient, which gives exactly what `backward` adds.

mod explorer;
mod gradcheck;
mod graph;
mod trace;

pub use explorer::Explorer;
pub use gradcheck::{
    DEFAULT_STEP, GradcheckReport, InputCheck, Tolerance, gradcheck, gradcheck_with_step,
};
pub use graph::Graph;
pub use trace::{Contribution, Step, Trace};

use crate::rules::Op;
use crate::value::Value;

/// One value of a recorded graph: where it sits on the tape, its name, the operation that
/// made it, its number, its gradient and its operands.
///
/// [`Graph`] and [`Trace`] are lists of these.
///
/// ```
/// let tape = tapegrad::Tape::new();
/// let x = tape.named("x", 2.0);
/// let y = x * 3.0;
/// y.backward();
/// let graph = y.graph();
/// let node = &graph.nodes()[1];
/// assert_eq!((node.index(), node.op(), node.value(), node.grad()), (1, "* 3", 6.0, 1.0));
/// assert_eq!(node.operands(), [0]);
/// assert_eq!(graph.nodes()[0].label(), Some("x"));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    index: usize,
    label: Option<String>,
    op: String,
    kind: Kind,
    value: f64,
    grad: f64,
    operands: Vec<usize>,
    /// The op itself, and the numbers stored in its node: what [`expression`] and the
    /// explorer's rule panel read.
    code: Op,
    constants: Vec<f64>,
}

impl Node {
    /// The node's position on its tape, as [`Value::index`] gives it.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let y = tape.var(1.0).exp();
    /// assert_eq!(y.graph().nodes()[1].index(), y.index());
    /// ```
    pub fn index(&self) -> usize {
        self.index
    }

    /// The name given with [`Value::label`] or [`Tape::named`](crate::Tape::named), if any.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let y = tape.var(1.0).exp().label("y");
    /// assert_eq!(y.graph().nodes()[1].label(), Some("y"));
    /// assert_eq!(y.graph().nodes()[0].label(), None);
    /// ```
    pub fn label(&self) -> Option<&str> {
        self.label.as_deref()
    }

    /// The operation that made the value, with the numbers stored in the node: `var` for an
    /// input, `const` for [`Tape::constant`](crate::Tape::constant), `+`, `*`, `tanh`, `sum`,
    /// ...; a number folded into the node shows where it stands: `* 3` for `x * 3.0`,
    /// `10 /` for `10.0 / x`, `^2` for `x.powi(2)`, `+ -1` for `x - 1.0` (which the tape
    /// stores as `x + -1`).
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(4.0);
    /// let y = 10.0 / x.powi(2);
    /// let ops: Vec<String> = y.graph().nodes().iter().map(|n| n.op().to_owned()).collect();
    /// assert_eq!(ops, ["var", "^2", "10 /"]);
    /// ```
    pub fn op(&self) -> &str {
        &self.op
    }

    /// Whether the node is an input made with [`Tape::var`](crate::Tape::var) (or
    /// [`Tape::named`](crate::Tape::named)).
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let y = tape.var(1.0) + tape.constant(2.0);
    /// let inputs: Vec<bool> = y.graph().nodes().iter().map(|n| n.is_input()).collect();
    /// assert_eq!(inputs, [true, false, false]);
    /// ```
    pub fn is_input(&self) -> bool {
        self.kind == Kind::Input
    }

    /// The number the node holds.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let y = tape.var(2.0) * 5.0;
    /// assert_eq!(y.graph().nodes()[1].value(), 10.0);
    /// ```
    pub fn value(&self) -> f64 {
        self.value
    }

    /// The node's gradient. In a [`Graph`], the one the last `backward` on the tape left
    /// (`0.0` before any); in a [`Trace`], the gradient that reached the node in the traced
    /// sweep, which is its final gradient, since every node that uses it is newer and was
    /// swept first.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(3.0);
    /// let y = x * x;
    /// assert_eq!(y.graph().nodes()[0].grad(), 0.0);
    /// y.backward();
    /// assert_eq!(y.graph().nodes()[0].grad(), 6.0);
    /// ```
    pub fn grad(&self) -> f64 {
        self.grad
    }

    /// The indices of the node's operands, in the order the operation takes them (an operand
    /// used twice, as in `x * x`, appears twice). For a [`Tape::dot`](crate::Tape::dot) node:
    /// the left vector, then the right one; for a fused
    /// [`Tape::affine`](crate::Tape::affine) neuron: the weights, the bias, then the inputs.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(3.0);
    /// let y = x * x;
    /// assert_eq!(y.graph().nodes()[1].operands(), [0, 0]);
    /// ```
    pub fn operands(&self) -> &[usize] {
        &self.operands
    }

    /// `#index`, then the label if there is one: how graphs and traces name a node.
    fn tag(&self) -> String {
        match &self.label {
            Some(label) => format!("#{} {label}", self.index),
            None => format!("#{}", self.index),
        }
    }
}

/// What made a node: the user, as an input or a constant, or an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Input,
    Constant,
    Computed,
}

/// A node copied out of the tape, with what the chain rule needs to run it again.
struct Recorded {
    node: Node,
    op: Op,
    /// The node's operand words (a chained node's too), which its rule reads through
    /// `ops::Copied`, with the constants.
    words: Vec<u32>,
    constants: Vec<f64>,
}

/// The nodes `value` depends on (itself included), newest first, copied out of the tape.
///
/// One pass from `value` back to the first node: a node is needed if a needed node uses it,
/// and every user of a node is newer than the node, so its mark is final when the pass
/// reaches it.
fn walk_back(value: Value<'_>) -> Vec<Recorded> {
    let (tape, y) = (value.tape(), value.index());
    let mut needed = vec![false; y + 1];
    needed[y] = true;
    let mut end = tape.with_nodes(|n| n.cursor_after(y));
    let mut out = Vec::new();
    let (mut words, mut constants) = (Vec::new(), Vec::new());
    for i in (0..=y).rev() {
        // Each node is copied out of the storage, then worked on once it is released.
        let (op, start) = tape.with_nodes(|n| n.copy_node(i, end, &mut words, &mut constants));
        end = start;
        if !needed[i] {
            continue;
        }
        let (label, value, grad) = tape.with_nodes(|n| {
            let label = n.labels.get(&(i as u32)).cloned();
            (label, n.values()[i], n.grads.get(i).copied().unwrap_or(0.0))
        });
        let operands: Vec<usize> = op
            .operand_nodes(&words)
            .into_iter()
            .map(|p| p as usize)
            .collect();
        for &p in &operands {
            needed[p] = true;
        }
        out.push(Recorded {
            node: Node {
                index: i,
                label,
                op: op_label(op, &constants),
                kind: match op {
                    Op::Var => Kind::Input,
                    Op::Const => Kind::Constant,
                    _ => Kind::Computed,
                },
                value,
                grad,
                operands,
                code: op,
                constants: constants.clone(),
            },
            op,
            words: std::mem::take(&mut words),
            constants: std::mem::take(&mut constants),
        });
    }
    out
}

/// What made a node, as the explorer's panel and hover text and [`Graph`]'s text say it: the
/// node's tag, then `=` and its op applied to its operands' tags (`#3 y = #1 + #2`,
/// `#9 = neg(#0 a)`, `#4 = (#3 d)^2`, `#5 = clamp(#4, 0, 1)`), or what kind of leaf it is
/// (`#0 a (input)`). `tag_of` names an operand by its index.
fn expression(node: &Node, tag_of: impl Fn(usize) -> String) -> String {
    match node.kind {
        Kind::Input => return format!("{} (input)", node.tag()),
        Kind::Constant => return format!("{} (constant)", node.tag()),
        Kind::Computed => {}
    }
    // An operand list of a few names, the rest counted.
    const SHOWN: usize = 6;
    let mut args: Vec<String> = node
        .operands
        .iter()
        .take(SHOWN)
        .map(|&p| tag_of(p))
        .collect();
    if node.operands.len() > SHOWN {
        args.truncate(SHOWN - 1);
        args.push(format!("… {} operands in all", node.operands.len()));
    }
    let wrap = |t: &str| {
        if t.contains(' ') {
            format!("({t})")
        } else {
            t.to_owned()
        }
    };
    let k = |i: usize| number(node.constants[i]);
    let made = match node.code {
        Op::Add | Op::Sub | Op::Mul | Op::Div => format!("{} {} {}", args[0], node.op, args[1]),
        Op::AddConst | Op::MulConst | Op::DivConst => format!("{} {}", args[0], node.op),
        Op::ConstSub | Op::ConstDiv => format!("{} {}", node.op, args[0]),
        Op::Powf | Op::Powi => format!("{}{}", wrap(&args[0]), node.op),
        Op::MulConstAdd => format!("mul_add({}, {}, {})", args[0], k(0), args[1]),
        // A statement's constants are the partials recorded with it, not arguments.
        Op::Statement | Op::UnaryStatement => format!("statement({})", args.join(", ")),
        code => {
            // The numbers stored in the node are its last arguments (`clamp(#0, 0, 1)`).
            let constants = (0..node.constants.len()).map(k);
            let all: Vec<String> = args.into_iter().chain(constants).collect();
            format!("{}({})", code.name(), all.join(", "))
        }
    };
    format!("{} = {made}", node.tag())
}

/// How graphs and traces print an op, with the constants stored in its node.
fn op_label(op: Op, k: &[f64]) -> String {
    let k0 = || number(k[0]);
    match op {
        Op::AddConst | Op::MulConst | Op::DivConst => format!("{} {}", op.name(), k0()),
        Op::ConstSub | Op::ConstDiv => format!("{} {}", k0(), op.name()),
        Op::Powf | Op::Powi => format!("^{}", k0()),
        Op::Log => format!("log base {}", k0()),
        Op::LeakyRelu => format!("leaky_relu {}", k0()),
        Op::Clamp => format!("clamp [{}, {}]", k0(), number(k[1])),
        _ => op.name().to_owned(),
    }
}

/// A number as the teaching tools print it: up to six decimals, trailing zeros dropped
/// (`3`, `0.5`, `138.833819`), and scientific notation where that would hide digits.
fn number(x: f64) -> String {
    if x == 0.0 {
        return "0".to_owned();
    }
    if !x.is_finite() {
        return format!("{x}");
    }
    if !(1e-4..1e9).contains(&x.abs()) {
        return format!("{x:.4e}");
    }
    let fixed = format!("{x:.6}");
    fixed.trim_end_matches('0').trim_end_matches('.').to_owned()
}

#[cfg(test)]
mod tests {
    use super::{expression, number, walk_back};
    use crate::Tape;

    /// The expression of the newest node of `y`'s graph, operands named by their tags.
    fn made(y: crate::Value<'_>) -> String {
        let recorded = walk_back(y);
        let tags: Vec<(usize, String)> = recorded
            .iter()
            .map(|r| (r.node.index, r.node.tag()))
            .collect();
        let tag_of = |i: usize| tags.iter().find(|t| t.0 == i).unwrap().1.clone();
        expression(&recorded[0].node, tag_of)
    }

    #[test]
    fn expressions_name_the_op_and_its_operands_the_way_code_reads() {
        let tape = Tape::new();
        let a = tape.named("a", 3.0);
        let b = tape.var(-2.0);
        assert_eq!(made((a * b).label("c")), "#2 c = #0 a * #1");
        assert_eq!(made(-a), "#3 = neg(#0 a)");
        assert_eq!(made(a * 3.0), "#4 = #0 a * 3");
        assert_eq!(made(10.0 / b), "#5 = 10 / #1");
        assert_eq!(made(a.powi(2)), "#6 = (#0 a)^2");
        assert_eq!(made(b.clamp(0.0, 1.0)), "#7 = clamp(#1, 0, 1)");
        assert_eq!(made(a.max(0.5)), "#8 = max(#0 a, 0.5)");
        assert_eq!(made(a.leaky_relu(0.01)), "#9 = leaky_relu(#0 a, 0.01)");
        assert_eq!(made(a.mul_add(2.0, b)), "#10 = mul_add(#0 a, 2, #1)");
        assert_eq!(made(a.tanh()), "#11 = tanh(#0 a)");
        let many: Vec<_> = (0..8).map(|i| tape.var(i as f64)).collect();
        assert_eq!(
            made(tape.sum(many.iter().copied())),
            "#20 = sum(#12, #13, #14, #15, #16, … 8 operands in all)"
        );
    }

    #[test]
    fn leaves_say_what_kind_they_are() {
        let tape = Tape::new();
        let one = tape.constant(1.0);
        let x = tape.named("x", 2.0);
        assert_eq!(made(one), "#0 (constant)");
        assert_eq!(made(x), "#1 x (input)");
    }

    #[test]
    fn numbers_print_short_but_keep_small_values_visible() {
        assert_eq!(number(3.0), "3");
        assert_eq!(number(-0.5), "-0.5");
        assert_eq!(number(138.83381924198252), "138.833819");
        assert_eq!(number(1e-12), "1.0000e-12");
        assert_eq!(number(-0.0), "0");
        assert_eq!(number(f64::NAN), "NaN");
        assert_eq!(number(f64::NEG_INFINITY), "-inf");
    }
}
