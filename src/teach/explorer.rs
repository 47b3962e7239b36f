//! The backward sweep as a page to step through in a browser.
//!
//! The page is one HTML file with its style, its script and its numbers inside: it needs no
//! network and no server, and opens from disk. Rust lays the graph out (see `layout`) and
//! writes it as SVG, the trace's table as HTML and the sweep's numbers as JSON; the page's
//! script only shows and hides what is already there, step by step.

mod layout;
mod rules;

use std::fmt::Write;
use std::path::Path;

use super::{Kind, Node, Trace, number};
use crate::value::Value;
use layout::Vertex;

/// The page's style and script, kept in files of their own beside this one.
const STYLE: &str = include_str!("explorer/page.css");
const SCRIPT: &str = include_str!("explorer/page.js");

/// Width of one character of the boxes' monospace text, and their line height, in pixels.
const CHAR_WIDTH: f64 = 7.3;
const LINE_HEIGHT: f64 = 15.0;
/// Padding inside a value's box.
const PAD: f64 = 6.0;

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

/// What the layout gets, and where each node's operation went in it.
struct Shape {
    vertices: Vec<Vertex>,
    edges: Vec<(usize, usize)>,
    /// The operation vertex of each node (`None` for leaves).
    op_vertex: Vec<Option<usize>>,
}

/// The vertices and edges to lay out: a box per value (vertex `k` for the `k`-th node), then
/// a small vertex per operation; each operand feeds its operation, which feeds its value.
fn graph_shape(shown: &[Shown]) -> Shape {
    let mut vertices: Vec<Vertex> = shown
        .iter()
        .map(|s| {
            let (width, height) = box_size(s);
            Vertex {
                width,
                height,
                anchored: s.node.kind == Kind::Input,
            }
        })
        .collect();
    let mut edges = Vec::new();
    let mut op_vertex = vec![None; shown.len()];
    for (k, s) in shown.iter().enumerate() {
        if s.node.kind != Kind::Computed {
            continue;
        }
        let op = vertices.len();
        op_vertex[k] = Some(op);
        vertices.push(Vertex {
            width: op_width(s.node),
            height: 22.0,
            anchored: false,
        });
        for &p in &s.node.operands {
            let from = shown
                .binary_search_by_key(&p, |s| s.node.index)
                .expect("every operand is in the trace");
            edges.push((from, op));
        }
        edges.push((op, k));
    }
    Shape {
        vertices,
        edges,
        op_vertex,
    }
}

