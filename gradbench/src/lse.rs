//! `lse`: log-sum-exp, `log Σ_i exp(x_i)`, computed as `a + log Σ_i exp(x_i - a)` with `a`
//! the largest `x_i` (`primal`), and its gradient (`gradient`): one recording on a reused tape
//! and one backward sweep.

use serde::Deserialize;
use serde_json::Value as Json;
use tapegrad::{Scalar, Tape};

use crate::protocol::{Evaluated, input, no_function, timed};
use crate::reverse::gradient;

#[derive(Deserialize)]
struct Input {
    x: Vec<f64>,
}

/// `a + log Σ_i exp(x_i - a)`, `a = max x_i`. The shift `a` is taken as a number: the value
/// and every derivative are those of `log Σ exp(x_i)`, whatever `a` is.
pub fn primal<S: Scalar>(x: &[S]) -> S {
    let a = x.iter().map(|x| x.data()).fold(f64::NEG_INFINITY, f64::max);
    x.iter().map(|&x| (x - a).exp()).sum::<S>().ln() + a
}

pub fn evaluate(function: &str, json: &Json) -> Result<Evaluated, String> {
    let (inp, runs) = input::<Input>(json)?;
    let x = inp.x;
    if x.is_empty() {
        return Err("lse: needs an x".into());
    }
    match function {
        "primal" => timed(runs, || primal(&x)),
        "gradient" => {
            let mut tape = Tape::new();
            timed(runs, || gradient(&mut tape, &x, |xv| primal(xv)))
        }
        _ => Err(no_function("lse", function)),
    }
}

#[cfg(test)]
mod reference_tests {
    //! Against GradBench's hand-written reference (its `manual` tool) on a small input.
    use crate::protocol::assert_evaluates_to;

    const INPUT: &str = r#"{"x":[1.0,-2.0,3.5,0.25]}"#;

    #[test]
    fn primal_matches_the_reference() {
        let expected = r#"3.617735014853701"#;
        assert_evaluates_to(super::evaluate, "primal", INPUT, expected, 1e-9);
    }

    #[test]
    fn gradient_matches_the_reference() {
        let expected = r#"[0.07296794711650341,0.0036328601717520352,0.8889315750717331,0.034467617640011376]"#;
        assert_evaluates_to(super::evaluate, "gradient", INPUT, expected, 1e-9);
    }
}
