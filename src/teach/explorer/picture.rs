//! The graph as SVG: a box per value, with the op that made it in a small oval at the top
//! right of the box, where the edges from its operands arrive; styled by the page's script
//! and style sheet, or as a still picture that carries its own colours.
//!
//! The op sits inside its value's box rather than in a layer of its own, as micrograd draws
//! it: that halves the layers, and so the height, of a graph, which lets micrograd's
//! 27-value expression fit a laptop's screen with its text readable.

use std::fmt::Write;

use super::data::escape_html;
use super::layout::{self, Vertex};
use super::{Shown, number};
use crate::teach::{Kind, Node};

/// Width of one character of the boxes' monospace text, and their line height, in pixels.
pub(crate) const CHAR_WIDTH: f64 = 7.3;
const LINE_HEIGHT: f64 = 14.0;
/// Padding inside a value's box.
const PAD: f64 = 5.0;
/// The height of a row of edge labels.
const LABEL_ROW: f64 = 20.0;
/// The op's oval: its height, the room around its text, and the gap before it on its line.
const OVAL_HEIGHT: f64 = 16.0;
const OVAL_PAD: f64 = 12.0;
const OVAL_GAP: f64 = 10.0;

/// What the layout gets: a vertex per value, and an edge from each operand to its result.
pub(super) struct Shape {
    pub(super) vertices: Vec<Vertex>,
    pub(super) edges: Vec<(usize, usize)>,
}

/// The vertices and edges to lay out: a box per value (vertex `k` for the `k`-th node), and
/// an edge from each operand to the value its op made (twice for an operand used twice).
pub(super) fn graph_shape(shown: &[Shown]) -> Shape {
    let vertices = shown
        .iter()
        .map(|s| {
            let (width, height) = box_size(s);
            Vertex {
                width,
                height,
                anchored: s.node.kind == Kind::Input,
                // A row of labels for every two operands past the first two: the labels of
                // a neuron's many converging edges stand in staggered rows.
                room_above: LABEL_ROW * (s.node.operands.len().saturating_sub(1) / 2) as f64,
            }
        })
        .collect();
    let mut edges = Vec::new();
    for (k, s) in shown.iter().enumerate() {
        for &p in &s.node.operands {
            let from = shown
                .binary_search_by_key(&p, |s| s.node.index)
                .expect("every operand is in the graph");
            edges.push((from, k));
        }
    }
    Shape { vertices, edges }
}

/// How a picture of the graph is styled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Look {
    /// The explorer page's: classes and ids for its style sheet and script, which size the
    /// picture to the pane and step through it; every grad starts at 0.
    Page,
    /// A picture on its own (a notebook's, a file's): colours in the elements, the final
    /// grads in the boxes.
    Still,
}

/// Colours of the still picture, the page's (`page.css`) at rest.
const EDGE: &str = "fill=\"none\" stroke=\"#9aa3af\" stroke-width=\"1.3\"";
const OVAL: &str = "fill=\"#eceff3\" stroke=\"#6b7280\"";
const MONO: &str = "font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\" font-size=\"12\"";

