//! The teaching examples run here as they run for a newcomer (`cargo run --example ...`),
//! minus the printing: their summary lines carry the numbers the README promises.

// Each example includes the shared micrograd expression, so this file, which includes two
// examples, loads it twice.
#![allow(clippy::duplicate_mod)]

#[allow(dead_code)] // `main` is the example's, not called here
#[path = "../examples/trace.rs"]
mod trace_example;

#[allow(dead_code)]
#[path = "../examples/graph.rs"]
mod graph_example;

/// The `key=value` pairs of a summary line that starts with `name:`.
fn fields<'a>(line: &'a str, name: &str) -> Vec<(&'a str, &'a str)> {
    let rest = line
        .strip_prefix(name)
        .and_then(|r| r.strip_prefix(':'))
        .unwrap_or_else(|| panic!("`{line}` is not a `{name}:` summary line"));
    rest.split_whitespace()
        .map(|kv| kv.split_once('=').expect("key=value"))
        .collect()
}

#[test]
fn trace_example_ends_with_micrograd_gradients_and_the_neuron_output() {
    let report = trace_example::report();
    let last = report.lines().last().unwrap();
    let fields = fields(last, "trace");
    let keys: Vec<&str> = fields.iter().map(|(k, _)| *k).collect();
    assert_eq!(keys, ["a_grad", "b_grad", "neuron_o"]);
    let number = |i: usize| fields[i].1.parse::<f64>().unwrap();
    // micrograd's README: 138.8338 and 645.5773; the lecture neuron: tanh(n) = 1/√2.
    assert!((number(0) - 138.8338).abs() < 1e-4);
    assert!((number(1) - 645.5773).abs() < 1e-4);
    assert!((number(2) - std::f64::consts::FRAC_1_SQRT_2).abs() < 1e-4);
    // Both tables are there, each ending with its inputs' gradients.
    assert_eq!(report.matches("gradients of the inputs").count(), 2);
    assert!(report.contains("#0 a  138.833819"), "{report}");
}

#[test]
fn graph_example_writes_the_dot_file_it_reports() {
    let dir = std::env::temp_dir().join(format!("tapegrad-graph-example-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let summary = graph_example::write_graph(&dir).unwrap();
    let fields = fields(&summary, "graph");
    // micrograd's expression records 27 nodes on a tape (2 inputs, then 5 for c, 15 for d,
    // 5 for e to g), and g depends on all of them.
    assert_eq!(fields[0], ("nodes", "27"));
    assert_eq!(fields[1], ("dot", "graph.dot"));
    let dot = std::fs::read_to_string(dir.join("graph.dot")).unwrap();
    assert_eq!(dot.matches("shape=record").count(), 27);
    // 27 values are more than a left-to-right drawing fits on a screen: top to bottom, where a
    // record's fields need no braces to lie side by side.
    assert!(dot.contains("rankdir=TB;"), "{dot}");
    assert!(
        dot.contains(r##"label="#0 a | data -4 | grad 138.833819""##),
        "{dot}"
    );
    assert!(
        dot.contains(r##"label="#1 b | data 2 | grad 645.577259""##),
        "{dot}"
    );
    match fields[2] {
        ("svg", "graph.svg") => assert!(dir.join("graph.svg").exists()),
        ("svg", "none") => assert!(!dir.join("graph.svg").exists()),
        other => panic!("unexpected {other:?}"),
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
