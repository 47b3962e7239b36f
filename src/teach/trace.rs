//! The backward sweep as data: what every node receives and passes on.

use std::fmt::{self, Write as _};

use super::explorer::escape_html;
use super::{Kind, Node, Recorded, number, walk_back};
use crate::rules::{Copied, Sweep};
use crate::value::Value;

/// A record of one backward sweep: one [`Step`] per node the output depends on, newest
/// first, in the order `backward` visits them.
///
/// Made by [`Value::backward_trace`]. Its `Display` prints the sweep as a table, then the
/// gradient of every input.
///
/// ```
/// let tape = tapegrad::Tape::new();
/// let x = tape.named("x", 2.0);
/// let y = (x * x).label("y");
/// let trace = y.backward_trace();
/// // One step for y, one for x; y passes 1 × x = 2 to x, twice.
/// assert_eq!(trace.steps().len(), 2);
/// let adds: Vec<f64> = trace.steps()[0].contributions().iter().map(|c| c.adds()).collect();
/// assert_eq!(adds, [2.0, 2.0]);
/// assert_eq!(trace.steps()[1].upstream(), 4.0);
/// println!("{trace}");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Trace {
    steps: Vec<Step>,
}

/// What the backward sweep did at one node: the gradient that had reached it from above
/// (its upstream gradient, and its final gradient), and what it passed to each operand.
///
/// ```
/// let tape = tapegrad::Tape::new();
/// let x = tape.var(0.5);
/// let y = x.exp() * 2.0;
/// let trace = y.backward_trace();
/// let exp = trace.step(1).unwrap();
/// assert_eq!((exp.node().op(), exp.upstream()), ("exp", 2.0));
/// let to_x = exp.contributions()[0];
/// assert_eq!(to_x.local(), 0.5f64.exp());       // d exp(x) / dx = exp(x)
/// assert_eq!(to_x.adds(), 2.0 * 0.5f64.exp());  // upstream × local
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    node: Node,
    contributions: Vec<Contribution>,
}

/// One use of the chain rule: a node passing gradient to one of its operands.
///
/// ```
/// let tape = tapegrad::Tape::new();
/// let a = tape.var(3.0);
/// let b = tape.var(-2.0);
/// let trace = (a * b).backward_trace();
/// let to_b = trace.steps()[0].contributions()[1];
/// assert_eq!((to_b.operand(), to_b.local(), to_b.adds()), (b.index(), 3.0, 3.0));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Contribution {
    operand: usize,
    local: f64,
    adds: f64,
}

impl Trace {
    /// The steps, newest node first: the output, then back towards the inputs.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(1.0);
    /// let y = x.sin().exp();
    /// let order: Vec<usize> = y.backward_trace().steps().iter().map(|s| s.node().index()).collect();
    /// assert_eq!(order, [2, 1, 0]);
    /// ```
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// The step of the node at position `index` of the tape, if the output depends on it.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(1.0);
    /// let unused = tape.var(5.0);
    /// let trace = (x * 3.0).backward_trace();
    /// assert_eq!(trace.step(x.index()).map(|s| s.upstream()), Some(3.0));
    /// assert!(trace.step(unused.index()).is_none());
    /// ```
    pub fn step(&self, index: usize) -> Option<&Step> {
        let at = self
            .steps
            .binary_search_by(|s| index.cmp(&s.node.index))
            .ok()?;
        Some(&self.steps[at])
    }

    /// The inputs (nodes made with [`Tape::var`](crate::Tape::var)) the output depends on,
    /// oldest first, each with its gradient.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let a = tape.named("a", 2.0);
    /// let b = tape.named("b", 5.0);
    /// let trace = (a * b + 1.0).backward_trace();
    /// let grads: Vec<(Option<&str>, f64)> =
    ///     trace.inputs().map(|n| (n.label(), n.grad())).collect();
    /// assert_eq!(grads, [(Some("a"), 5.0), (Some("b"), 2.0)]);
    /// ```
    pub fn inputs(&self) -> impl Iterator<Item = &Node> {
        self.steps
            .iter()
            .rev()
            .map(|s| &s.node)
            .filter(|n| n.is_input())
    }
}

