//! The backward sweep as a page to step through in a browser.
//!
//! The page is one HTML file with its style, its script and its numbers inside: it needs no
//! network and no server, and opens from disk. Rust lays the graph out (see `layout`) and
//! writes it as SVG, the trace's table as HTML and the sweep's numbers as JSON; the page's
//! script only shows and hides what is already there, step by step.

mod data;
mod layout;
mod picture;
mod rules;

use std::fmt::Write;
use std::path::Path;

use super::{Node, Trace, number};
use crate::value::Value;
use data::{escape_html, json, table};
use picture::{graph_shape, svg};

/// The page's style and script, kept in files of their own beside this one.
const STYLE: &str = include_str!("explorer/page.css");
const SCRIPT: &str = include_str!("explorer/page.js");

impl<'t> Value<'t> {
    /// A web page that shows backpropagation happen on the graph behind this value: the
    /// graph drawn as boxes (one per value, with its name, data and grad) and small nodes
    /// (one per operation), and beside it the trace's table and the rule of the current op.
    ///
    /// Step through it with the buttons or the arrow keys, or press play. The **forward**
    /// phase records the nodes one by one, as the tape did; the **backward** phase runs the
    /// sweep of [`backward_trace`](Value::backward_trace), newest node first: the current
    /// node shows its upstream gradient, each operand edge the local derivative and what it
    /// adds, and the operands' grads grow as contributions arrive.
    ///
    /// The page is one self-contained HTML file (style, script and numbers inside, no network
    /// reference), readable from `file://`. Its numbers are those of `backward_trace`, printed
    /// the way the trace prints them. Like `backward_trace`, this runs
    /// [`backward`](Value::backward): afterwards the tape holds its gradients.
    ///
    /// Meant for graphs of tens to a few hundred nodes, which a learner can follow: the
    /// layout's cost grows with the number of nodes times the graph's depth.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let a = tape.named("a", 3.0);
    /// let b = tape.named("b", -2.0);
    /// let page = (a * b + a).label("y").explore();
    /// assert!(page.starts_with("<!DOCTYPE html>"));
    /// assert!(page.contains("#3 y"));
    /// assert!(!page.contains("http"));
    /// assert_eq!((a.grad(), b.grad()), (-1.0, 3.0));
    /// ```
    pub fn explore(self) -> String {
        page(&self.backward_trace())
    }

    /// Writes the page of [`explore`](Value::explore) to `path`; open it in a browser.
    ///
    /// # Errors
    /// If the file cannot be written.
    ///
    /// ```no_run
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.named("x", 0.5);
    /// let y = (x.tanh() * x).label("y");
    /// y.write_explorer("backprop.html")?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn write_explorer(self, path: impl AsRef<Path>) -> std::io::Result<()> {
        std::fs::write(path, self.explore())
    }
}

/// One node of the page: the trace's node and what the page shows of it.
struct Shown<'a> {
    node: &'a Node,
    /// The texts its grad takes during the sweep, for sizing its box.
    grads: Vec<String>,
}

/// One contribution, as the page shows it.
struct Pass {
    to: usize,
    /// Which operand edge it runs along: the position of the operand in the node's list.
    edge: usize,
    local: String,
    adds: String,
    before: String,
    after: String,
    /// It is the `nth` of the `of` contributions that its operand receives.
    nth: usize,
    of: usize,
}

/// The whole page for `trace`.
fn page(trace: &Trace) -> String {
    let steps = trace.steps();
    let output = steps[0].node();
    // Oldest first, as the forward phase records them.
    let mut shown: Vec<Shown> = steps
        .iter()
        .rev()
        .map(|s| Shown {
            node: s.node(),
            grads: vec!["0".to_owned()],
        })
        .collect();
    let indices: Vec<usize> = shown.iter().map(|s| s.node.index).collect();
    let position = |index: usize| {
        indices
            .binary_search(&index)
            .expect("every operand is in the trace")
    };
    let received: Vec<usize> = {
        let mut count = vec![0; shown.len()];
        for c in steps.iter().flat_map(|s| s.contributions()) {
            count[position(c.operand())] += 1;
        }
        count
    };

    // The sweep replayed, to print every running gradient as `backward` sums it.
    let mut grad = vec![0.0; shown.len()];
    let mut so_far = vec![0; shown.len()];
    let out_at = position(output.index);
    grad[out_at] = 1.0;
    shown[out_at].grads.push(number(1.0));
    let mut passes: Vec<Vec<Pass>> = Vec::with_capacity(steps.len());
    for step in steps {
        let mut used = vec![false; step.node().operands.len()];
        let mut list = Vec::new();
        for c in step.contributions() {
            let at = position(c.operand());
            let edge = (0..used.len())
                .find(|&j| !used[j] && step.node().operands[j] == c.operand())
                .expect("a rule adds only to its operands");
            used[edge] = true;
            let before = number(grad[at]);
            grad[at] += c.adds();
            so_far[at] += 1;
            let after = number(grad[at]);
            shown[at].grads.push(after.clone());
            list.push(Pass {
                to: c.operand(),
                edge,
                local: number(c.local()),
                adds: number(c.adds()),
                before,
                after,
                nth: so_far[at],
                of: received[at],
            });
        }
        passes.push(list);
    }

    let shape = graph_shape(&shown);
    let drawing = layout::draw(&shape.vertices, &shape.edges);

    let mut html = String::with_capacity(64 * 1024);
    let title = format!("backprop explorer: {}", output.tag());
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n",
        escape_html(&title)
    );
    let _ = write!(
        html,
        "<header>\n<h1>{}</h1>\n<div id=\"controls\">\
         <button id=\"start\" title=\"back to the start (Home)\">&#x25C0;&#x25C0;</button>\
         <button id=\"back\" title=\"one step back (left arrow)\">&#x25C0; back</button>\
         <button id=\"step\" title=\"one step on (right arrow)\">step &#x25B6;</button>\
         <button id=\"play\" title=\"play or pause (space)\">play</button>\
         <button id=\"end\" title=\"to the end of the sweep (End)\">&#x25B6;&#x25B6;</button>\
         <span id=\"counter\"></span></div>\n<div id=\"phase\"></div>\n</header>\n<main>\n",
        escape_html(&title)
    );
    svg(&mut html, &shown, &drawing, &shape.op_vertex);
    html.push_str("<aside>\n<section id=\"explain\"></section>\n<div id=\"rule\"></div>\n");
    table(&mut html, trace, &passes);
    html.push_str("</aside>\n</main>\n<script type=\"application/json\" id=\"tapegrad-data\">");
    json(&mut html, &shown, trace, &passes);
    let _ = write!(
        html,
        "</script>\n<script>\n{SCRIPT}</script>\n</body>\n</html>\n"
    );
    html
}