/// The graph as SVG: edges first (under the boxes), then the values' boxes, then the ops'
/// ovals on them. Each box and oval carries its expression as a `<title>`, which a browser
/// shows on hover.
pub(super) fn svg(html: &mut String, shown: &[Shown], drawing: &layout::Drawing, look: Look) {
    let (w, h) = (drawing.width.ceil(), drawing.height.ceil());
    let page = look == Look::Page;
    if page {
        let _ = writeln!(
            html,
            "<svg id=\"graph\" viewBox=\"0 0 {w} {h}\" data-width=\"{w}\" data-height=\"{h}\" \
             role=\"img\" aria-label=\"the graph\">\n<g id=\"edges\">"
        );
    } else {
        let _ = writeln!(
            html,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" \
             viewBox=\"0 0 {w} {h}\" {MONO}>\n<rect width=\"{w}\" height=\"{h}\" \
             fill=\"white\"/>\n<g>"
        );
    }
    // The paths come in the order graph_shape gave the edges: node by node, operand by
    // operand. Each ends at the top of its result's box, above the op's oval.
    let mut paths = drawing.paths.iter();
    for (k, s) in shown.iter().enumerate() {
        let i = s.node.index;
        let count = s.node.operands.len();
        let oval_x = oval(s, drawing.centers[k]).0;
        for (j, &p) in s.node.operands.iter().enumerate() {
            let mut path = paths.next().expect("a path per edge").clone();
            let end = path.len() - 1;
            path[end].0 = oval_x;
            // An operand used twice gets two edges side by side.
            let twin = s.node.operands.iter().filter(|&&q| q == p).count() > 1;
            let shift = if twin {
                (j as f64 - (count as f64 - 1.0) / 2.0) * 8.0
            } else {
                0.0
            };
            let d = curve(&path, shift);
            let _ = if page {
                writeln!(html, "<path class=\"edge\" id=\"e{i}-{j}\" d=\"{d}\"/>")
            } else {
                writeln!(html, "<path {EDGE} d=\"{d}\"/>")
            };
        }
    }
    html.push_str(if page {
        "</g>\n<g id=\"nodes\">\n"
    } else {
        "</g>\n<g>\n"
    });
    for (k, s) in shown.iter().enumerate() {
        let (x, y) = drawing.centers[k];
        let (bw, bh) = box_size(s);
        let (left, top) = (x - bw / 2.0, y - bh / 2.0);
        let i = s.node.index;
        let (group, rect, grad) = if page {
            let kind = match s.node.kind {
                Kind::Input => " input",
                Kind::Constant => " constant",
                Kind::Computed => "",
            };
            (
                format!(" class=\"node{kind}\" id=\"n{i}\" data-index=\"{i}\""),
                String::new(),
                format!(" class=\"grad\" id=\"g{i}\">grad 0"),
            )
        } else {
            let fill = match s.node.kind {
                Kind::Input => "#eef4ff\"",
                Kind::Constant => "#f3f4f6\" stroke-dasharray=\"4 3\"",
                Kind::Computed => "#ffffff\"",
            };
            (
                String::new(),
                format!(" fill=\"{fill} stroke=\"#6b7280\" stroke-width=\"1.2\""),
                format!(">grad {}", s.grads.last().map_or("0", String::as_str)),
            )
        };
        let name_class = if page { " class=\"name\"" } else { "" };
        let tx = left + PAD;
        let baseline = |line: f64| top + PAD + 10.0 + line * LINE_HEIGHT;
        let _ = writeln!(
            html,
            "<g{group}><title>{}</title>\
             <rect x=\"{left:.1}\" y=\"{top:.1}\" width=\"{bw:.1}\" height=\"{bh:.1}\" rx=\"5\"{rect}/>\
             <text{name_class} font-weight=\"bold\" x=\"{tx:.1}\" y=\"{:.1}\">{}</text>\
             <text x=\"{tx:.1}\" y=\"{:.1}\">data {}</text>\
             <text x=\"{tx:.1}\" y=\"{:.1}\"{grad}</text></g>",
            escape_html(&s.expression),
            baseline(0.0),
            escape_html(&name(s.node)),
            baseline(1.0),
            number(s.node.value),
            baseline(2.0),
        );
    }
    html.push_str(if page {
        "</g>\n<g id=\"ops\">\n"
    } else {
        "</g>\n<g text-anchor=\"middle\">\n"
    });
    for (k, s) in shown.iter().enumerate() {
        if s.node.kind != Kind::Computed {
            continue;
        }
        let (x, y) = oval(s, drawing.centers[k]);
        let width = oval_width(s.node);
        let i = s.node.index;
        let _ = writeln!(
            html,
            "<g{}><title>{}</title><rect x=\"{:.1}\" y=\"{:.1}\" width=\"{width:.1}\" \
             height=\"{OVAL_HEIGHT}\" rx=\"8\"{}/><text x=\"{x:.1}\" y=\"{:.1}\">{}</text></g>",
            if page {
                format!(" class=\"op\" id=\"o{i}\"")
            } else {
                String::new()
            },
            escape_html(&s.expression),
            x - width / 2.0,
            y - OVAL_HEIGHT / 2.0,
            if page {
                String::new()
            } else {
                format!(" {OVAL}")
            },
            y + 4.0,
            escape_html(&s.node.op),
        );
    }
    html.push_str(if page {
        "</g>\n<g id=\"labels\"></g>\n</svg>\n"
    } else {
        "</g>\n</svg>\n"
    });
}

/// A value's box: wide enough for its name (and its op's oval beside it) and for its data
/// and grad at their longest.
fn box_size(s: &Shown) -> (f64, f64) {
    let text = |chars: usize| chars as f64 * CHAR_WIDTH;
    let first = text(name(s.node).chars().count())
        + if s.node.kind == Kind::Computed {
            OVAL_GAP + oval_width(s.node)
        } else {
            0.0
        };
    let data = text("data ".len() + number(s.node.value).chars().count());
    let grad = text("grad ".len() + s.grads.iter().map(|g| g.chars().count()).max().unwrap_or(1));
    let width = first.max(data).max(grad) + 2.0 * PAD;
    (width, 3.0 * LINE_HEIGHT + 2.0 * PAD - 2.0)
}

/// The center of the op's oval in the box centred at `(x, y)`: at the right end of the
/// box's first line.
fn oval(s: &Shown, (x, y): (f64, f64)) -> (f64, f64) {
    let (bw, bh) = box_size(s);
    let right = x + bw / 2.0 - PAD + 2.0;
    (
        right - oval_width(s.node) / 2.0,
        y - bh / 2.0 + PAD + OVAL_HEIGHT / 2.0 - 2.0,
    )
}

/// An op's oval: wide enough for its op text.
fn oval_width(node: &Node) -> f64 {
    (node.op.chars().count() as f64 * CHAR_WIDTH + OVAL_PAD).max(24.0)
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
