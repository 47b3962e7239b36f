//! `ode`: `s` steps of the classic Runge-Kutta method on `y_0' = x_0`,
//! `y_i' = x_i y_{i-1}` from `y(0) = 0` to `t = 2` (`primal`), and the gradient of the last
//! `y` by every `x` (`gradient`): one recording on a reused tape and one backward sweep.
//!
//! Recorded op by op: a component's step is eleven multiplies and adds of six numbers, which
//! op by op records as eleven nodes of 18 operands in all; as a statement of four outputs
//! (`Tape::statements_of`) it is four nodes of 24 partials, and measured 1.2 to 1.6 times
//! slower (`benches/README.md`).

use serde::Deserialize;
use serde_json::Value as Json;
use tapegrad::{Scalar, Tape};

use crate::protocol::{Evaluated, input, no_function, timed};
use crate::reverse::gradient;

#[derive(Deserialize)]
struct Input {
    x: Vec<f64>,
    s: usize,
}

/// One Runge-Kutta step of component `i >= 1`, from
/// `[y_i, x_i, y_{i-1}, k1_{i-1}, k2_{i-1}, k3_{i-1}]` (the values before the step):
/// `[y_i after the step, k1_i, k2_i, k3_i]`. Component `i` reads component `i - 1` alone
/// (`k1_i = x_i y_{i-1}`, `k2_i = x_i (y_{i-1} + h k1_{i-1} / 2)`,
/// `k3_i = x_i (y_{i-1} + h k2_{i-1} / 2)`, `k4_i = x_i (y_{i-1} + h k3_{i-1})`), so a step
/// is a sweep over the components, each handing its stages to the next.
fn component_step<S: Scalar>(
    [y, x, below, k1_below, k2_below, k3_below]: [S; 6],
    h: f64,
) -> [S; 4] {
    let k1 = x * below;
    let k2 = x * k1_below.mul_add(h / 2.0, below);
    let k3 = x * k2_below.mul_add(h / 2.0, below);
    let k4 = x * k3_below.mul_add(h, below);
    let slope = (k2 + k3).mul_add(2.0, k1 + k4);
    [slope.mul_add(h / 6.0, y), k1, k2, k3]
}

/// `y(2)` after `steps` Runge-Kutta steps of size `h = 2 / steps`:
/// `y += h (k1 + 2 k2 + 2 k3 + k4) / 6` with `k1 = f(y)`, `k2 = f(y + h k1 / 2)`,
/// `k3 = f(y + h k2 / 2)`, `k4 = f(y + h k3)`, for `f(y)_0 = x_0`, `f(y)_i = x_i y_{i-1}`.
pub fn primal<S: Scalar>(x: &[S], steps: usize) -> Vec<S> {
    let h = 2.0 / steps as f64;
    let mut y = vec![x[0].lift(0.0); x.len()];
    for _ in 0..steps {
        // Component 0's four stages are all x_0.
        let x0 = x[0];
        let mut below = y[0];
        y[0] = (x0 + x0).mul_add(2.0, x0 + x0).mul_add(h / 6.0, y[0]);
        let (mut k1, mut k2, mut k3) = (x0, x0, x0);
        for i in 1..x.len() {
            let [y_next, k1_i, k2_i, k3_i] = component_step([y[i], x[i], below, k1, k2, k3], h);
            below = y[i];
            (y[i], k1, k2, k3) = (y_next, k1_i, k2_i, k3_i);
        }
    }
    y
}

pub fn evaluate(function: &str, json: &Json) -> Result<Evaluated, String> {
    let (inp, runs) = input::<Input>(json)?;
    let x = inp.x;
    if x.is_empty() || inp.s == 0 {
        return Err("ode: needs an x and a step".into());
    }
    match function {
        "primal" => timed(runs, || primal(&x, inp.s)),
        "gradient" => {
            let mut tape = Tape::new();
            timed(runs, || {
                gradient(&mut tape, &x, |xv| primal(xv, inp.s)[x.len() - 1])
            })
        }
        _ => Err(no_function("ode", function)),
    }
}

#[cfg(test)]
mod reference_tests {
    //! Against GradBench's hand-written reference (its `manual` tool) on a small input.
    use crate::protocol::assert_evaluates_to;

    const INPUT: &str = r#"{"x":[0.5,1.5,-0.7,2.0],"s":3}"#;

    #[test]
    fn primal_matches_the_reference() {
        let expected = r#"[1.0,1.5,-0.6999999999999998,-0.6999999999999998]"#;
        assert_evaluates_to(super::evaluate, "primal", INPUT, expected, 1e-9);
    }

    #[test]
    fn gradient_matches_the_reference() {
        let expected = r#"[-1.4,-0.4666666666666666,1.0,-0.35]"#;
        assert_evaluates_to(super::evaluate, "gradient", INPUT, expected, 1e-9);
    }
}
