//! `Value::graph` and `Value::to_dot`: what the Graphviz export draws, checked against graphs
//! small enough to draw by hand.
#![cfg(feature = "teach")]

use std::process::Command;

use tapegrad::Tape;
use tapegrad::teach::Graph;

// micrograd's README expression, as the `graph` example draws it.
#[allow(dead_code)]
#[path = "../examples/micrograd/mod.rs"]
mod micrograd;

#[test]
fn dot_has_a_record_per_value_and_an_op_node_between_a_value_and_its_operands() {
    let tape = Tape::new();
    let a = tape.named("a", 2.0);
    let b = tape.named("b", -3.0);
    let c = (a * b).label("c");
    let d = (c + a).label("d");
    d.backward();
    let dot = d.to_dot();
    // By hand: c = -6, d = -4; dd/dc = 1, dd/da = 1 + b = -2, dd/db = a = 2.
    let expected = [
        r#"v0 [shape=record, label="{ #0 a | data 2 | grad -2 }"];"#,
        r#"v1 [shape=record, label="{ #1 b | data -3 | grad 2 }"];"#,
        r#"v2 [shape=record, label="{ #2 c | data -6 | grad 1 }"];"#,
        r#"op2 [label="*"];"#,
        "v0 -> op2;",
        "v1 -> op2;",
        "op2 -> v2;",
        r#"v3 [shape=record, label="{ #3 d | data -4 | grad 1 }"];"#,
        r#"op3 [label="+"];"#,
        "v2 -> op3;",
        "v0 -> op3;",
        "op3 -> v3;",
    ];
    for line in expected {
        assert!(dot.contains(line), "missing `{line}` in\n{dot}");
    }
    assert!(dot.starts_with("digraph"), "{dot}");
    assert!(dot.trim_end().ends_with('}'), "{dot}");
    let statements = dot.lines().filter(|l| l.trim_end().ends_with(';')).count();
    assert_eq!(
        statements,
        expected.len() + 1,
        "rankdir and the lines above:\n{dot}"
    );
    assert!(
        !dot.contains("op0") && !dot.contains("op1"),
        "inputs have no op node"
    );
}

#[test]
fn only_the_nodes_the_value_depends_on_are_drawn() {
    let tape = Tape::new();
    let x = tape.named("x", 1.0);
    let unrelated = tape.named("u", 5.0);
    let _before = unrelated.exp();
    let y = (x.sin() * 2.0).label("y");
    let _after = y + unrelated;
    let graph = y.graph();
    let indices: Vec<usize> = graph.nodes().iter().map(|n| n.index()).collect();
    assert_eq!(indices, [x.index(), x.index() + 3, y.index()]);
    let dot = y.to_dot();
    assert!(!dot.contains("#1 u"), "{dot}");
    assert!(!dot.contains("v1 ") && !dot.contains("v2 ") && !dot.contains("v5 "));
}

#[test]
fn a_long_chain_is_walked_without_recursion() {
    let tape = Tape::new();
    let x = tape.var(1.0);
    let mut y = x;
    for _ in 0..200_000 {
        y *= 1.0;
    }
    assert_eq!(y.graph().len(), 200_001);
}

#[test]
fn numbers_folded_into_a_node_show_in_its_op() {
    let tape = Tape::new();
    let x = tape.var(4.0);
    let cases = [
        (x * 3.0, "* 3"),
        (3.0 * x, "* 3"),
        (x / 2.0, "/ 2"),
        (10.0 / x, "10 /"),
        (x + 1.5, "+ 1.5"),
        (x - 1.0, "+ -1"),
        (1.0 - x, "1 -"),
        (x.powi(3), "^3"),
        (x.powf(0.5), "^0.5"),
        (x.log(2.0), "log base 2"),
        (x.leaky_relu(0.01), "leaky_relu 0.01"),
        (x.clamp(-1.0, 1.0), "clamp [-1, 1]"),
        (x.tanh(), "tanh"),
    ];
    for (y, op) in cases {
        assert_eq!(y.graph().nodes()[1].op(), op);
        assert!(y.to_dot().contains(&format!("label=\"{op}\"")));
    }
}

#[test]
fn fused_nodes_show_every_operand() {
    let tape = Tape::new();
    let w = [tape.var(1.0), tape.var(2.0)];
    let bias = tape.var(0.5);
    let x = [tape.var(3.0), tape.var(4.0)];
    let before = tape.len();
    let neuron = tape.affine(&w, bias, &x);
    assert_eq!(
        tape.len(),
        before + 1,
        "consecutive weights and inputs fuse"
    );
    let graph = neuron.graph();
    assert_eq!(graph.nodes().last().unwrap().operands(), [0, 1, 2, 3, 4]);
    assert_eq!(graph.nodes().last().unwrap().op(), "affine");
    let dot = neuron.to_dot();
    for p in 0..5 {
        assert!(dot.contains(&format!("v{p} -> op5;")), "{dot}");
    }

    let dot_node = tape.dot(&w, &x);
    assert_eq!(
        dot_node.graph().nodes().last().unwrap().operands(),
        [0, 1, 3, 4]
    );
    let sum = tape.sum([x[1], w[0], x[1]]);
    let graph = sum.graph();
    assert_eq!(graph.nodes().last().unwrap().operands(), [4, 0, 4]);
    assert_eq!(graph.len(), 3);
    assert_eq!(
        sum.to_dot()
            .matches(&format!("v4 -> op{};", sum.index()))
            .count(),
        2
    );
}

