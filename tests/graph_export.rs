//! `Value::graph` and `Value::to_dot`: what the Graphviz export draws, checked against graphs
//! small enough to draw by hand.

use tapegrad::Tape;

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
