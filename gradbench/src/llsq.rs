//! `llsq`: the least-squares objective `½ Σ_i (s_i - Σ_j x_j t_i^j)²` of a polynomial fit to
//! the sign function at `n` points `t_i` spread evenly over `[-1, 1]` (`primal`), and its
//! gradient by the coefficients `x` (`gradient`): one recording on a reused tape and one
//! backward sweep.

use std::ops::Sub;

use serde::Deserialize;
use serde_json::Value as Json;
use tapegrad::Tape;

use crate::fused::Fused;
use crate::protocol::{Evaluated, input, no_function, timed};
use crate::reverse::gradient;

#[derive(Deserialize)]
struct Input {
    x: Vec<f64>,
    n: usize,
}

/// `t_i = -1 + 2 i / (n - 1)`.
fn t(i: usize, n: usize) -> f64 {
    -1.0 + i as f64 * 2.0 / (n as f64 - 1.0)
}

/// The sign of `t` (0 at 0).
fn sign(t: f64) -> f64 {
    if t > 0.0 {
        1.0
    } else if t < 0.0 {
        -1.0
    } else {
        0.0
    }
}

/// `½ Σ_i (s_i - Σ_j x_j t_i^j)²`; `powers` is scratch for the `t_i^j`.
pub fn primal<S: Fused>(x: &[S], n: usize, powers: &mut Vec<f64>) -> S
where
    f64: Sub<S, Output = S>,
{
    let residuals: Vec<S> = (0..n)
        .map(|i| {
            let ti = t(i, n);
            powers.clear();
            let mut power = 1.0;
            for _ in 0..x.len() {
                powers.push(power);
                power *= ti;
            }
            sign(ti) - S::dot_numbers(x, powers)
        })
        .collect();
    S::dot(&residuals, &residuals) * 0.5
}

pub fn evaluate(function: &str, json: &Json) -> Result<Evaluated, String> {
    let (inp, runs) = input::<Input>(json)?;
    let (x, n) = (inp.x, inp.n);
    if x.is_empty() || n < 2 {
        return Err("llsq: needs coefficients and two points".into());
    }
    let mut powers = Vec::with_capacity(x.len());
    match function {
        "primal" => timed(runs, || primal(&x, n, &mut powers)),
        "gradient" => {
            let mut tape = Tape::new();
            timed(runs, || {
                gradient(&mut tape, &x, |xv| primal(xv, n, &mut powers))
            })
        }
        _ => Err(no_function("llsq", function)),
    }
}

#[cfg(test)]
mod reference_tests {
    //! Against GradBench's hand-written reference (its `manual` tool) on a small input.
    use crate::protocol::assert_evaluates_to;

    const INPUT: &str = r#"{"x":[0.5,-1.0,2.0,0.25],"n":7}"#;

    #[test]
    fn primal_matches_the_reference() {
        let expected = r#"16.177640603566534"#;
        assert_evaluates_to(super::evaluate, "primal", INPUT, expected, 1e-9);
    }

    #[test]
    fn gradient_matches_the_reference() {
        let expected =
            r#"[9.722222222222223,-6.506172839506173,6.395061728395063,-4.541838134430727]"#;
        assert_evaluates_to(super::evaluate, "gradient", INPUT, expected, 1e-9);
    }
}
