//! A yardstick for the cheap-gradient ratio and the micrograd-style step: their two
//! workloads on the plainest fast tape we could write, one without any of tapegrad's
//! guarantees.
//!
//! The reference tape stores each node as one 24-byte record: two operand indices and the two
//! local derivatives, computed while recording. Its backward sweep is one loop of two
//! multiply-adds a node, with no dispatch on the op. It has no mixed-tape check, no capacity
//! check (the caller sizes it up front), no op byte and no stored values, so it cannot take a
//! second derivative, print a graph or trace a sweep. It is the layout that the textbooks
//! describe and that the "means worth trying" point toward. If tapegrad's figures sit
//! near this tape's, a change of layout alone will not meet those goals.
//!
//! The micrograd-style step's loss is the very code `micrograd_step.rs` runs (`micrograd::loss`, generic over
//! the number type), and the cheap-gradient workload matches `cheap_gradient.rs` node for node, except
//! that its sum is a chain of additions here (one node a term) rather than one fused node.
//! `check` compares both results with tapegrad's before anything is timed.
//!
//! `cargo bench --bench reference_tape`; `peers/compare.py` prints these beside the goals.

use std::cell::{Cell, UnsafeCell};
use std::hint::black_box;
use std::ops::{Add, Mul};

mod micrograd;

use criterion::{Criterion, criterion_group, criterion_main};
use micrograd::{Number, TrainingRun};
use tapegrad::nn::{self, Dataset, Run};
use tapegrad::{Tape, Value};

/// One node: `grads[a] += da * g` and `grads[b] += db * g` is all the sweep does with it. A
/// node with one operand has `b = 0` and `db = 0`.
#[derive(Clone, Copy, Default)]
struct Record {
    a: u32,
    b: u32,
    da: f64,
    db: f64,
}

/// The reference tape: records in creation order, and the gradients of the last sweep.
struct Reference {
    records: UnsafeCell<Vec<Record>>,
    len: Cell<usize>,
    grads: Vec<f64>,
}

/// A number on the reference tape.
#[derive(Clone, Copy)]
struct Scalar<'r> {
    tape: &'r Reference,
    index: u32,
    value: f64,
}

impl Reference {
    /// A tape that holds `capacity` nodes.
    fn new(capacity: usize) -> Self {
        Reference {
            records: UnsafeCell::new(vec![Record::default(); capacity]),
            len: Cell::new(0),
            grads: vec![0.0; capacity],
        }
    }

    /// Empties the tape for a computation of at most `nodes` nodes.
    ///
    /// # Safety
    /// The caller records at most `nodes` nodes before the next `begin`: `record` does not
    /// check, which is the point of this tape.
    unsafe fn begin(&mut self, nodes: usize) {
        assert!(nodes <= self.grads.len(), "the reference tape is too small");
        self.len.set(0);
    }

    #[inline(always)]
    fn record(&self, a: u32, b: u32, da: f64, db: f64, value: f64) -> Scalar<'_> {
        let index = self.len.get();
        // SAFETY: `begin` sized the records for every node the caller records (its contract),
        // and no reference into `records` is alive here: `backward` takes `&mut self`.
        unsafe {
            let records = &mut *self.records.get();
            debug_assert!(index < records.len());
            *records.get_unchecked_mut(index) = Record { a, b, da, db };
        }
        self.len.set(index + 1);
        Scalar {
            tape: self,
            index: index as u32,
            value,
        }
    }

    fn var(&self, value: f64) -> Scalar<'_> {
        self.record(0, 0, 0.0, 0.0, value)
    }

    /// Sets `grads[i]` to d(node `y`)/d(node `i`) for every node.
    fn backward(&mut self, y: u32) {
        let y = y as usize;
        let records = &self.records.get_mut()[..=y];
        let grads = &mut self.grads[..=y];
        grads.fill(0.0);
        grads[y] = 1.0;
        for (i, record) in records.iter().enumerate().skip(1).rev() {
            let g = grads[i];
            if g != 0.0 {
                // SAFETY: a record's operands are nodes recorded before it, so below `i`
                // (this benchmark has one reference tape, so no operand comes from another).
                unsafe {
                    *grads.get_unchecked_mut(record.a as usize) += record.da * g;
                    *grads.get_unchecked_mut(record.b as usize) += record.db * g;
                }
            }
        }
    }
}