/// The graph as SVG: edges first (under the boxes), then operations, then values.
fn svg(html: &mut String, shown: &[Shown], drawing: &layout::Drawing, op_vertex: &[Option<usize>]) {
    let (w, h) = (drawing.width.ceil(), drawing.height.ceil());
    let _ = writeln!(
        html,
        "<div id=\"graph-pane\"><svg id=\"graph\" width=\"{w}\" height=\"{h}\" \
         viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"the graph\">\n<g id=\"edges\">"
    );
    let mut paths = drawing.paths.iter();
    for s in shown {
        if s.node.kind != Kind::Computed {
            continue;
        }
        let i = s.node.index;
        let count = s.node.operands.len();
        for (j, &p) in s.node.operands.iter().enumerate() {
            let path = paths.next().expect("a path per edge");
            // An operand used twice gets two edges side by side.
            let twin = s.node.operands.iter().filter(|&&q| q == p).count() > 1;
            let shift = if twin {
                (j as f64 - (count as f64 - 1.0) / 2.0) * 8.0
            } else {
                0.0
            };
            let _ = writeln!(
                html,
                "<path class=\"edge\" id=\"e{i}-{j}\" d=\"{}\"/>",
                curve(path, shift)
            );
        }
        let path = paths.next().expect("a path per edge");
        let _ = writeln!(
            html,
            "<path class=\"edge result\" id=\"r{i}\" d=\"{}\"/>",
            curve(path, 0.0)
        );
    }
    html.push_str("</g>\n<g id=\"ops\">\n");
    for (k, s) in shown.iter().enumerate() {
        let Some(v) = op_vertex[k] else { continue };
        let (x, y) = drawing.centers[v];
        let rx = op_width(s.node) / 2.0;
        let _ = writeln!(
            html,
            "<g class=\"op\" id=\"o{i}\"><ellipse cx=\"{x:.1}\" cy=\"{y:.1}\" rx=\"{rx:.1}\" \
             ry=\"11\"/><text x=\"{x:.1}\" y=\"{:.1}\">{}</text></g>",
            y + 4.0,
            escape_html(&s.node.op),
            i = s.node.index,
        );
    }
    html.push_str("</g>\n<g id=\"nodes\">\n");
    for (k, s) in shown.iter().enumerate() {
        let (x, y) = drawing.centers[k];
        let (bw, bh) = box_size(s);
        let (left, top) = (x - bw / 2.0, y - bh / 2.0);
        let kind = match s.node.kind {
            Kind::Input => " input",
            Kind::Constant => " constant",
            Kind::Computed => "",
        };
        let tx = left + PAD;
        let _ = writeln!(
            html,
            "<g class=\"node{kind}\" id=\"n{i}\" data-index=\"{i}\">\
             <rect x=\"{left:.1}\" y=\"{top:.1}\" width=\"{bw:.1}\" height=\"{bh:.1}\" rx=\"5\"/>\
             <text class=\"name\" x=\"{tx:.1}\" y=\"{:.1}\">{}</text>\
             <text class=\"data\" x=\"{tx:.1}\" y=\"{:.1}\">data {}</text>\
             <text class=\"grad\" id=\"g{i}\" x=\"{tx:.1}\" y=\"{:.1}\">grad 0</text></g>",
            top + PAD + 9.0,
            escape_html(&name(s.node)),
            top + PAD + 9.0 + LINE_HEIGHT,
            number(s.node.value),
            top + PAD + 9.0 + 2.0 * LINE_HEIGHT,
            i = s.node.index,
        );
    }
    html.push_str("</g>\n<g id=\"labels\"></g>\n</svg></div>\n");
}

/// A value's box: wide enough for its name and for its data and grad at their longest.
fn box_size(s: &Shown) -> (f64, f64) {
    let lines = [
        name(s.node).chars().count(),
        "data ".len() + number(s.node.value).chars().count(),
        "grad ".len() + s.grads.iter().map(|g| g.chars().count()).max().unwrap_or(1),
    ];
    let width = lines.into_iter().max().unwrap_or(0) as f64 * CHAR_WIDTH + 2.0 * PAD;
    (width, 3.0 * LINE_HEIGHT + 2.0 * PAD - 4.0)
}

/// An operation's oval: wide enough for its op text.
fn op_width(node: &Node) -> f64 {
    (node.op.chars().count() as f64 * CHAR_WIDTH + 18.0).max(30.0)
}

/// The name a box shows: the node's tag, marked when it is a constant.
fn name(node: &Node) -> String {
    match node.kind {
        Kind::Constant => format!("{} (const)", node.tag()),
        Kind::Input | Kind::Computed => node.tag(),
    }
}

/// An SVG path through `points`, as vertical S-curves between consecutive points, moved
/// sideways by `shift` (for twin edges).
fn curve(points: &[(f64, f64)], shift: f64) -> String {
    let mut d = String::new();
    let (x0, y0) = points[0];
    let _ = write!(d, "M{:.1},{y0:.1}", x0 + shift);
    for pair in points.windows(2) {
        let ((xa, ya), (xb, yb)) = (pair[0], pair[1]);
        let mid = (ya + yb) / 2.0;
        let _ = write!(
            d,
            " C{:.1},{mid:.1} {:.1},{mid:.1} {:.1},{yb:.1}",
            xa + shift,
            xb + shift,
            xb + shift
        );
    }
    d
}