impl Trace {
    /// The sweep as an HTML table, the rows of its text table (`Display`): newest node first,
    /// one row per contribution, then the gradients of the inputs in a caption. Its style
    /// sits in a `<style>` element that names only the table's own class, `tapegrad-trace`.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let a = tape.named("a", 3.0);
    /// let html = (a * 2.0).label("y").backward_trace().to_html();
    /// assert!(html.contains("<td>#1 y</td><td>* 2</td>"));
    /// assert!(html.contains("d #1 y / d #0 a = 2"));
    /// ```
    pub fn to_html(&self) -> String {
        let mut html = String::from(
            "<style>.tapegrad-trace { border-collapse: collapse; font-family: monospace; } \
             .tapegrad-trace td, .tapegrad-trace th { padding: 1px 8px; text-align: left; } \
             .tapegrad-trace td.num { text-align: right; } \
             .tapegrad-trace td.note { font-style: italic; color: #6b7280; } \
             .tapegrad-trace caption { caption-side: bottom; text-align: left; }</style>\n\
             <table class=\"tapegrad-trace\">\n",
        );
        if let Some(output) = self.steps.first() {
            let grads: Vec<String> = self
                .inputs()
                .map(|n| {
                    format!(
                        "d {} / d {} = {}",
                        output.node.tag(),
                        n.tag(),
                        number(n.grad)
                    )
                })
                .collect();
            let _ = writeln!(
                html,
                "<caption>gradients of the inputs: {}</caption>",
                escape_html(&grads.join(", "))
            );
        }
        self.html_rows(&mut html, |_, _| String::new());
        html.push_str("</table>\n");
        html
    }

    /// Shows the trace under a notebook cell: evcxr's Jupyter kernel calls this method on a
    /// cell's last expression. It prints the table as HTML ([`to_html`](Trace::to_html)) and
    /// as text (`Display`), between evcxr's markers; the notebook shows the richer one.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// tape.var(2.0).exp().backward_trace().evcxr_display(); // EVCXR_BEGIN_CONTENT text/html ...
    /// ```
    pub fn evcxr_display(&self) {
        print!("{}", self.evcxr_output());
    }

    /// What [`evcxr_display`](Trace::evcxr_display) prints.
    pub(crate) fn evcxr_output(&self) -> String {
        crate::notebook::evcxr_output(&[
            ("text/html", &self.to_html()),
            ("text/plain", &self.to_string()),
        ])
    }

    /// The table's head and rows as HTML; `attributes(step, first)` gives the attributes of
    /// each row of the `step`-th node (`first` for its first row).
    pub(super) fn html_rows(&self, html: &mut String, attributes: impl Fn(usize, bool) -> String) {
        let tag = |index: usize| {
            self.step(index)
                .map_or(format!("#{index}"), |s| s.node.tag())
        };
        html.push_str(
            "<thead><tr><th>node</th><th>op</th><th>value</th><th>upstream</th>\
             <th>to operand</th><th>local</th><th>adds</th></tr></thead>\n<tbody>\n",
        );
        for (s, step) in self.steps.iter().enumerate() {
            let node = &step.node;
            let first = format!(
                "<td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num swept\">{}</td>",
                escape_html(&node.tag()),
                escape_html(&node.op),
                number(node.value),
                number(node.grad)
            );
            let blank = "<td></td><td></td><td></td><td></td>";
            if let Some(note) = step.passes_nothing() {
                let _ = writeln!(
                    html,
                    "<tr{}>{first}<td colspan=\"3\" class=\"note swept\">{note}</td></tr>",
                    attributes(s, true)
                );
            }
            for (k, c) in step.contributions.iter().enumerate() {
                let _ = writeln!(
                    html,
                    "<tr{}>{}<td class=\"swept\">{}</td><td class=\"num swept\">{}</td>\
                     <td class=\"num swept\">{}</td></tr>",
                    attributes(s, k == 0),
                    if k == 0 { &first } else { blank },
                    escape_html(&tag(c.operand)),
                    number(c.local),
                    number(c.adds)
                );
            }
        }
        html.push_str("</tbody>\n");
    }
}

