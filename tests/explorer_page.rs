//! The explorer page carries the trace's numbers, step for step, and nothing from the network.
//!
//! The page's numbers are read back from its embedded JSON (with the small parser below) and
//! compared with an independent run of `backward_trace` on a fresh tape: node order, operands,
//! and every printed number against the trace's own table (`Display`), which is how the page
//! promises to print them.
#![cfg(feature = "teach")]

use std::collections::BTreeMap;

use tapegrad::teach::Trace;
use tapegrad::{Tape, Value};

#[path = "../examples/micrograd/mod.rs"]
mod micrograd;

/// A JSON value, as far as the page uses JSON.
#[derive(Clone, Debug, PartialEq)]
enum Json {
    Null,
    Bool(bool),
    Number(f64),
    Text(String),
    List(Vec<Json>),
    Object(BTreeMap<String, Json>),
}

impl Json {
    fn get(&self, key: &str) -> &Json {
        match self {
            Json::Object(map) => map
                .get(key)
                .unwrap_or_else(|| panic!("no `{key}` in {self:?}")),
            _ => panic!("`{key}` looked up in a non-object {self:?}"),
        }
    }
    fn list(&self) -> &[Json] {
        match self {
            Json::List(items) => items,
            _ => panic!("not a list: {self:?}"),
        }
    }
    fn text(&self) -> &str {
        match self {
            Json::Text(text) => text,
            _ => panic!("not a string: {self:?}"),
        }
    }
    fn index(&self) -> usize {
        match self {
            Json::Number(x) if x.fract() == 0.0 && *x >= 0.0 => *x as usize,
            _ => panic!("not an index: {self:?}"),
        }
    }
}

/// Parses JSON text (strict enough for a test: it panics on anything malformed).
fn parse(text: &str) -> Json {
    let chars: Vec<char> = text.chars().collect();
    let mut at = 0;
    let value = parse_value(&chars, &mut at);
    skip_space(&chars, &mut at);
    assert_eq!(at, chars.len(), "text after the JSON value");
    value
}

fn skip_space(c: &[char], at: &mut usize) {
    while *at < c.len() && c[*at].is_whitespace() {
        *at += 1;
    }
}

fn expect(c: &[char], at: &mut usize, want: char) {
    skip_space(c, at);
    assert_eq!(c.get(*at), Some(&want), "at {at}");
    *at += 1;
}

fn parse_value(c: &[char], at: &mut usize) -> Json {
    skip_space(c, at);
    match c[*at] {
        '{' => {
            *at += 1;
            let mut map = BTreeMap::new();
            skip_space(c, at);
            if c[*at] == '}' {
                *at += 1;
                return Json::Object(map);
            }
            loop {
                skip_space(c, at);
                let Json::Text(key) = parse_value(c, at) else {
                    panic!("a key must be a string")
                };
                expect(c, at, ':');
                map.insert(key, parse_value(c, at));
                skip_space(c, at);
                *at += 1;
                match c[*at - 1] {
                    ',' => continue,
                    '}' => return Json::Object(map),
                    other => panic!("`{other}` in an object"),
                }
            }
        }
        '[' => {
            *at += 1;
            let mut items = Vec::new();
            skip_space(c, at);
            if c[*at] == ']' {
                *at += 1;
                return Json::List(items);
            }
            loop {
                items.push(parse_value(c, at));
                skip_space(c, at);
                *at += 1;
                match c[*at - 1] {
                    ',' => continue,
                    ']' => return Json::List(items),
                    other => panic!("`{other}` in a list"),
                }
            }
        }
        '"' => {
            *at += 1;
            let mut text = String::new();
            loop {
                let ch = c[*at];
                *at += 1;
                match ch {
                    '"' => return Json::Text(text),
                    '\\' => {
                        let escaped = c[*at];
                        *at += 1;
                        match escaped {
                            '"' | '\\' | '/' => text.push(escaped),
                            'n' => text.push('\n'),
                            't' => text.push('\t'),
                            'u' => {
                                let hex: String = c[*at..*at + 4].iter().collect();
                                *at += 4;
                                let code = u32::from_str_radix(&hex, 16).expect("hex");
                                text.push(char::from_u32(code).expect("a character"));
                            }
                            other => panic!("escape `\\{other}`"),
                        }
                    }
                    ch => {
                        assert!(ch >= ' ', "raw control character in a string");
                        text.push(ch);
                    }
                }
            }
        }
        't' | 'f' | 'n' => {
            let word: String = c[*at..]
                .iter()
                .take_while(|ch| ch.is_alphabetic())
                .collect();
            *at += word.len();
            match word.as_str() {
                "true" => Json::Bool(true),
                "false" => Json::Bool(false),
                "null" => Json::Null,
                other => panic!("`{other}` is not JSON"),
            }
        }
        _ => {
            let number: String = c[*at..]
                .iter()
                .take_while(|ch| ch.is_ascii_digit() || matches!(ch, '-' | '+' | '.' | 'e' | 'E'))
                .collect();
            *at += number.len();
            Json::Number(number.parse().unwrap_or_else(|_| panic!("`{number}`")))
        }
    }
}

