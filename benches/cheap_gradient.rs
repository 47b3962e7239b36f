//! The cheap-gradient ratio: a million-input gradient against the plain `f64` loop.
//!
//! `y = sum_i tanh(0.5 x_i + 0.1) x_i` over a million inputs, written with plain operators on
//! `Value`s (record, one backward, read all million gradients), against the same loop on `f64`.
//! Before criterion's timings it prints the peak resident memory of one gradient computation,
//! per input.
//!
//! `cargo bench --bench cheap_gradient`; `peers/compare.py` prints the ratio of the medians.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use tapegrad::nn::Run;
use tapegrad::{Dual, Jet, Tape, Value};

const INPUTS: usize = 1_000_000;

fn inputs() -> Vec<f64> {
    (0..INPUTS).map(|i| (i as f64 * 0.37).sin()).collect()
}

fn plain(x: &[f64]) -> f64 {
    x.iter().map(|&x| (0.5 * x + 0.1).tanh() * x).sum()
}

/// The inputs as a `Run` (so they need no handle each) and `y`, recorded with plain
/// operators on `Value`s.
fn recorded<'t>(tape: &'t Tape, x: &[f64]) -> (Run<'t>, Value<'t>) {
    let xs = Run::vars(tape, x);
    let y: Value = xs.iter().map(|x| (0.5 * x + 0.1).tanh() * x).sum();
    (xs, y)
}

/// The same `y` with each term recorded as one node (`Tape::statement`): its value and its
/// derivative come from one evaluation on a dual number.
fn recorded_statements<'t>(tape: &'t Tape, x: &[f64]) -> (Run<'t>, Value<'t>) {
    let xs = Run::vars(tape, x);
    let term = |v: &[Dual]| (0.5 * v[0] + 0.1).tanh() * v[0];
    let y: Value = xs.iter().map(|x| tape.statement(&[x], term)).sum();
    (xs, y)
}

/// The same `y` with each term recorded as one node from one run on a jet
/// (`Tape::statement_of`).
fn recorded_statements_of<'t>(tape: &'t Tape, x: &[f64]) -> (Run<'t>, Value<'t>) {
    let xs = Run::vars(tape, x);
    let term = |[x]: [Jet<1>; 1]| (0.5 * x + 0.1).tanh() * x;
    let y: Value = xs.iter().map(|x| tape.statement_of([x], term)).sum();
    (xs, y)
}

/// The value and every gradient, on a tape the caller may reuse.
fn differentiated(tape: &Tape, x: &[f64], grads: &mut Vec<f64>) -> f64 {
    let (xs, y) = recorded(tape, x);
    y.backward();
    xs.grads_into(grads);
    y.data()
}

/// `differentiated`, with statements.
fn differentiated_statements(tape: &Tape, x: &[f64], grads: &mut Vec<f64>) -> f64 {
    let (xs, y) = recorded_statements(tape, x);
    y.backward();
    xs.grads_into(grads);
    y.data()
}

/// `differentiated`, with `statement_of`.
fn differentiated_statements_of(tape: &Tape, x: &[f64], grads: &mut Vec<f64>) -> f64 {
    let (xs, y) = recorded_statements_of(tape, x);
    y.backward();
    xs.grads_into(grads);
    y.data()
}

fn bench(c: &mut Criterion) {
    let x = inputs();
    report_peak_memory(&x);
    let mut group = c.benchmark_group("cheap_gradient");
    group.sample_size(30);
    group.bench_function("f64", |b| b.iter(|| plain(black_box(&x))));
    let mut tape = Tape::new();
    let mut grads = Vec::with_capacity(INPUTS);
    group.bench_function("tapegrad", |b| {
        b.iter(|| {
            tape.clear();
            differentiated(&tape, black_box(&x), &mut grads)
        })
    });
    group.bench_function("tapegrad_statement", |b| {
        b.iter(|| {
            tape.clear();
            differentiated_statements(&tape, black_box(&x), &mut grads)
        })
    });
    group.bench_function("tapegrad_statement_of", |b| {
        b.iter(|| {
            tape.clear();
            differentiated_statements_of(&tape, black_box(&x), &mut grads)
        })
    });
    // The recording alone, so that the time of backward and of reading the gradients is the
    // difference.
    group.bench_function("tapegrad_record", |b| {
        b.iter(|| {
            tape.clear();
            recorded(&tape, black_box(&x)).1.data()
        })
    });
    group.finish();
}

/// Peak resident memory of one gradient computation on a fresh tape, per input: the rise of
/// the process's high-water mark (`VmHWM`) over what it held before, so it counts the tape
/// and the gradients read out, but not the inputs themselves
/// (which the `f64` loop needs too). Resident memory, not allocated capacity: space a vector
/// reserved and never touched costs no memory.
///
/// The statements' run goes first: the high-water mark only rises, and it is the smaller.
fn report_peak_memory(x: &[f64]) {
    let before = resident_kib("VmRSS:");
    for (name, run) in [
        (
            "statements",
            differentiated_statements as fn(&Tape, &[f64], &mut Vec<f64>) -> f64,
        ),
        ("op by op", differentiated),
    ] {
        let tape = Tape::new();
        let mut grads = Vec::new();
        let y = run(&tape, x, &mut grads);
        let peak = resident_kib("VmHWM:").saturating_sub(before) * 1024;
        assert!((y - plain(x)).abs() < 1e-9 * plain(x).abs());
        println!(
            "cheap_gradient memory ({name}): peak {:.0} bytes per input ({} nodes on the tape)",
            peak as f64 / INPUTS as f64,
            tape.len(),
        );
    }
}

/// A `kB` line of /proc/self/status (0 where there is no such file).
fn resident_kib(key: &str) -> usize {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let line = status.lines().find(|l| l.starts_with(key)).unwrap_or("");
    line.split_whitespace()
        .nth(1)
        .and_then(|kib| kib.parse().ok())
        .unwrap_or(0)
}

criterion_group!(benches, bench);
criterion_main!(benches);
