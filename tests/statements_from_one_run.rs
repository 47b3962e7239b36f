//! `Tape::statement_of` and `Tape::statements_of` run their closure once per call, whatever
//! the number of inputs or outputs; `Tape::statement` runs it once per input.

use std::cell::Cell;

use tapegrad::{Dual, Jet, Tape};

#[test]
fn statement_of_runs_its_closure_once_for_six_inputs() {
    let runs = Cell::new(0);
    let tape = Tape::new();
    let x = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0].map(|v| tape.var(v));
    let y = tape.statement_of(x, |v: [Jet<6>; 6]| {
        runs.set(runs.get() + 1);
        v.iter().product()
    });
    assert_eq!(runs.get(), 1);
    y.backward();
    // d/dx_i of the product of all six: 720 / x_i.
    for (i, xi) in x.iter().enumerate() {
        assert_eq!(xi.grad(), 720.0 / (i + 1) as f64);
    }
}

#[test]
fn statement_of_runs_its_closure_once_for_one_input() {
    let runs = Cell::new(0);
    let tape = Tape::new();
    let x = tape.var(3.0);
    let y = tape.statement_of([x], |[v]: [Jet<1>; 1]| {
        runs.set(runs.get() + 1);
        v * v
    });
    assert_eq!(runs.get(), 1);
    y.backward();
    assert_eq!(x.grad(), 6.0);
}

#[test]
fn statements_of_runs_its_closure_once_for_every_output() {
    let runs = Cell::new(0);
    let tape = Tape::new();
    let x = [2.0, 3.0, 5.0].map(|v| tape.var(v));
    let outputs = tape.statements_of(x, |[a, b, c]: [Jet<3>; 3]| {
        runs.set(runs.get() + 1);
        [a * b, b * c, a * c, a + b + c]
    });
    assert_eq!(runs.get(), 1);
    assert_eq!(outputs.map(|y| y.data()), [6.0, 15.0, 10.0, 10.0]);
    outputs[1].backward();
    assert_eq!(x.map(|v| v.grad()), [0.0, 5.0, 3.0]);
}

#[test]
fn statement_of_runs_once_per_call_where_statement_runs_once_per_input() {
    let (runs_of, runs) = (Cell::new(0), Cell::new(0));
    let tape = Tape::new();
    let x = [2.0, 3.0, 5.0].map(|v| tape.var(v));
    for _ in 0..10 {
        let _ = tape.statement_of(x, |[a, b, c]: [Jet<3>; 3]| {
            runs_of.set(runs_of.get() + 1);
            a * b * c
        });
        let _ = tape.statement(&x, |v: &[Dual]| {
            runs.set(runs.get() + 1);
            v[0] * v[1] * v[2]
        });
    }
    assert_eq!((runs_of.get(), runs.get()), (10, 30));
}