// Each op with its local derivatives, as tapegrad's `ops` module has them.
impl<'r> Add for Scalar<'r> {
    type Output = Scalar<'r>;
    #[inline(always)]
    fn add(self, o: Scalar<'r>) -> Scalar<'r> {
        // d(a + b)/da = d(a + b)/db = 1
        self.tape
            .record(self.index, o.index, 1.0, 1.0, self.value + o.value)
    }
}

impl<'r> Mul for Scalar<'r> {
    type Output = Scalar<'r>;
    #[inline(always)]
    fn mul(self, o: Scalar<'r>) -> Scalar<'r> {
        // d(a b)/da = b, d(a b)/db = a
        self.tape.record(
            self.index,
            o.index,
            o.value,
            self.value,
            self.value * o.value,
        )
    }
}

impl<'r> Add<f64> for Scalar<'r> {
    type Output = Scalar<'r>;
    #[inline(always)]
    fn add(self, c: f64) -> Scalar<'r> {
        // d(a + c)/da = 1
        self.tape.record(self.index, 0, 1.0, 0.0, self.value + c)
    }
}

impl<'r> Mul<f64> for Scalar<'r> {
    type Output = Scalar<'r>;
    #[inline(always)]
    fn mul(self, c: f64) -> Scalar<'r> {
        // d(a c)/da = c
        self.tape.record(self.index, 0, c, 0.0, self.value * c)
    }
}

impl<'r> Scalar<'r> {
    #[inline(always)]
    fn relu(self) -> Scalar<'r> {
        // d relu(a)/da = 1 where a > 0, else 0
        let slope = if self.value > 0.0 { 1.0 } else { 0.0 };
        self.tape
            .record(self.index, 0, slope, 0.0, self.value.max(0.0))
    }

    #[inline(always)]
    fn tanh(self) -> Scalar<'r> {
        // d tanh(a)/da = 1 - tanh(a)^2
        let t = self.value.tanh();
        self.tape.record(self.index, 0, 1.0 - t * t, 0.0, t)
    }
}

impl Number for Scalar<'_> {
    fn relu(self) -> Self {
        Scalar::relu(self)
    }
}

const INPUTS: usize = 1_000_000;

/// The cheap-gradient workload on the reference tape: `y = sum_i tanh(0.5 x_i + 0.1) x_i`, its gradient
/// read into `grads`. With `grads` as `None`, the recording alone.
fn cheap_gradient(tape: &mut Reference, x: &[f64], grads: Option<&mut Vec<f64>>) -> f64 {
    let nodes = x.len() + 1 + 5 * x.len();
    // SAFETY: the inputs, the sum's start, and five nodes an input; checked below.
    unsafe { tape.begin(nodes) };
    let r = &*tape;
    // The inputs are the first nodes, so they need no handle each (tapegrad's `Run`).
    x.iter().for_each(|&v| _ = r.var(v));
    let input = |i: usize| Scalar {
        tape: r,
        index: i as u32,
        value: x[i],
    };
    let mut y = r.var(0.0);
    for i in 0..x.len() {
        let x = input(i);
        y = y + (x * 0.5 + 0.1).tanh() * x;
    }
    let (y, y_index) = (y.value, y.index);
    assert_eq!(tape.len.get(), nodes);
    if let Some(grads) = grads {
        tape.backward(y_index);
        grads.clear();
        grads.extend_from_slice(&tape.grads[..x.len()]);
    }
    y
}