/// The JSON the page embeds for its script.
fn embedded(page: &str) -> Json {
    let open = "<script type=\"application/json\" id=\"tapegrad-data\">";
    let start = page.find(open).expect("the page embeds its data") + open.len();
    let end = start
        + page[start..]
            .find("</script>")
            .expect("the data's script closes");
    parse(&page[start..end])
}

/// One node's rows of the trace's table, as printed: its value and upstream gradient, then
/// for each contribution its local derivative and what it adds, or the row's note.
#[derive(Debug, Default)]
struct Printed {
    value: String,
    upstream: String,
    passes: Vec<(String, String)>,
    note: Option<String>,
}

/// Reads the trace's `Display` table back, one entry per step.
fn printed(trace: &Trace) -> Vec<Printed> {
    let table = trace.to_string();
    let mut out: Vec<Printed> = Vec::new();
    for line in table.lines().skip(2) {
        if line.starts_with("gradients of the inputs") {
            break;
        }
        let (left, right) = line.split_once("  |  ").expect("a row of the table");
        if !left.trim().is_empty() {
            let words: Vec<&str> = left.split_whitespace().collect();
            out.push(Printed {
                value: words[words.len() - 2].to_owned(),
                upstream: words[words.len() - 1].to_owned(),
                ..Printed::default()
            });
        }
        let row = out.last_mut().expect("a node's first row comes first");
        if right.starts_with('(') {
            row.note = Some(right.trim().to_owned());
        } else {
            let words: Vec<&str> = right.split_whitespace().collect();
            let n = words.len();
            row.passes
                .push((words[n - 2].to_owned(), words[n - 1].to_owned()));
        }
    }
    out
}

/// Checks `page` against `trace`, a separate run of `backward_trace` on the same graph.
fn assert_page_matches_trace(page: &str, trace: &Trace) {
    let data = embedded(page);
    let steps = trace.steps();
    let table = printed(trace);
    assert_eq!(table.len(), steps.len());

    // Forward: the nodes oldest first, with their ops, operands and values.
    let nodes = data.get("nodes").list();
    assert_eq!(nodes.len(), steps.len());
    for (shown, step) in nodes.iter().zip(steps.iter().rev()) {
        let node = step.node();
        assert_eq!(shown.get("index").index(), node.index());
        assert_eq!(shown.get("op").text(), node.op());
        let operands: Vec<usize> = shown
            .get("operands")
            .list()
            .iter()
            .map(Json::index)
            .collect();
        assert_eq!(operands, node.operands());
    }
    assert_eq!(data.get("output").index(), steps[0].node().index());

    // Backward: step for step, every number as the trace prints it.
    let shown_steps = data.get("steps").list();
    assert_eq!(shown_steps.len(), steps.len());
    let mut grads: BTreeMap<usize, f64> = BTreeMap::new();
    let mut last_printed: BTreeMap<usize, String> = BTreeMap::new();
    for (s, ((shown, step), row)) in shown_steps.iter().zip(steps).zip(&table).enumerate() {
        let node = step.node();
        assert_eq!(shown.get("node").index(), node.index(), "step {s}");
        assert_eq!(shown.get("upstream").text(), row.upstream, "step {s}");
        let value = nodes
            .iter()
            .find(|n| n.get("index").index() == node.index())
            .unwrap()
            .get("value");
        assert_eq!(value.text(), row.value, "step {s}");
        // The upstream gradient is the grad the page showed last for this node.
        if s > 0 {
            assert_eq!(
                last_printed.get(&node.index()).map_or("0", String::as_str),
                row.upstream,
                "step {s}: the grad shown before the node's turn"
            );
        }
        let passes = shown.get("passes").list();
        assert_eq!(passes.len(), step.contributions().len(), "step {s}");
        assert_eq!(passes.len(), row.passes.len(), "step {s}");
        for ((pass, c), (local, adds)) in passes.iter().zip(step.contributions()).zip(&row.passes) {
            assert_eq!(pass.get("to").index(), c.operand(), "step {s}");
            assert_eq!(pass.get("local").text(), local, "step {s}");
            assert_eq!(pass.get("adds").text(), adds, "step {s}");
            // The edge it runs along joins that operand to this node.
            let edge = pass.get("edge").index();
            assert_eq!(node.operands()[edge], c.operand(), "step {s}");
            // The running grad, summed here in the sweep's order.
            let grad = grads.entry(c.operand()).or_insert(0.0);
            *grad += c.adds();
            let after: f64 = pass.get("after").text().parse().unwrap();
            assert!(
                (after - *grad).abs() <= 1e-6 * grad.abs().max(1.0)
                    || (after.is_nan() && grad.is_nan()),
                "step {s}: running grad {after}, summed {grad}"
            );
            last_printed.insert(c.operand(), pass.get("after").text().to_owned());
        }
        match (&row.note, shown.get("note")) {
            (None, Json::Null) => {}
            (Some(note), Json::Text(text)) => assert_eq!(note, text, "step {s}"),
            (want, got) => panic!("step {s}: note {got:?}, the table has {want:?}"),
        }
    }
}

