//! `lse`: log-sum-exp, `log Σ_i exp(x_i)`, computed as `a + log Σ_i exp(x_i - a)` with `a`
//! the largest `x_i` (`primal`), and its gradient (`gradient`): one recording on a reused tape
//! and one backward sweep.

use serde::Deserialize;
use serde_json::Value as Json;
use tapegrad::{Scalar, Tape};

use crate::protocol::{Evaluated, input, no_function, timed};

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
            timed(runs, || {
                tape.clear();
                let xv: Vec<_> = x.iter().map(|&x| tape.var(x)).collect();
                primal(&xv).backward();
                xv.iter().map(|v| v.grad()).collect::<Vec<f64>>()
            })
        }
        _ => Err(no_function("lse", function)),
    }
}