/// The cheap-gradient workload on tapegrad, as `benches/cheap_gradient.rs` writes it.
fn tapegrad_cheap_gradient(x: &[f64], grads: &mut Vec<f64>) -> f64 {
    let tape = Tape::new();
    let xs = Run::vars(&tape, x);
    let y: Value = xs.iter().map(|x| (0.5 * x + 0.1).tanh() * x).sum();
    y.backward();
    xs.grads_into(grads);
    y.data()
}

/// The micrograd-style step's loss on the reference tape, its gradient written into `grads`; with `grads` as
/// `None`, the recording alone.
fn reference_micrograd_loss(
    tape: &mut Reference,
    params: &[f64],
    data: &Dataset,
    grads: Option<&mut [f64]>,
) -> f64 {
    let nodes = micrograd::nodes(params.len(), data.len());
    // SAFETY: `micrograd::nodes` counts the nodes `micrograd::loss` records; checked below.
    unsafe { tape.begin(nodes) };
    let (loss, p) = micrograd::loss(|v| tape.var(v), params, data);
    // The parameters are the first nodes.
    debug_assert!(p.iter().enumerate().all(|(i, q)| q.index as usize == i));
    drop(p);
    let (loss, loss_index) = (loss.value, loss.index);
    assert_eq!(tape.len.get(), nodes);
    if let Some(grads) = grads {
        tape.backward(loss_index);
        grads.copy_from_slice(&tape.grads[..params.len()]);
    }
    loss
}

/// The reference tape computes what tapegrad computes on both workloads.
fn check(tape: &mut Reference, x: &[f64], data: &Dataset) {
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * a.abs().max(b.abs()).max(1.0);

    let (mut expected, mut got) = (Vec::new(), Vec::new());
    let y = cheap_gradient(tape, x, Some(&mut got));
    assert!(close(y, tapegrad_cheap_gradient(x, &mut expected)));
    assert!(expected.iter().zip(&got).all(|(&a, &b)| close(a, b)));

    // The first step of a run, at its initial weights.
    TrainingRun::new().step(|params, got| {
        let loss = reference_micrograd_loss(tape, params, data, Some(got));
        let tapegrad = Tape::new();
        let (expected, p) = micrograd::loss(|v| tapegrad.var(v), params, data);
        expected.backward();
        assert_eq!(tapegrad.len(), micrograd::nodes(params.len(), data.len()));
        assert!(close(loss, expected.data()));
        assert!(p.iter().zip(got.iter()).all(|(q, &g)| close(q.grad(), g)));
        loss
    });
}

fn bench(c: &mut Criterion) {
    let x: Vec<f64> = (0..INPUTS).map(|i| (i as f64 * 0.37).sin()).collect();
    let data = nn::moons(100, 0.1, 4);
    let mut tape = Reference::new(6 * INPUTS + 1);
    check(&mut tape, &x, &data);

    let mut group = c.benchmark_group("reference_tape");
    group.sample_size(30);
    let mut grads = Vec::with_capacity(INPUTS);
    group.bench_function("cheap_gradient", |b| {
        b.iter(|| cheap_gradient(&mut tape, black_box(&x), Some(&mut grads)))
    });
    group.bench_function("cheap_gradient_record", |b| {
        b.iter(|| cheap_gradient(&mut tape, black_box(&x), None))
    });
    group.sample_size(100);
    let mut run = TrainingRun::new();
    group.bench_function("micrograd_step", |b| {
        b.iter(|| {
            run.step(|params, grads| {
                reference_micrograd_loss(&mut tape, params, &data, Some(grads))
            })
        })
    });
    // The recording alone: the gradient stays zero, so the weights stay the initial ones (the
    // nodes recorded are the same whatever the weights).
    let mut run = TrainingRun::new();
    group.bench_function("micrograd_step_record", |b| {
        b.iter(|| run.step(|params, _| reference_micrograd_loss(&mut tape, params, &data, None)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