impl Step {
    /// The node: index, label, op, value, operands; its [`grad`](Node::grad) is the
    /// upstream gradient.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let y = tape.var(2.0).sqrt().label("y");
    /// let trace = y.backward_trace();
    /// assert_eq!(trace.steps()[0].node().label(), Some("y"));
    /// ```
    pub fn node(&self) -> &Node {
        &self.node
    }

    /// d(output)/d(this node): the sum of what every newer node passed to it, complete by the
    /// time the sweep gets here. `1` for the output itself.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(2.0);
    /// let y = x * 3.0 + x * 4.0;
    /// let trace = y.backward_trace();
    /// assert_eq!(trace.step(y.index()).unwrap().upstream(), 1.0);
    /// assert_eq!(trace.step(x.index()).unwrap().upstream(), 7.0); // 3 + 4
    /// ```
    pub fn upstream(&self) -> f64 {
        self.node.grad
    }

    /// What the node passed on, one entry for each time its rule adds to an operand, in the
    /// rule's order (`x * x` passes to `x` twice).
    ///
    /// Empty for an input or a constant, where the sweep ends, and for a node whose upstream
    /// gradient is zero: `backward` skips those (so an unused NaN cannot reach the inputs),
    /// and the trace shows what `backward` does. A rule that would add exactly zero adds
    /// nothing either, as `relu` at rest.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(-1.0);
    /// let y = x.relu() + x;
    /// let trace = y.backward_trace();
    /// assert!(trace.step(1).unwrap().contributions().is_empty()); // relu at rest
    /// assert_eq!(x.grad(), 1.0);
    /// ```
    pub fn contributions(&self) -> &[Contribution] {
        &self.contributions
    }
}

impl Step {
    /// Why the step passes nothing on, as the table says it (`None` when it passes something).
    pub(super) fn passes_nothing(&self) -> Option<&'static str> {
        if !self.contributions.is_empty() {
            return None;
        }
        Some(match self.node.kind {
            Kind::Input => "(input: the sweep ends here)",
            Kind::Constant => "(constant: the sweep ends here)",
            Kind::Computed if self.node.grad == 0.0 => "(upstream is 0: passes nothing)",
            Kind::Computed => "(adds nothing)",
        })
    }
}

impl Contribution {
    /// The operand that receives it (its position on the tape).
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(1.0);
    /// let trace = x.cos().backward_trace();
    /// assert_eq!(trace.steps()[0].contributions()[0].operand(), x.index());
    /// ```
    pub fn operand(&self) -> usize {
        self.operand
    }

    /// The local derivative d(node)/d(operand), at the recorded values.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(1.0);
    /// let trace = x.sin().backward_trace();
    /// assert_eq!(trace.steps()[0].contributions()[0].local(), 1.0f64.cos());
    /// ```
    pub fn local(&self) -> f64 {
        self.local
    }

    /// What the chain rule adds to the operand's gradient: upstream × local, computed exactly
    /// as `backward` computes it (to the last bit, which may differ from multiplying the two
    /// printed numbers).
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(1.0);
    /// let y = x.sin() * 10.0;
    /// let trace = y.backward_trace();
    /// let to_x = trace.step(1).unwrap().contributions()[0];
    /// assert_eq!(to_x.adds(), 10.0 * 1.0f64.cos());
    /// ```
    pub fn adds(&self) -> f64 {
        self.adds
    }
}

