//! A gradient by reverse mode, recorded afresh at every run: GradBench times the whole
//! derivative, so each run clears the reused tape (keeping its memory), records the objective
//! and sweeps backward once.

use tapegrad::{Tape, Value};

/// The gradient of `f` at `at`: `tape` cleared, `at` put on it as variables, `f` recorded and
/// swept backward.
pub fn gradient(
    tape: &mut Tape,
    at: &[f64],
    f: impl for<'t> FnOnce(&[Value<'t>]) -> Value<'t>,
) -> Vec<f64> {
    tape.clear();
    let x: Vec<Value<'_>> = at.iter().map(|&a| tape.var(a)).collect();
    f(&x).backward();
    x.iter().map(|v| v.grad()).collect()
}