/// Checks that nothing in `page` would reach the network.
fn assert_offline(page: &str) {
    let lower = page.to_lowercase();
    for reference in [
        "://",
        "src=",
        "href=",
        "@import",
        "url(",
        "<link",
        "<iframe",
        "fetch(",
        "xmlhttprequest",
        "websocket",
        "sendbeacon",
        "import(",
        "<base",
        "srcset",
    ] {
        assert!(
            !lower.contains(reference),
            "the page contains `{reference}`"
        );
    }
}

#[test]
fn micrograd_expression_page_carries_the_trace_step_for_step() {
    let tape = Tape::new();
    let page = micrograd::expression(&tape).g.explore().into_html();
    let tape = Tape::new();
    let trace = micrograd::expression(&tape).g.backward_trace();
    assert_page_matches_trace(&page, &trace);
    // micrograd's README: a.grad 138.8338, b.grad 645.5773, printed as the trace prints them.
    let data = embedded(&page);
    let last_two: Vec<&str> = data.get("steps").list()[25..]
        .iter()
        .map(|s| s.get("upstream").text())
        .collect();
    assert_eq!(last_two, ["645.577259", "138.833819"]);
}

#[test]
fn micrograd_expression_page_is_offline_and_under_150_kb() {
    let tape = Tape::new();
    let page = micrograd::expression(&tape).g.explore().into_html();
    assert_offline(&page);
    assert!(page.len() < 150 * 1024, "{} bytes", page.len());
}

#[test]
fn twin_operands_constants_and_skipped_nodes_match_the_trace() {
    fn build(tape: &Tape) -> Value<'_> {
        let x = tape.named("x", 1.5);
        let k = tape.constant(2.0);
        let unused_branch = (x.ln() * 0.0).relu(); // upstream 0 below the relu at rest
        ((x * x) * k + unused_branch + x.tanh()).label("y")
    }
    let page = build(&Tape::new()).explore().into_html();
    let trace = build(&Tape::new()).backward_trace();
    assert_page_matches_trace(&page, &trace);
    assert_offline(&page);
    let data = embedded(&page);
    let notes: Vec<&str> = data
        .get("steps")
        .list()
        .iter()
        .filter_map(|s| match s.get("note") {
            Json::Text(note) => Some(note.as_str()),
            _ => None,
        })
        .collect();
    assert!(notes.contains(&"(constant: the sweep ends here)"));
    assert!(notes.contains(&"(input: the sweep ends here)"));
    assert!(notes.contains(&"(upstream is 0: passes nothing)"));
    assert!(notes.contains(&"(adds nothing)"));
}

