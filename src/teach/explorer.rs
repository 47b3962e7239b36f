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

use super::{Node, Trace, expression, number};
use crate::value::Value;
pub(super) use data::escape_html;
use data::{json, table};
use picture::{CHAR_WIDTH, Look, graph_shape, svg};

/// The page's style, script and legend, kept in files of their own beside this one.
const STYLE: &str = include_str!("explorer/page.css");
const SCRIPT: &str = include_str!("explorer/page.js");
const LEGEND: &str = include_str!("explorer/legend.html");

/// The page of [`Value::explore`]: the backward sweep to step through in a browser.
///
/// [`html`](Explorer::html) is one self-contained HTML file; [`write`](Explorer::write) saves
/// it, and under a notebook cell [`evcxr_display`](Explorer::evcxr_display) shows it inline.
///
/// ```
/// let tape = tapegrad::Tape::new();
/// let x = tape.named("x", 0.5);
/// let page = (x.tanh() * x).label("y").explore();
/// assert!(page.html().starts_with("<!DOCTYPE html>"));
/// assert_eq!(page.nodes(), 3);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Explorer {
    html: String,
    title: String,
    nodes: usize,
}

impl Explorer {
    /// The page: one HTML file with its style, script and numbers inside, readable from
    /// `file://`, referring to nothing on the network.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let page = tape.named("x", 2.0).exp().explore();
    /// assert!(page.html().contains("<script>"));
    /// assert!(!page.html().contains("http"));
    /// ```
    pub fn html(&self) -> &str {
        &self.html
    }

    /// The page, as an owned string.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let html: String = tape.var(2.0).exp().explore().into_html();
    /// assert!(html.ends_with("</html>\n"));
    /// ```
    pub fn into_html(self) -> String {
        self.html
    }

    /// How many nodes the page steps through: the graph's values. A press of "step" records
    /// one of them, then another sweeps one, so the page has twice as many steps.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(1.0);
    /// assert_eq!((x * x + 1.0).explore().nodes(), 3);
    /// ```
    pub fn nodes(&self) -> usize {
        self.nodes
    }

    /// Writes the page to `path`; open it in a browser. The address can name a step to open
    /// at, `backprop.html#step=45`, and follows the stepping.
    ///
    /// # Errors
    /// If the file cannot be written.
    ///
    /// ```no_run
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.named("x", 0.5);
    /// (x.tanh() * x).label("y").explore().write("backprop.html")?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn write(&self, path: impl AsRef<Path>) -> std::io::Result<()> {
        std::fs::write(path, &self.html)
    }

    /// Shows the page under a notebook cell: evcxr's Jupyter kernel calls this method on a
    /// cell's last expression. The page runs in a frame of its own (`<iframe srcdoc>`, 760
    /// pixels high), so that its style and script touch nothing else in the notebook; front
    /// ends without HTML get a line of plain text.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// tape.named("x", 2.0).exp().explore().evcxr_display(); // EVCXR_BEGIN_CONTENT text/html ...
    /// ```
    pub fn evcxr_display(&self) {
        print!("{}", self.evcxr_output());
    }

    /// What [`evcxr_display`](Explorer::evcxr_display) prints.
    pub(crate) fn evcxr_output(&self) -> String {
        let frame = format!(
            "<iframe srcdoc=\"{}\" title=\"{}\" style=\"width: 100%; height: 760px; border: \
             1px solid #b8c0cc; border-radius: 6px;\"></iframe>",
            escape_html(&self.html),
            escape_html(&self.title)
        );
        let text = format!(
            "{}: {} nodes, {} steps; .write(\"backprop.html\") saves the page to open in a browser",
            self.title,
            self.nodes,
            2 * self.nodes
        );
        crate::notebook::evcxr_output(&[("text/html", &frame), ("text/plain", &text)])
    }
}

impl<'t> Value<'t> {
    /// A web page that shows backpropagation happen on the graph behind this value: the
    /// graph drawn as boxes (one per value, with its name, data and grad) and small nodes
    /// (one per operation), and beside it the trace's table, the rule of the current op and
    /// a legend of the colours.
    ///
    /// Step through it with the buttons or the arrow keys, or press play. The **forward**
    /// phase records the nodes one by one, as the tape did; the **backward** phase runs the
    /// sweep of [`backward_trace`](Value::backward_trace), newest node first: the current
    /// node shows its upstream gradient, each operand edge the local derivative and what it
    /// adds, and the operands' grads grow as contributions arrive. The whole graph fits the
    /// window at first; zoom with the buttons, `+` and `-` or a pinch, and drag to pan.
    ///
    /// The page is one self-contained HTML file (see [`Explorer`]). Its numbers are those of
    /// `backward_trace`, printed the way the trace prints them. Like `backward_trace`, this
    /// runs [`backward`](Value::backward): afterwards the tape holds its gradients.
    ///
    /// Meant for graphs of tens to a few hundred nodes, which a learner can follow: the
    /// layout's cost grows with the number of nodes times the graph's depth.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let a = tape.named("a", 3.0);
    /// let b = tape.named("b", -2.0);
    /// let page = (a * b + a).label("y").explore();
    /// assert!(page.html().contains("#3 y"));
    /// assert_eq!((a.grad(), b.grad()), (-1.0, 3.0));
    /// ```
    pub fn explore(self) -> Explorer {
        let trace = self.backward_trace();
        let output = trace.steps()[0].node();
        Explorer {
            title: format!("backprop explorer: {}", output.tag()),
            nodes: trace.steps().len(),
            html: page(&trace),
        }
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
        self.explore().write(path)
    }
}