#[test]
fn constants_are_marked_and_labels_are_escaped() {
    let tape = Tape::new();
    let k = tape.constant(2.0);
    let x = tape.named("{x|<y>}", 1.0);
    let y = (x * k).label("say \"hi\"");
    let dot = y.to_dot();
    assert!(
        dot.contains(r#"label="{ #0 (const) | data 2 | grad 0 }""#),
        "{dot}"
    );
    assert!(
        dot.contains(r#"label="{ #1 \{x\|\<y\>\} | data 1 | grad 0 }""#),
        "{dot}"
    );
    assert!(
        dot.contains(r#"label="{ #2 say \"hi\" | data 2 | grad 0 }""#),
        "{dot}"
    );
}

#[test]
fn the_graph_shows_the_gradients_of_the_last_backward() {
    let tape = Tape::new();
    let x = tape.named("x", 3.0);
    let square = x * x;
    let triple = x * 3.0;
    square.backward();
    assert_eq!(square.graph().nodes()[0].grad(), 6.0);
    triple.backward();
    assert_eq!(
        square.graph().nodes()[0].grad(),
        3.0,
        "grads of the later backward"
    );
}

/// A chain `x, sin x, sin sin x, ...` of `values` values.
fn chain_of(tape: &Tape, values: usize) -> tapegrad::Value<'_> {
    let mut y = tape.named("x", 0.5);
    for _ in 1..values {
        y = y.sin();
    }
    y
}

#[test]
fn up_to_fifteen_values_are_drawn_left_to_right_and_more_top_to_bottom() {
    assert_eq!(Graph::LEFT_TO_RIGHT_UP_TO, 15);
    let tape = Tape::new();
    let small = chain_of(&tape, 15);
    let dot = small.to_dot();
    assert_eq!(small.graph().len(), 15);
    assert!(dot.contains("rankdir=LR;"), "{dot}");
    assert!(!dot.contains("rankdir=TB"), "{dot}");
    // Left to right, a record's fields need braces to lie side by side (micrograd's look).
    assert!(dot.contains(r#"v0 [shape=record, label="{ #0 x | data 0.5 | grad 0 }"];"#));

    let tape = Tape::new();
    let large = chain_of(&tape, 16);
    let dot = large.to_dot();
    assert!(dot.contains("rankdir=TB;"), "{dot}");
    assert!(!dot.contains("rankdir=LR"), "{dot}");
    // Top to bottom, the same fields lie side by side without braces.
    assert!(dot.contains(r##"v0 [shape=record, label="#0 x | data 0.5 | grad 0"];"##));
    assert!(!dot.contains("label=\"{"), "{dot}");
    // The edges are the same either way.
    assert!(
        dot.contains("v14 -> op15;") && dot.contains("op15 -> v15;"),
        "{dot}"
    );
}

/// The width and height Graphviz gives an SVG, in points (1/72 inch).
fn svg_size_in_points(svg: &str) -> (f64, f64) {
    let attribute = |name: &str| -> f64 {
        let start = svg.find(&format!("{name}=\"")).expect("an svg size") + name.len() + 2;
        let value = &svg[start..start + svg[start..].find('"').unwrap()];
        value.trim_end_matches("pt").parse().unwrap()
    };
    (attribute("width"), attribute("height"))
}

#[test]
fn micrograds_expression_fits_a_1600_by_1000_screen_when_rendered() {
    let tape = Tape::new();
    let g = micrograd::expression(&tape).g;
    g.backward();
    let dot = g.to_dot();
    assert_eq!(g.graph().len(), 27);
    let dir = std::env::temp_dir().join(format!("tapegrad-graph-fit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (dot_path, svg_path) = (dir.join("graph.dot"), dir.join("graph.svg"));
    std::fs::write(&dot_path, dot).unwrap();
    let rendered = Command::new("dot")
        .arg("-Tsvg")
        .arg(&dot_path)
        .arg("-o")
        .arg(&svg_path)
        .status();
    match rendered {
        Ok(status) if status.success() => {
            let svg = std::fs::read_to_string(&svg_path).unwrap();
            let (width, height) = svg_size_in_points(&svg);
            // A browser shows a point as 96/72 pixels.
            let (width, height) = (width * 96.0 / 72.0, height * 96.0 / 72.0);
            assert!(
                width <= 1600.0 && height <= 1000.0,
                "micrograd's expression renders at {width:.0} x {height:.0} pixels"
            );
            // Readable: at that size nothing was scaled down, so the text keeps Graphviz's
            // 14-point font.
            assert!(!svg.contains("scale(0"), "the drawing was scaled down");
        }
        Ok(status) => panic!("Graphviz's dot failed: {status}"),
        Err(_) => eprintln!("Graphviz's `dot` is not installed: the rendered size is not checked"),
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
