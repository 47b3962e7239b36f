//! `ode`: `s` steps of the classic Runge-Kutta method on `y_0' = x_0`,
//! `y_i' = x_i y_{i-1}` from `y(0) = 0` to `t = 2` (`primal`), and the gradient of the last
//! `y` by every `x` (`gradient`): one recording on a reused tape and one backward sweep.

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

/// `z = f(y)`: `z_0 = x_0`, `z_i = x_i y_{i-1}`.
fn derivative<S: Scalar>(x: &[S], y: &[S], z: &mut [S]) {
    z[0] = x[0];
    for i in 1..x.len() {
        z[i] = x[i] * y[i - 1];
    }
}

/// `y(2)` after `steps` Runge-Kutta steps of size `h = 2 / steps`:
/// `y += h (k1 + 2 k2 + 2 k3 + k4) / 6` with `k1 = f(y)`, `k2 = f(y + h k1 / 2)`,
/// `k3 = f(y + h k2 / 2)`, `k4 = f(y + h k3)`.
pub fn primal<S: Scalar>(x: &[S], steps: usize) -> Vec<S> {
    let n = x.len();
    let zero = x[0].lift(0.0);
    let h = 2.0 / steps as f64;
    let mut y = vec![zero; n];
    let (mut k1, mut k2, mut k3, mut k4, mut y_tmp) = (
        vec![zero; n],
        vec![zero; n],
        vec![zero; n],
        vec![zero; n],
        vec![zero; n],
    );
    for _ in 0..steps {
        derivative(x, &y, &mut k1);
        for i in 0..n {
            y_tmp[i] = k1[i].mul_add(h / 2.0, y[i]);
        }
        derivative(x, &y_tmp, &mut k2);
        for i in 0..n {
            y_tmp[i] = k2[i].mul_add(h / 2.0, y[i]);
        }
        derivative(x, &y_tmp, &mut k3);
        for i in 0..n {
            y_tmp[i] = k3[i].mul_add(h, y[i]);
        }
        derivative(x, &y_tmp, &mut k4);
        for i in 0..n {
            let slope = (k2[i] + k3[i]).mul_add(2.0, k1[i] + k4[i]);
            y[i] = slope.mul_add(h / 6.0, y[i]);
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
