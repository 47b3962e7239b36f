//! Statements against op-by-op recording: a gradient over 10,000 terms of a loss, each term
//! recorded op by op, as one node from one run on jets (`Tape::statement_of`), or as one node
//! from one run on duals per input (`Tape::statement`).
//!
//! Three terms, of one, three and six inputs:
//!
//! - Pseudo-Huber `δ² (sqrt(1 + (r/δ)²) - 1)` of a residual `r` (an input per term);
//! - a Cauchy negative log-likelihood `ln(1 + ((x - μ)/γ)²) + ln γ` of a sample `x` (an input
//!   per term) with location `μ` and scale `γ` (shared by every term);
//! - a Lennard-Jones pair energy `4ε ((σ/r)^12 - (σ/r)^6)`, `r` the distance between two of
//!   200 points in space (six inputs, each point in many pairs).
//!
//! Each iteration clears the tape, records the sum of the terms, runs `backward` and reads
//! every input's gradient. The three ways of one term are in one group, so their ratios come
//! from one run: `cargo bench --bench statements -- --warm-up-time 1 --measurement-time 3`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use tapegrad::nn::Run;
use tapegrad::{Dual, Jet, Scalar, Tape, Value};

const TERMS: usize = 10_000;
const POINTS: usize = 200;

fn pseudo_huber<S: Scalar>([r]: [S; 1]) -> S {
    const DELTA: f64 = 1.5;
    ((r / DELTA) * (r / DELTA) + 1.0).sqrt() * (DELTA * DELTA) - DELTA * DELTA
}

fn cauchy<S: Scalar>([x, mu, gamma]: [S; 3]) -> S {
    let z = (x - mu) / gamma;
    (z * z + 1.0).ln() + gamma.ln()
}

fn lennard_jones<S: Scalar>([px, py, pz, qx, qy, qz]: [S; 6]) -> S {
    const EPSILON: f64 = 0.8;
    const SIGMA: f64 = 1.1;
    let (dx, dy, dz) = (px - qx, py - qy, pz - qz);
    let r2 = dx * dx + dy * dy + dz * dz;
    let s2 = r2.recip() * (SIGMA * SIGMA);
    let s6 = s2 * s2 * s2;
    (s6 * s6 - s6) * (4.0 * EPSILON)
}

/// How a term is recorded.
#[derive(Clone, Copy)]
enum Way {
    OpByOp,
    StatementOf,
    Statement,
}

const WAYS: [(&str, Way); 3] = [
    ("op_by_op", Way::OpByOp),
    ("statement_of", Way::StatementOf),
    ("statement", Way::Statement),
];