#[test]
fn labels_cannot_break_out_of_the_page() {
    let tape = Tape::new();
    let x = tape.named("</script><script>alert(1)</script>", 2.0);
    let page = (x * 3.0).label("<b>&\"y\"").explore().into_html();
    assert_eq!(
        page.matches("</script>").count(),
        2,
        "the data's and the script's own"
    );
    assert!(!page.contains("<b>&"));
    assert_eq!(
        embedded(&page).get("nodes").list()[0].get("tag").text(),
        "#0 </script><script>alert(1)</script>"
    );
}

#[test]
fn every_rule_shown_is_a_line_of_the_rule_table() {
    let tape = Tape::new();
    let page = micrograd::expression(&tape).g.explore().into_html();
    let data = embedded(&page);
    let table = [
        include_str!("../src/rules/partials.rs"),
        include_str!("../src/rules/backprop.rs"),
    ]
    .concat();
    for node in data.get("nodes").list() {
        match node.get("rule") {
            Json::Text(rule) => assert!(table.contains(&format!("// {rule}\n")), "{rule}"),
            Json::Null => assert_eq!(node.get("kind").text(), "input"),
            other => panic!("rule {other:?}"),
        }
    }
}

#[test]
fn a_lone_input_and_numbers_outside_a_domain_still_make_pages() {
    let tape = Tape::new();
    let x = tape.named("x", 2.0);
    let page = x.explore().into_html();
    let data = embedded(&page);
    assert_eq!(data.get("nodes").list().len(), 1);
    assert_eq!(data.get("steps").list()[0].get("upstream").text(), "1");

    // ln(-1) is NaN, and so is its gradient: the page prints them as the trace does.
    fn build(tape: &Tape) -> Value<'_> {
        let x = tape.named("x", -1.0);
        (x.ln() * 2.0).label("y")
    }
    let page = build(&Tape::new()).explore().into_html();
    assert_page_matches_trace(&page, &build(&Tape::new()).backward_trace());
    assert!(page.contains("\"NaN\""));
}

#[test]
fn every_node_shows_its_expression_on_hover_and_in_the_panel() {
    let tape = Tape::new();
    let page = micrograd::expression(&tape).g.explore().into_html();
    let data = embedded(&page);
    let nodes = data.get("nodes").list();
    let neg = nodes
        .iter()
        .find(|n| n.get("op").text() == "neg")
        .expect("micrograd's expression negates a");
    assert_eq!(neg.get("expression").text(), "#9 = neg(#0 a)");
    assert_eq!(nodes[0].get("expression").text(), "#0 a (input)");
    // The box's <title>, which a browser shows on hover, says the same.
    assert!(
        page.contains("<g class=\"node\" id=\"n9\" data-index=\"9\"><title>#9 = neg(#0 a)</title>")
    );
    for node in nodes {
        let title = format!("<title>{}</title>", node.get("expression").text());
        assert!(page.contains(&title), "no {title}");
    }
}

#[test]
fn the_drawing_is_wide_enough_for_its_widest_edge_label() {
    // One operation: the label `local 0.786448  adds 0.786448` is wider than the graph.
    let tape = Tape::new();
    let page = tape.named("x", 0.5).tanh().label("y").explore().into_html();
    let data = embedded(&page);
    let start = page.find("data-width=\"").unwrap() + "data-width=\"".len();
    let width: f64 = page[start..start + page[start..].find('"').unwrap()]
        .parse()
        .unwrap();
    let pass = &data.get("steps").list()[0].get("passes").list()[0];
    let label = format!(
        "local {}  adds {}",
        pass.get("local").text(),
        pass.get("adds").text()
    );
    assert_eq!(label, "local 0.786448  adds 0.786448");
    // 7.3 pixels a character of the 12-pixel monospace text, 8 of padding.
    assert!(
        width >= label.len() as f64 * 7.3 + 8.0,
        "{width} for `{label}`"
    );
}

#[test]
fn the_page_has_a_legend_for_its_colours() {
    let tape = Tape::new();
    let page = tape.named("x", 0.5).tanh().explore().into_html();
    let start = page.find("<section id=\"legend\"").expect("a legend");
    let legend = &page[start..start + page[start..].find("</section>").unwrap()];
    for words in [
        "blue</b>: forward",
        "orange</b>: backward",
        "green</b>:",
        "pale orange</b>:",
        "grey",
    ] {
        assert!(legend.contains(words), "the legend lacks `{words}`");
    }
}
