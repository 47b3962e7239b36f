//! The graph behind a value, as data and as Graphviz text.

use std::fmt::{self, Write};

use super::{Kind, Node, explorer, expression, number, walk_back};
use crate::value::Value;

/// The part of a tape that one value depends on: the value itself and every node it was
/// computed from, in tape order (oldest first). Nodes recorded on the same tape for other
/// results are left out.
///
/// ```
/// let tape = tapegrad::Tape::new();
/// let a = tape.named("a", 2.0);
/// let unrelated = a.exp();
/// let b = (a * 4.0).label("b");
/// let graph = b.graph();
/// let labels: Vec<_> = graph.nodes().iter().map(|n| n.label()).collect();
/// assert_eq!(labels, [Some("a"), Some("b")]);
/// assert!(graph.node(unrelated.index()).is_none());
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Graph {
    nodes: Vec<Node>,
}

impl Graph {
    /// The nodes, oldest first.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(1.0);
    /// let graph = (x + x).graph();
    /// assert_eq!(graph.nodes()[1].operands(), [0, 0]);
    /// ```
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// The node at position `index` of the tape, if the value depends on it.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(1.0);
    /// let y = x.sin();
    /// assert_eq!(y.graph().node(x.index()).map(|n| n.op()), Some("var"));
    /// ```
    pub fn node(&self, index: usize) -> Option<&Node> {
        let at = self.nodes.binary_search_by_key(&index, Node::index).ok()?;
        Some(&self.nodes[at])
    }

    /// How many nodes the value depends on, itself included.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(1.0);
    /// assert_eq!((x * 2.0 + 1.0).graph().len(), 3);
    /// ```
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Always `false`: a graph holds at least the value it was made from.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// assert!(!tape.var(1.0).graph().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The graph in Graphviz's DOT language, in micrograd's look: a record
    /// `#index label | data .. | grad ..` for every value, and a small node for the operation
    /// that made it, with an edge from each operand (twice for an operand used twice) and one on
    /// to the result. Inputs and constants have no operation node.
    ///
    /// A graph of up to [`LEFT_TO_RIGHT_UP_TO`](Graph::LEFT_TO_RIGHT_UP_TO) values is drawn left
    /// to right, as micrograd draws it. A larger one is drawn top to bottom with tighter
    /// spacing, since a long chain drawn sideways comes out many screens wide: micrograd's
    /// README expression (27 values) renders at about 1550 x 1000 pixels this way, against
    /// 6700 x 460 left to right.
    ///
    /// Render it with Graphviz: `dot -Tsvg graph.dot -o graph.svg`.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let a = tape.named("a", 2.0);
    /// let b = (a * 3.0).label("b");
    /// b.backward();
    /// let dot = b.graph().to_dot();
    /// assert!(dot.starts_with("digraph"));
    /// assert!(dot.contains("rankdir=LR;"));
    /// assert!(dot.contains(r#"v0 [shape=record, label="{ #0 a | data 2 | grad 3 }"];"#));
    /// assert!(dot.contains(r#"op1 [label="* 3"];"#));
    /// assert!(dot.contains("v0 -> op1;"));
    /// assert!(dot.contains("op1 -> v1;"));
    /// ```
    pub fn to_dot(&self) -> String {
        let left_to_right = self.nodes.len() <= Self::LEFT_TO_RIGHT_UP_TO;
        let mut dot = String::from("digraph tapegrad {\n");
        if left_to_right {
            dot.push_str("    rankdir=LR;\n");
        } else {
            dot.push_str(
                "    rankdir=TB;\n    ranksep=0.12;\n    nodesep=0.12;\n    \
                 node [height=0.2, margin=\"0.08,0.02\"];\n",
            );
        }
        // A record's fields run across the rank direction, so left to right they need braces to
        // lie side by side; top to bottom they lie side by side without.
        let (open, close) = if left_to_right {
            ("{ ", " }")
        } else {
            ("", "")
        };
        for node in &self.nodes {
            let i = node.index();
            let name = match node.kind {
                Kind::Constant => format!("{} (const)", node.tag()),
                Kind::Input | Kind::Computed => node.tag(),
            };
            // `write!` to a String cannot fail.
            let _ = writeln!(
                dot,
                "    v{i} [shape=record, label=\"{open}{} | data {} | grad {}{close}\"];",
                escape_record(&name),
                number(node.value()),
                number(node.grad()),
            );
            if node.kind != Kind::Computed {
                continue;
            }
            let _ = writeln!(dot, "    op{i} [label=\"{}\"];", escape_quoted(node.op()));
            for p in node.operands() {
                let _ = writeln!(dot, "    v{p} -> op{i};");
            }
            let _ = writeln!(dot, "    op{i} -> v{i};");
        }
        dot.push_str("}\n");
        dot
    }

    /// The graph as an SVG picture, without Graphviz: the explorer's drawing (see
    /// [`Value::explore`]), top to bottom, a box per value (`#index label`, data, grad) and
    /// an oval per operation, with each node's expression (`#9 = neg(#0 a)`) as the text a
    /// browser shows on hover. The picture carries its own colours and fonts.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let a = tape.named("a", 2.0);
    /// let b = (a * 3.0).label("b");
    /// b.backward();
    /// let svg = b.graph().to_svg();
    /// assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    /// assert!(svg.contains(">#0 a</text>") && svg.contains(">grad 3</text>"));
    /// assert!(svg.contains("<title>#1 b = #0 a * 3</title>"));
    /// ```
    pub fn to_svg(&self) -> String {
        explorer::graph_svg(&self.nodes)
    }

