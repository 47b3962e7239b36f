//! `hello`: `square(x) = x²` and its derivative `double`, the protocol's smoke test.

use serde_json::Value as Json;
use tapegrad::Tape;

use crate::protocol::{Evaluated, Runs, no_function, timed};

pub fn evaluate(function: &str, input: &Json) -> Result<Evaluated, String> {
    let x = input
        .as_f64()
        .ok_or_else(|| format!("hello's input is a number, got {input}"))?;
    // hello's input carries no run counts: one run.
    let runs = Runs {
        min_runs: 1,
        min_seconds: 0.0,
    };
    match function {
        "square" => timed(runs, || x * x),
        "double" => {
            let mut tape = Tape::new();
            timed(runs, || {
                tape.clear();
                let v = tape.var(x);
                (v * v).backward();
                v.grad()
            })
        }
        _ => Err(no_function("hello", function)),
    }
}

#[cfg(test)]
mod tests {
    use crate::protocol::assert_evaluates_to;

    #[test]
    fn square_and_its_derivative() {
        assert_evaluates_to(super::evaluate, "square", "1.5", "2.25", 0.0);
        assert_evaluates_to(super::evaluate, "double", "1.5", "3.0", 0.0);
    }
}
