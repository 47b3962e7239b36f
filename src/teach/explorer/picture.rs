//! The graph as SVG: a box per value, an oval per operation, and the edges between them,
//! where the layout put them.

use std::fmt::Write;

use super::data::escape_html;
use super::layout::{self, Vertex};
use super::{Shown, number};
use crate::teach::{Kind, Node};

/// Width of one character of the boxes' monospace text, and their line height, in pixels.
const CHAR_WIDTH: f64 = 7.3;
const LINE_HEIGHT: f64 = 15.0;
/// Padding inside a value's box.
const PAD: f64 = 6.0;
/// What the layout gets, and where each node's operation went in it.
pub(super) struct Shape {
    pub(super) vertices: Vec<Vertex>,
    pub(super) edges: Vec<(usize, usize)>,
    /// The operation vertex of each node (`None` for leaves).
    pub(super) op_vertex: Vec<Option<usize>>,
}

/// The vertices and edges to lay out: a box per value (vertex `k` for the `k`-th node), then
/// a small vertex per operation; each operand feeds its operation, which feeds its value.
pub(super) fn graph_shape(shown: &[Shown]) -> Shape {
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
pub(super) fn svg(
    html: &mut String,
    shown: &[Shown],
    drawing: &layout::Drawing,
    op_vertex: &[Option<usize>],
) {
    let (w, h) = (drawing.width.ceil(), drawing.height.ceil());
    let _ = writeln!(
        html,
        "<div id=\"graph-pane\"><svg id=\"graph\" width=\"{w}\" height=\"{h}\" \
         viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"the graph\">\n<g id=\"edges\">"
    );
    // The paths come in the order graph_shape gave the edges: operands, then the result.
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