/// One node of a picture: the node and what the picture shows of it.
pub(super) struct Shown<'a> {
    node: &'a Node,
    /// The texts its grad takes during the sweep (only the final one in a still picture),
    /// for sizing its box.
    grads: Vec<String>,
    /// What made it, for the hover text and the panel (`#9 = neg(#0 a)`).
    expression: String,
}

/// The graph of `nodes` (oldest first, each operand among them) as a still SVG picture: each
/// box shows its node's final grad.
pub(super) fn graph_svg(nodes: &[Node]) -> String {
    let tag_of = |index: usize| {
        nodes
            .binary_search_by_key(&index, |n| n.index)
            .map_or(format!("#{index}"), |at| nodes[at].tag())
    };
    let shown: Vec<Shown> = nodes
        .iter()
        .map(|node| Shown {
            node,
            grads: vec![number(node.grad)],
            expression: expression(node, tag_of),
        })
        .collect();
    let shape = graph_shape(&shown);
    let drawing = layout::draw(&shape.vertices, &shape.edges);
    let mut out = String::new();
    svg(&mut out, &shown, &drawing, Look::Still);
    out
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
    let tag_of = |index: usize| {
        trace
            .step(index)
            .map_or(format!("#{index}"), |s| s.node().tag())
    };
    // Oldest first, as the forward phase records them.
    let mut shown: Vec<Shown> = steps
        .iter()
        .rev()
        .map(|s| Shown {
            node: s.node(),
            grads: vec!["0".to_owned()],
            expression: expression(s.node(), tag_of),
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
    let mut drawing = layout::draw(&shape.vertices, &shape.edges);
    // Wide enough for every edge label the sweep will show, which the script keeps inside
    // the drawing: `local ..  adds ..`, or `skipped: ..` for a node that passes nothing.
    let label_chars = passes
        .iter()
        .flatten()
        .map(|p| "local ".len() + p.local.len() + "  adds ".len() + p.adds.len())
        .chain(
            steps
                .iter()
                .filter_map(|s| s.passes_nothing())
                .map(|note| "skipped: ".len() + note.len()),
        )
        .max()
        .unwrap_or(0);
    drawing.widen_to(label_chars as f64 * CHAR_WIDTH + 8.0 + 2.0 * layout::MARGIN);

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
         <span id=\"counter\"></span></div>\n<div id=\"phase\"></div>\n</header>\n<main>\n\
         <div id=\"graph-pane\">\n<div id=\"zoom\">\
         <button id=\"zoom-out\" title=\"zoom out (-)\">&#x2212;</button>\
         <button id=\"fit\" title=\"the whole graph (0)\">fit</button>\
         <button id=\"zoom-in\" title=\"zoom in (+)\">+</button></div>\n",
        escape_html(&title)
    );
    svg(&mut html, &shown, &drawing, Look::Page);
    html.push_str(
        "</div>\n<aside>\n<div id=\"notes\">\n<section id=\"explain\"></section>\n\
         <div id=\"rule\"></div>\n",
    );
    html.push_str(LEGEND);
    html.push_str("</div>\n");
    table(&mut html, trace);
    html.push_str("</aside>\n</main>\n<script type=\"application/json\" id=\"tapegrad-data\">");
    json(&mut html, &shown, trace, &passes);
    let _ = write!(
        html,
        "</script>\n<script>\n{SCRIPT}</script>\n</body>\n</html>\n"
    );
    html
}

#[cfg(test)]
mod tests {
    use crate::teach::graph::tests::blocks;

    /// Undoes `escape_html`.
    fn unescape(text: &str) -> String {
        text.replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&")
    }

    #[test]
    fn the_notebook_display_frames_the_whole_page_then_says_what_it_is() {
        let tape = crate::Tape::new();
        let x = tape.named("x", 0.5);
        let page = (x.tanh() * x).label("y \"q\" <b>").explore();
        let blocks = blocks(&page.evcxr_output());
        let mimes: Vec<&str> = blocks.iter().map(|b| b.0.as_str()).collect();
        assert_eq!(mimes, ["text/html", "text/plain"]);
        let frame = &blocks[0].1;
        let srcdoc = frame
            .strip_prefix("<iframe srcdoc=\"")
            .and_then(|rest| rest.split_once('"'))
            .map(|(doc, _)| doc)
            .unwrap_or_else(|| panic!("{frame}"));
        assert_eq!(unescape(srcdoc), page.html());
        assert!(frame.ends_with("></iframe>"));
        assert_eq!(
            blocks[1].1,
            "backprop explorer: #2 y \"q\" <b>: 3 nodes, 6 steps; .write(\"backprop.html\") \
             saves the page to open in a browser"
        );
    }
}