/// The trace's table: a row per contribution (or per note), newest node first, as the
/// trace's `Display` prints it.
fn table(html: &mut String, trace: &Trace, passes: &[Vec<Pass>]) {
    let tag = |index: usize| {
        trace
            .step(index)
            .map_or(format!("#{index}"), |s| s.node().tag())
    };
    html.push_str(
        "<div id=\"table-pane\"><table id=\"trace\">\n<thead><tr><th>node</th><th>op</th>\
         <th>value</th><th>upstream</th><th>to operand</th><th>local</th><th>adds</th></tr>\
         </thead>\n<tbody>\n",
    );
    for (s, (step, list)) in trace.steps().iter().zip(passes).enumerate() {
        let node = step.node();
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
                "<tr data-step=\"{s}\">{first}<td colspan=\"3\" class=\"note swept\">{note}</td></tr>"
            );
        }
        for (k, pass) in list.iter().enumerate() {
            let _ = writeln!(
                html,
                "<tr data-step=\"{s}\"{}>{}<td class=\"swept\">{}</td><td class=\"num swept\">{}</td>\
                 <td class=\"num swept\">{}</td></tr>",
                // Rows after a node's first hold only what it passes on.
                if k == 0 { "" } else { " class=\"more\"" },
                if k == 0 { &first } else { blank },
                escape_html(&tag(pass.to)),
                pass.local,
                pass.adds
            );
        }
    }
    html.push_str("</tbody></table></div>\n");
}

/// The numbers the script steps through, as JSON: the nodes oldest first (the forward
/// phase), then the sweep's steps newest first, every number printed as the trace prints it.
fn json(html: &mut String, shown: &[Shown], trace: &Trace, passes: &[Vec<Pass>]) {
    let output = trace.steps()[0].node();
    let _ = write!(
        html,
        "{{\"output\":{},\"outputTag\":{},\"nodes\":[",
        output.index,
        string(&output.tag())
    );
    for (k, s) in shown.iter().enumerate() {
        let node = s.node;
        let kind = match node.kind {
            Kind::Input => "input",
            Kind::Constant => "constant",
            Kind::Computed => "computed",
        };
        let operands: Vec<String> = node.operands.iter().map(usize::to_string).collect();
        let _ = write!(
            html,
            "{}\n{{\"index\":{},\"tag\":{},\"op\":{},\"kind\":\"{kind}\",\"value\":{},\
             \"operands\":[{}],\"rule\":{}}}",
            if k == 0 { "" } else { "," },
            node.index,
            string(&node.tag()),
            string(&node.op),
            string(&number(node.value)),
            operands.join(","),
            rules::rule(&node.op).map_or("null".to_owned(), string),
        );
    }
    html.push_str("],\"steps\":[");
    for (s, (step, list)) in trace.steps().iter().zip(passes).enumerate() {
        let _ = write!(
            html,
            "{}\n{{\"node\":{},\"upstream\":{},\"note\":{},\"passes\":[",
            if s == 0 { "" } else { "," },
            step.node().index,
            string(&number(step.upstream())),
            step.passes_nothing().map_or("null".to_owned(), string),
        );
        for (k, p) in list.iter().enumerate() {
            let _ = write!(
                html,
                "{}{{\"to\":{},\"edge\":{},\"local\":{},\"adds\":{},\"before\":{},\"after\":{},\
                 \"nth\":{},\"of\":{}}}",
                if k == 0 { "" } else { "," },
                p.to,
                p.edge,
                string(&p.local),
                string(&p.adds),
                string(&p.before),
                string(&p.after),
                p.nth,
                p.of
            );
        }
        html.push_str("]}");
    }
    html.push_str("]}\n");
}

/// A JSON string; `<` is written as `\u003c` so that no text can close the script element.
fn string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '<' => out.push_str("\\u003c"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Text for HTML (and SVG) content and attribute values.
fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{escape_html, string};

    #[test]
    fn json_strings_escape_quotes_and_cannot_close_the_script() {
        assert_eq!(
            string("a \"b\" \\ </script>\n"),
            r#""a \"b\" \\ \u003c/script>\u000a""#
        );
    }

    #[test]
    fn labels_are_escaped_for_html() {
        assert_eq!(escape_html("<b> & \"q\""), "&lt;b&gt; &amp; &quot;q&quot;");
    }
}
