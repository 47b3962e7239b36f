//! What a notebook shows under a cell, without Graphviz: the graph as SVG (`Graph::to_svg`),
//! the trace as an HTML table (`Trace::to_html`), and the explorer's page; checked against
//! graphs small enough to draw by hand.
#![cfg(feature = "teach")]

use tapegrad::{Tape, Value};

mod svg_text;
use svg_text::is_well_formed;

// micrograd's README expression, as the examples draw it.
#[allow(dead_code)]
#[path = "../examples/micrograd/mod.rs"]
mod micrograd;

/// The text of every `<text>` element, in order.
fn texts(svg: &str) -> Vec<&str> {
    svg.split("<text")
        .skip(1)
        .map(|rest| {
            let start = rest.find('>').unwrap() + 1;
            &rest[start..start + rest[start..].find("</text>").unwrap()]
        })
        .collect()
}

/// The `<title>` of every node and op, in order.
fn titles(svg: &str) -> Vec<&str> {
    svg.split("<title>")
        .skip(1)
        .map(|rest| &rest[..rest.find("</title>").unwrap()])
        .collect()
}

/// Where each `<path d="M x,y ... x,y">` starts and ends.
fn edge_ends(svg: &str) -> Vec<((f64, f64), (f64, f64))> {
    let point = |text: &str| {
        let (x, y) = text.split_once(',').unwrap();
        (x.parse::<f64>().unwrap(), y.parse::<f64>().unwrap())
    };
    svg.split("<path")
        .skip(1)
        .map(|rest| {
            let start = rest.find(" d=\"M").unwrap() + 5;
            let d = &rest[start..start + rest[start..].find('"').unwrap()];
            let first = d.split_whitespace().next().unwrap();
            let last = d.split_whitespace().last().unwrap();
            (point(first), point(last))
        })
        .collect()
}

fn small_graph(tape: &Tape) -> Value<'_> {
    let a = tape.named("a", 2.0);
    let b = tape.named("b", -3.0);
    let c = (a * b).label("c");
    (c + a).label("d")
}

#[test]
fn the_graph_picture_has_a_box_per_value_with_its_final_grad_and_an_oval_per_op() {
    let tape = Tape::new();
    let d = small_graph(&tape);
    d.backward();
    let svg = d.graph().to_svg();
    // By hand: c = -6, d = -4; dd/dc = 1, dd/da = 1 + b = -2, dd/db = a = 2. Each box reads
    // its name, data and grad; a computed value's op follows its box.
    let expected = [
        "#0 a", "data 2", "grad -2", "#1 b", "data -3", "grad 2", "#2 c", "data -6", "grad 1",
        "#3 d", "data -4", "grad 1", "*", "+",
    ];
    assert_eq!(texts(&svg), expected, "{svg}");
    assert_eq!(
        titles(&svg),
        [
            "#0 a (input)",
            "#1 b (input)",
            "#2 c = #0 a * #1 b",
            "#3 d = #2 c + #0 a",
            "#2 c = #0 a * #1 b",
            "#3 d = #2 c + #0 a",
        ]
    );
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(is_well_formed(&svg), "{svg}");
    // No class or id: the picture carries its own colours, and can sit beside others.
    assert!(!svg.contains("class=") && !svg.contains(" id="), "{svg}");
}

#[test]
fn every_edge_runs_down_from_an_operand_to_the_value_its_op_made() {
    let tape = Tape::new();
    let g = micrograd::expression(&tape).g;
    let graph = g.graph();
    let svg = graph.to_svg();
    let operands: usize = graph.nodes().iter().map(|n| n.operands().len()).sum();
    let edges = edge_ends(&svg);
    assert_eq!(edges.len(), operands);
    for (from, to) in edges {
        assert!(from.1 < to.1, "an edge from {from:?} up to {to:?}");
    }
    assert_eq!(
        texts(&svg)
            .iter()
            .filter(|t| t.starts_with("grad "))
            .count(),
        27
    );
    assert!(is_well_formed(&svg));
}

#[test]
fn the_graph_as_text_lists_each_value_with_what_made_it() {
    let tape = Tape::new();
    let x = tape.named("x", 3.0);
    let y = (x.powi(2) - x).label("y");
    y.backward();
    // dy/dx = 2x - 1 = 5; the expressions padded to the longest, then data and grad.
    let expected = [
        "#0 x (input)      data 3  grad 5",
        "#1 = (#0 x)^2     data 9  grad 1",
        "#2 y = #1 - #0 x  data 6  grad 1",
    ];
    assert_eq!(y.graph().to_string(), expected.join("\n") + "\n");
}

#[test]
fn the_trace_table_in_html_has_the_rows_of_the_text_table() {
    let tape = Tape::new();
    let d = small_graph(&tape);
    let trace = d.backward_trace();
    let html = trace.to_html();
    // The text table's rows: d passes 1 to c and 1 to a; c passes b = -3 to a, a = 2 to b.
    for row in [
        "<td>#3 d</td><td>+</td><td class=\"num\">-4</td><td class=\"num swept\">1</td>\
         <td class=\"swept\">#2 c</td><td class=\"num swept\">1</td><td class=\"num swept\">1</td>",
        "<td class=\"swept\">#0 a</td><td class=\"num swept\">1</td><td class=\"num swept\">1</td>",
        "<td>#2 c</td><td>*</td><td class=\"num\">-6</td><td class=\"num swept\">1</td>\
         <td class=\"swept\">#0 a</td><td class=\"num swept\">-3</td><td class=\"num swept\">-3</td>",
        "<td class=\"swept\">#1 b</td><td class=\"num swept\">2</td><td class=\"num swept\">2</td>",
        "<td colspan=\"3\" class=\"note swept\">(input: the sweep ends here)</td>",
    ] {
        assert!(html.contains(row), "missing {row} in\n{html}");
    }
    assert!(html.contains("gradients of the inputs: d #3 d / d #0 a = -2, d #3 d / d #1 b = 2"));
    assert_eq!(html.matches("<tr>").count(), 1 + 6, "the head and six rows");
    // Its style names only its own class.
    let style = &html[..html.find("</style>").unwrap()];
    assert!(style.split('}').all(|rule| rule.trim().is_empty()
        || rule.trim_start().starts_with("<style>.tapegrad-trace")
        || rule.trim_start().starts_with(".tapegrad-trace")));
}

#[test]
fn a_leaked_tape_keeps_values_alive_past_the_function_that_made_them() {
    fn record() -> (Value<'static>, Value<'static>) {
        let tape = Tape::new().leak();
        let x = tape.named("x", 0.5);
        (x, (x * x).label("y"))
    }
    let (x, y) = record();
    y.backward();
    assert_eq!(x.grad(), 1.0);
    assert!(y.graph().to_svg().contains(">#1 y</text>"));
}