    /// Shows the graph under a notebook cell: evcxr's Jupyter kernel calls this method on a
    /// cell's last expression. It prints the picture of [`to_svg`](Graph::to_svg), and the
    /// text of `Display` for front ends without pictures, between evcxr's markers.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// tape.var(2.0).exp().graph().evcxr_display(); // EVCXR_BEGIN_CONTENT image/svg+xml ...
    /// ```
    pub fn evcxr_display(&self) {
        print!("{}", self.evcxr_output());
    }

    /// What [`evcxr_display`](Graph::evcxr_display) prints.
    pub(crate) fn evcxr_output(&self) -> String {
        crate::notebook::evcxr_output(&[
            ("image/svg+xml", &self.to_svg()),
            ("text/plain", &self.to_string()),
        ])
    }

    /// The most values [`to_dot`](Graph::to_dot) draws left to right; larger graphs are drawn
    /// top to bottom.
    ///
    /// ```
    /// use tapegrad::teach::Graph;
    ///
    /// let tape = tapegrad::Tape::new();
    /// let mut y = tape.var(1.0);
    /// while y.graph().len() < Graph::LEFT_TO_RIGHT_UP_TO {
    ///     y = y.sin();
    /// }
    /// assert!(y.to_dot().contains("rankdir=LR;"));
    /// assert!(y.sin().to_dot().contains("rankdir=TB;"));
    /// ```
    pub const LEFT_TO_RIGHT_UP_TO: usize = 15;
}

/// The graph as text, a line per node, oldest first: its expression, data and grad.
///
/// ```
/// let tape = tapegrad::Tape::new();
/// let a = tape.named("a", 2.0);
/// let b = (a * 3.0).label("b");
/// b.backward();
/// assert_eq!(
///     b.graph().to_string(),
///     "#0 a (input)     data 2  grad 3\n#1 b = #0 a * 3  data 6  grad 1\n"
/// );
/// ```
impl fmt::Display for Graph {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tag_of = |index: usize| self.node(index).map_or(format!("#{index}"), Node::tag);
        let rows: Vec<[String; 3]> = self
            .nodes
            .iter()
            .map(|n| [expression(n, tag_of), number(n.value), number(n.grad)])
            .collect();
        let width = |i: usize| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0);
        let (w0, w1) = (width(0), width(1));
        for [made, data, grad] in &rows {
            writeln!(f, "{made:<w0$}  data {data:<w1$}  grad {grad}")?;
        }
        Ok(())
    }
}

impl<'t> Value<'t> {
    /// The graph this value depends on: every node it was computed from, with names, values
    /// and the gradients of the last [`backward`](Value::backward) on the tape. Call it after
    /// `backward` to see gradients.
    ///
    /// Cost: one pass over the tape up to this value.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.named("x", 3.0);
    /// let y = x.powi(2).label("y");
    /// y.backward();
    /// let graph = y.graph();
    /// assert_eq!(graph.len(), 2);
    /// assert_eq!((graph.nodes()[0].label(), graph.nodes()[0].grad()), (Some("x"), 6.0));
    /// ```
    pub fn graph(self) -> Graph {
        let mut nodes: Vec<Node> = walk_back(self).into_iter().map(|r| r.node).collect();
        nodes.reverse();
        Graph { nodes }
    }

    /// The graph of [`graph`](Value::graph) in Graphviz's DOT language (see
    /// [`Graph::to_dot`]). Write it to a file and render it with
    /// `dot -Tsvg graph.dot -o graph.svg`.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.named("x", 0.0);
    /// let y = x.tanh().label("y");
    /// y.backward();
    /// let dot = y.to_dot();
    /// assert!(dot.contains(r#"op1 [label="tanh"];"#));
    /// assert!(dot.contains(r#"label="{ #1 y | data 0 | grad 1 }""#));
    /// ```
    pub fn to_dot(self) -> String {
        self.graph().to_dot()
    }
}

/// Escapes the characters that structure a record label, and those of a quoted string.
fn escape_record(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '{' | '}' | '|' | '<' | '>' | '"' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Escapes a quoted string.
fn escape_quoted(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

#[cfg(test)]
pub(crate) mod tests {
    /// The `(mime type, content)` blocks of evcxr's output, checking its framing.
    pub(crate) fn blocks(out: &str) -> Vec<(String, String)> {
        let mut blocks = Vec::new();
        let mut lines = out.lines();
        while let Some(line) = lines.next() {
            let mime = line
                .strip_prefix("EVCXR_BEGIN_CONTENT ")
                .unwrap_or_else(|| panic!("`{line}` outside a block"));
            let content: Vec<&str> = lines
                .by_ref()
                .take_while(|l| *l != "EVCXR_END_CONTENT")
                .collect();
            blocks.push((mime.to_owned(), content.join("\n")));
        }
        assert!(out.ends_with("EVCXR_END_CONTENT\n"), "{out}");
        blocks
    }

    #[test]
    fn the_notebook_display_is_the_picture_then_the_text() {
        let tape = crate::Tape::new();
        let y = tape.named("x", 2.0).exp().label("y");
        y.backward();
        let graph = y.graph();
        let blocks = blocks(&graph.evcxr_output());
        let mimes: Vec<&str> = blocks.iter().map(|b| b.0.as_str()).collect();
        assert_eq!(mimes, ["image/svg+xml", "text/plain"]);
        assert_eq!(blocks[0].1, graph.to_svg().trim_end());
        assert!(blocks[0].1.starts_with("<svg xmlns="));
        assert_eq!(
            blocks[1].1,
            "#0 x (input)      data 2         grad 7.389056\n\
             #1 y = exp(#0 x)  data 7.389056  grad 1"
        );
    }
}