impl<'t> Value<'t> {
    /// Runs [`backward`](Value::backward) and returns a record of its sweep: for every node
    /// this value depends on, newest first, the upstream gradient and, for each operand, the
    /// local derivative and what it adds to the operand's gradient.
    ///
    /// Afterwards the tape holds the gradients of `backward`, and the trace's numbers are
    /// those gradients to the bit: the trace runs the engine's own rule for each node, once
    /// with the node's upstream gradient (what `backward` adds) and once with 1 (the local
    /// derivatives, since every rule is linear in the upstream gradient).
    ///
    /// Cost: two passes over the tape up to this value, plus `backward`; meant for
    /// looking, not for training loops.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let a = tape.named("a", 3.0);
    /// let b = tape.named("b", -2.0);
    /// let l = ((a * b + a).powi(2) * 0.5).label("L");
    /// let trace = l.backward_trace();
    /// assert_eq!((a.grad(), b.grad()), (3.0, -9.0));
    /// assert_eq!(trace.step(a.index()).unwrap().upstream(), a.grad());
    /// print!("{trace}");
    /// ```
    pub fn backward_trace(self) -> Trace {
        let recorded = walk_back(self);
        let y = self.index();
        // The rules run on a copy of the values, not on the tape's storage.
        let values = self.tape().with_nodes(|n| n.values()[..=y].to_vec());
        let mut grads = vec![0.0; y + 1];
        grads[y] = 1.0;
        let steps = recorded
            .into_iter()
            .map(|r| {
                let g = grads[r.node.index];
                let contributions = if g == 0.0 {
                    Vec::new()
                } else {
                    let adds = run_rule(&r, g, &values);
                    let mut local = run_rule(&r, 1.0, &values);
                    // The rules are linear in the upstream gradient but for one branch: a
                    // fused neuron whose activation's slope times it is 0 passes nothing, as
                    // its elementary ops would. At a unit upstream a flat neuron passes
                    // nothing, so its local derivatives are 0; at an infinite `g` it passes
                    // `inf * 0 = NaN`, as the elementary ops do too.
                    if local.len() != adds.len() {
                        local = adds.iter().map(|&(operand, _)| (operand, 0.0)).collect();
                    }
                    local
                        .into_iter()
                        .zip(adds)
                        .map(|((operand, local), (same, adds))| {
                            debug_assert_eq!(operand, same);
                            grads[operand as usize] += adds;
                            Contribution {
                                operand: operand as usize,
                                local,
                                adds,
                            }
                        })
                        .collect()
                };
                Step {
                    node: Node { grad: g, ..r.node },
                    contributions,
                }
            })
            .collect();
        self.backward();
        Trace { steps }
    }
}

/// Runs a node's chain rule with upstream gradient `g` and returns what it adds, in order.
fn run_rule(r: &Recorded, g: f64, values: &[f64]) -> Vec<(u32, f64)> {
    let mut sweep = Recording {
        values,
        adds: Vec::new(),
    };
    let stored = Copied {
        words: &r.words,
        constants: &r.constants,
    };
    r.op.backprop(g, r.node.value, &stored, &mut sweep);
    sweep.adds
}

/// A sweep that writes down each addition instead of making it.
struct Recording<'a> {
    values: &'a [f64],
    adds: Vec<(u32, f64)>,
}

impl Sweep<f64> for Recording<'_> {
    fn value(&self, index: u32) -> f64 {
        self.values[index as usize]
    }
    fn add(&mut self, index: u32, contribution: f64) {
        self.adds.push((index, contribution));
    }
}