/// One term of `N` inputs, recorded the given way.
fn term<'t, const N: usize>(
    tape: &'t Tape,
    way: Way,
    x: [Value<'t>; N],
    on_values: fn([Value<'t>; N]) -> Value<'t>,
    on_jets: fn([Jet<N>; N]) -> Jet<N>,
    on_duals: fn([Dual; N]) -> Dual,
) -> Value<'t> {
    match way {
        Way::OpByOp => on_values(x),
        Way::StatementOf => tape.statement_of(x, on_jets),
        Way::Statement => tape.statement(&x, |v: &[Dual]| on_duals(std::array::from_fn(|i| v[i]))),
    }
}

/// The gradient of the sum of the Pseudo-Huber terms of `r`, into `grads`; returns the sum.
fn pseudo_huber_gradient(tape: &Tape, way: Way, r: &[f64], grads: &mut Vec<f64>) -> f64 {
    let rs = Run::vars(tape, r.iter().copied());
    let y: Value = (rs.iter())
        .map(|r| term(tape, way, [r], pseudo_huber, pseudo_huber, pseudo_huber))
        .sum();
    y.backward();
    rs.grads_into(grads);
    y.data()
}

/// The gradient of the sum of the Cauchy terms of the samples `x`, by every sample, `μ` and
/// `γ`.
fn cauchy_gradient(tape: &Tape, way: Way, x: &[f64], grads: &mut Vec<f64>) -> f64 {
    let xs = Run::vars(tape, x.iter().copied().chain([0.3, 1.7]));
    let (mu, gamma) = (xs.get(x.len()), xs.get(x.len() + 1));
    let y: Value = (0..x.len())
        .map(|i| term(tape, way, [xs.get(i), mu, gamma], cauchy, cauchy, cauchy))
        .sum();
    y.backward();
    xs.grads_into(grads);
    y.data()
}

/// The gradient of the sum of the pair energies of `pairs` of `points` (x, y, z each), by
/// every coordinate.
fn lennard_jones_gradient(
    tape: &Tape,
    way: Way,
    points: &[f64],
    pairs: &[(usize, usize)],
    grads: &mut Vec<f64>,
) -> f64 {
    let ps = Run::vars(tape, points.iter().copied());
    let y: Value = (pairs.iter())
        .map(|&(i, j)| {
            let (p, q) = (3 * i, 3 * j);
            let x = [
                ps.get(p),
                ps.get(p + 1),
                ps.get(p + 2),
                ps.get(q),
                ps.get(q + 1),
                ps.get(q + 2),
            ];
            term(tape, way, x, lennard_jones, lennard_jones, lennard_jones)
        })
        .sum();
    y.backward();
    ps.grads_into(grads);
    y.data()
}

/// What the terms are computed on: samples for Pseudo-Huber and Cauchy, points and pairs of
/// them for Lennard-Jones.
struct Data {
    samples: Vec<f64>,
    points: Vec<f64>,
    pairs: Vec<(usize, usize)>,
}

/// The three terms, each named by its input count.
const TERMS_MEASURED: [(&str, Term); 3] = [
    ("pseudo_huber_1_input", Term::PseudoHuber),
    ("cauchy_3_inputs", Term::Cauchy),
    ("lennard_jones_6_inputs", Term::LennardJones),
];

#[derive(Clone, Copy)]
enum Term {
    PseudoHuber,
    Cauchy,
    LennardJones,
}

impl Term {
    /// The gradient of the sum of this term over `data`, recorded `way` on `tape`.
    fn gradient(self, tape: &Tape, way: Way, data: &Data, grads: &mut Vec<f64>) -> f64 {
        let data = black_box(data);
        match self {
            Term::PseudoHuber => pseudo_huber_gradient(tape, way, &data.samples, grads),
            Term::Cauchy => cauchy_gradient(tape, way, &data.samples, grads),
            Term::LennardJones => {
                lennard_jones_gradient(tape, way, &data.points, &data.pairs, grads)
            }
        }
    }
}

fn bench(c: &mut Criterion) {
    let samples: Vec<f64> = (0..TERMS).map(|i| 3.0 * (i as f64 * 0.37).sin()).collect();
    // Points on a jittered grid, at least about 1 apart; pairs of nearby points.
    let points: Vec<f64> = (0..POINTS)
        .flat_map(|i| {
            let jitter = |k: usize| 0.2 * ((i * 3 + k) as f64 * 0.71).sin();
            [
                (i % 6) as f64 * 1.2 + jitter(0),
                (i / 6 % 6) as f64 * 1.2 + jitter(1),
                (i / 36) as f64 * 1.2 + jitter(2),
            ]
        })
        .collect();
    let pairs: Vec<(usize, usize)> = (0..TERMS)
        .map(|k| {
            let i = k % POINTS;
            (i, (i + 1 + k / POINTS) % POINTS)
        })
        .collect();
    assert!(pairs.iter().all(|&(i, j)| i != j));
    let data = Data {
        samples,
        points,
        pairs,
    };

    let mut tape = Tape::new();
    let mut grads = Vec::new();
    // Every way of a term gives the same value (to rounding) before any is timed.
    for (name, term) in TERMS_MEASURED {
        let values = WAYS.map(|(_, way)| {
            tape.clear();
            term.gradient(&tape, way, &data, &mut grads)
        });
        for v in values {
            assert!(
                (v - values[0]).abs() <= 1e-9 * values[0].abs(),
                "{name}: {values:?}"
            );
        }
    }

    report_interleaved(&mut tape, &data);

    for (name, term) in TERMS_MEASURED {
        let mut group = c.benchmark_group(format!("statements_{name}"));
        group.sample_size(30);
        for (way_name, way) in WAYS {
            group.bench_function(way_name, |b| {
                b.iter(|| {
                    tape.clear();
                    term.gradient(&tape, way, &data, &mut grads)
                })
            });
        }
        group.finish();
    }
}

/// Medians of `ROUNDS` runs of each way, the ways taking turns run by run, so that a change
/// in the machine's load (other jobs share it) weighs on every way alike; printed with their
/// ratios to op-by-op recording before criterion's own timings.
fn report_interleaved(tape: &mut Tape, data: &Data) {
    const ROUNDS: usize = 101;
    let mut grads = Vec::new();
    for (name, term) in TERMS_MEASURED {
        let mut times = [const { Vec::new() }; 3];
        for _ in 0..ROUNDS {
            for (k, (_, way)) in WAYS.into_iter().enumerate() {
                tape.clear();
                let start = std::time::Instant::now();
                black_box(term.gradient(tape, way, data, &mut grads));
                times[k].push(start.elapsed().as_secs_f64());
            }
        }
        let medians = times.map(|mut t| {
            t.sort_by(f64::total_cmp);
            t[ROUNDS / 2]
        });
        println!(
            "statements interleaved, {name}: median op_by_op {:.0} us, statement_of {:.0} us \
             ({:.2}x), statement {:.0} us ({:.2}x)",
            medians[0] * 1e6,
            medians[1] * 1e6,
            medians[1] / medians[0],
            medians[2] * 1e6,
            medians[2] / medians[0],
        );
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
