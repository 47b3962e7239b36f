//! The graph behind micrograd's README expression, for Graphviz.
//!
//! Writes `graph.dot` in the current folder (one record per value with its name, data and
//! gradient, one small node per operation) and, when Graphviz's `dot` is on the PATH, renders
//! it to `graph.svg` beside it and prints that file's full path: open it in a browser. The 27
//! values are drawn top to bottom, to fit a screen (see `Graph::to_dot`). Install Graphviz with
//! `apt install graphviz` (Debian, Ubuntu) or `brew install graphviz` (macOS). Ends with one
//! summary line: `graph: nodes=<values drawn> dot=graph.dot svg=<graph.svg|none>`.
//!
//! Run with `cargo run --example graph`.

use std::io;
use std::path::Path;
use std::process::Command;

use tapegrad::Tape;

// micrograd's README expression, shared with the `expression` example.
#[path = "micrograd/mod.rs"]
mod micrograd;

fn main() -> io::Result<()> {
    println!("{}", write_graph(Path::new("."))?);
    Ok(())
}

/// Writes `graph.dot`, and `graph.svg` if Graphviz is there, into `dir`; returns the summary
/// line (`tests/examples_print_their_summaries.rs` calls this too).
pub fn write_graph(dir: &Path) -> io::Result<String> {
    let tape = Tape::new();
    let g = micrograd::expression(&tape).g;
    g.backward();
    let graph = g.graph();
    let dot = dir.join("graph.dot");
    std::fs::write(&dot, graph.to_dot())?;
    let shown = std::path::absolute(&dot).unwrap_or_else(|_| dot.clone());
    println!("wrote {}", shown.display());
    let svg_path = dir.join("graph.svg");
    let svg = match render_svg(&dot, &svg_path) {
        Ok(()) => {
            let shown = std::path::absolute(&svg_path).unwrap_or_else(|_| svg_path.clone());
            println!("wrote {} (open it in a browser)", shown.display());
            "graph.svg"
        }
        Err(why) => {
            println!("no graph.svg: {why}");
            "none"
        }
    };
    Ok(format!(
        "graph: nodes={} dot=graph.dot svg={svg}",
        graph.len()
    ))
}

/// Runs Graphviz's `dot` on `dot`, writing `svg`; says why not if it cannot.
fn render_svg(dot: &Path, svg: &Path) -> Result<(), String> {
    let output = Command::new("dot")
        .arg("-Tsvg")
        .arg(dot)
        .arg("-o")
        .arg(svg)
        .output();
    match output {
        Ok(out) if out.status.success() => Ok(()),
        Ok(out) => Err(format!(
            "Graphviz's dot failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        )),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Err(
            "Graphviz's `dot` is not on the PATH; install it with `apt install graphviz` \
             (Debian, Ubuntu) or `brew install graphviz` (macOS), then run this again"
                .to_owned(),
        ),
        Err(e) => Err(format!("could not run Graphviz's dot: {e}")),
    }
}