/// The sweep as a table, newest node first, then the gradients of the inputs.
///
/// ```
/// let tape = tapegrad::Tape::new();
/// let a = tape.named("a", 3.0);
/// let y = (a * 2.0).label("y");
/// let table = y.backward_trace().to_string();
/// assert!(table.contains("#1 y"));
/// assert!(table.contains("* 2"));
/// assert!(table.lines().last().unwrap().contains("#0 a"));
/// ```
impl fmt::Display for Trace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(output) = self.steps.first() else {
            return Ok(());
        };
        let tag = |index: usize| {
            self.step(index)
                .map_or(format!("#{index}"), |s| s.node.tag())
        };
        let mut rows: Vec<Row> = Vec::new();
        for step in &self.steps {
            let node = &step.node;
            let mut left = [
                node.tag(),
                node.op.clone(),
                number(node.value),
                number(node.grad),
            ];
            let passes = step
                .contributions
                .iter()
                .map(|c| Passes::To([tag(c.operand), number(c.local), number(c.adds)]));
            let mut passes: Vec<Passes> = passes.collect();
            if let Some(note) = step.passes_nothing() {
                passes.push(Passes::Nothing(note));
            }
            for pass in passes {
                rows.push(Row {
                    left: std::mem::take(&mut left),
                    right: pass,
                });
            }
        }

        let header = Row {
            left: ["node", "op", "value", "upstream"].map(str::to_owned),
            right: Passes::To(["to operand", "local", "adds"].map(str::to_owned)),
        };
        let mut left_width = [0; 4];
        let mut right_width = [0; 3];
        for row in std::iter::once(&header).chain(&rows) {
            for (w, cell) in left_width.iter_mut().zip(&row.left) {
                *w = (*w).max(cell.chars().count());
            }
            if let Passes::To(cells) = &row.right {
                for (w, cell) in right_width.iter_mut().zip(cells) {
                    *w = (*w).max(cell.chars().count());
                }
            }
        }

        writeln!(
            f,
            "backward from {}, newest node first; each node passes upstream x local to its \
             operands",
            output.node.tag()
        )?;
        for row in std::iter::once(&header).chain(&rows) {
            let [node, op, value, upstream] = &row.left;
            let [w0, w1, w2, w3] = left_width;
            write!(
                f,
                "{node:<w0$}  {op:<w1$}  {value:>w2$}  {upstream:>w3$}  |  "
            )?;
            match &row.right {
                Passes::To([operand, local, adds]) => {
                    let [w4, w5, w6] = right_width;
                    writeln!(f, "{operand:<w4$}  {local:>w5$}  {adds:>w6$}")?;
                }
                Passes::Nothing(note) => writeln!(f, "{note}")?,
            }
        }

        writeln!(
            f,
            "gradients of the inputs, d {} / d input:",
            output.node.tag()
        )?;
        let inputs: Vec<&Node> = self.inputs().collect();
        let width = inputs.iter().map(|n| n.tag().chars().count()).max();
        for node in inputs {
            let tag = node.tag();
            writeln!(
                f,
                "  {tag:<w$}  {}",
                number(node.grad),
                w = width.unwrap_or(0)
            )?;
        }
        Ok(())
    }
}

/// One line of the table: the node's columns (blank on its continuation lines), then one
/// contribution or a note.
struct Row {
    left: [String; 4],
    right: Passes,
}

/// The right-hand part of a line: what a node passes to one operand, or why it passes nothing.
enum Passes {
    To([String; 3]),
    Nothing(&'static str),
}

#[cfg(test)]
mod tests {
    use crate::teach::graph::tests::blocks;

    #[test]
    fn the_notebook_display_is_the_html_table_then_the_text_table() {
        let tape = crate::Tape::new();
        let a = tape.named("a", 3.0);
        let trace = (a * 2.0).label("y").backward_trace();
        let blocks = blocks(&trace.evcxr_output());
        let mimes: Vec<&str> = blocks.iter().map(|b| b.0.as_str()).collect();
        assert_eq!(mimes, ["text/html", "text/plain"]);
        assert_eq!(blocks[0].1, trace.to_html().trim_end());
        assert!(blocks[0].1.contains("<td>#1 y</td><td>* 2</td>"));
        assert!(
            blocks[1]
                .1
                .starts_with("backward from #1 y, newest node first")
        );
        assert!(blocks[1].1.ends_with("  #0 a  2"));
    }
}
