//! The fast tape against the plain one: random programs run on both, and every value and
//! every gradient must be equal to the bit.
//!
//! The plain tape (`src/plain/`) is the reference: a `Vec` of nodes and one loop. The fast
//! tape (`src/fast/`) stores the same nodes in packed streams and sweeps them with a register,
//! chained operands, strided sums and checkpoints to skip runs of zero gradients; none of that
//! may change a single bit. Both run the one rule table, so any difference is the fast tape's
//! machinery at fault.
//!
//! Each program is drawn from a seed: leaves with ordinary and extreme numbers, every op of
//! `Op::ALL` (fused sums, strided sums, dots of values and of values with numbers, and neurons
//! included), operands that are often the node just before (chained), dead branches longer
//! than the checkpoint spacing (runs of zero gradients), statements (one node whose partials
//! come from forward mode), enough nodes to grow the tape through several doublings, `clear`
//! and reuse of both tapes, `backward` from the output and from an intermediate node, the
//! backward trace, and `gradient` followed by `backward` (second derivatives).
//!
//! `cargo test engines_agree` runs 150 programs; set `TAPEGRAD_AGREEMENT_CASES` for more (CI
//! runs the default; a soak before touching the fast tape: `TAPEGRAD_AGREEMENT_CASES=20000`).
//! A failure names the seed, and `TAPEGRAD_AGREEMENT_SEED=<seed>` runs that program alone.

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

use crate::forward::value_and_partials;
use crate::rules::{Layout, Op};
use crate::{Activation, Dual, Tape, Value, plain};

/// A value recorded on both tapes, by the same operation on the same operands.
#[derive(Clone, Copy)]
struct Pair<'f, 'p> {
    fast: Value<'f>,
    plain: plain::Value<'p>,
}

/// Both tapes and every value recorded on them so far.
struct Programs<'f, 'p> {
    fast: &'f Tape,
    plain: &'p plain::Tape,
    /// Every value of the program, in recording order; `live` are those later ops may use.
    all: Vec<Pair<'f, 'p>>,
    live: Vec<Pair<'f, 'p>>,
    rng: StdRng,
}

impl<'f, 'p> Programs<'f, 'p> {
    fn keep(&mut self, pair: Pair<'f, 'p>) -> Pair<'f, 'p> {
        self.all.push(pair);
        self.live.push(pair);
        pair
    }

    fn number(&mut self) -> f64 {
        const SPECIAL: [f64; 10] = [0.0, -0.0, 1.0, -1.0, 0.5, 1e-300, -1e300, 2.0, 1e-8, 3.0];
        if self.rng.random_bool(0.1) {
            SPECIAL[self.rng.random_range(0..SPECIAL.len())]
        } else {
            self.rng.random_range(-3.0..3.0)
        }
    }

    fn leaf(&mut self, constant: bool) -> Pair<'f, 'p> {
        let x = self.number();
        let pair = if constant {
            Pair {
                fast: self.fast.constant(x),
                plain: self.plain.constant(x),
            }
        } else {
            Pair {
                fast: self.fast.var(x),
                plain: self.plain.var(x),
            }
        };
        self.keep(pair)
    }

    /// An operand: most often the newest value, so that chains (operands stored implicitly)
    /// are common.
    fn operand(&mut self) -> Pair<'f, 'p> {
        if self.rng.random_bool(0.5) {
            *self.live.last().expect("programs start with leaves")
        } else {
            self.live[self.rng.random_range(0..self.live.len())]
        }
    }

    fn constants(&mut self, op: Op) -> Vec<f64> {
        match op {
            Op::Powi => vec![f64::from(self.rng.random_range(-4..=4))],
            Op::Powf => vec![[0.0, 0.5, -1.5, 2.0, 3.0, -2.0][self.rng.random_range(0..6)]],
            Op::Log => vec![[2.0, 10.0, 0.5, std::f64::consts::E][self.rng.random_range(0..4)]],
            Op::LeakyRelu => vec![[0.01, 0.2, -0.5][self.rng.random_range(0..3)]],
            Op::Clamp => {
                let (a, b) = (self.number(), self.number());
                vec![a.min(b), a.max(b)]
            }
            _ => (0..op.constants()).map(|_| self.number()).collect(),
        }
    }

    /// One element-wise op on operands from the pool.
    fn element_wise(&mut self, op: Op) -> Pair<'f, 'p> {
        let Layout::Fixed(arity) = op.layout() else {
            unreachable!("{op:?} is variadic")
        };
        let operands: Vec<_> = (0..arity).map(|_| self.operand()).collect();
        let k = self.constants(op);
        let fast = match operands[..] {
            [a] => a.fast.unary(op, &k),
            [a, b] => a.fast.binary_with(op, b.fast, &k),
            [a, b, c] => a.fast.ternary(op, b.fast, c.fast),
            _ => unreachable!("no element-wise op takes {arity} operands"),
        };
        let rest: Vec<_> = operands[1..].iter().map(|p| p.plain).collect();
        let plain = operands[0].plain.apply(op, &rest, &k);
        self.keep(Pair { fast, plain })
    }

    /// A sum of values from the pool, or of a loop body's outputs (every `step`-th node),
    /// which the fast tape stores as a stride.
    fn sum(&mut self) -> Pair<'f, 'p> {
        let terms: Vec<_> = if self.rng.random_bool(0.5) {
            let n = self.rng.random_range(0..8);
            (0..n).map(|_| self.operand()).collect()
        } else {
            let (x, n) = (self.operand(), self.rng.random_range(1..40));
            let k = self.number();
            (0..n)
                .map(|_| {
                    let scaled = self.keep(Pair {
                        fast: x.fast * k,
                        plain: x.plain * k,
                    });
                    self.keep(Pair {
                        fast: scaled.fast.tanh(),
                        plain: scaled.plain.tanh(),
                    })
                })
                .collect()
        };
        let fast = self.fast.sum(terms.iter().map(|t| t.fast));
        let indices: Vec<u32> = terms.iter().map(|t| t.plain.index() as u32).collect();
        let plain = self.plain.record(Op::Sum, &indices, &[]);
        self.keep(Pair { fast, plain })
    }

    fn dot(&mut self) -> Pair<'f, 'p> {
        let n = self.rng.random_range(0..10);
        let terms: Vec<_> = (0..2 * n).map(|_| self.operand()).collect();
        let (a, b) = terms.split_at(n);
        let fast_a: Vec<_> = a.iter().map(|t| t.fast).collect();
        let fast_b: Vec<_> = b.iter().map(|t| t.fast).collect();
        let fast = self.fast.dot(&fast_a, &fast_b);
        let indices: Vec<u32> = terms.iter().map(|t| t.plain.index() as u32).collect();
        let plain = self.plain.record(Op::Dot, &indices, &[]);
        self.keep(Pair { fast, plain })
    }

    /// A dot product of values from the pool with numbers: one node that stores the numbers.
    fn dot_const(&mut self) -> Pair<'f, 'p> {
        let n = self.rng.random_range(0..10);
        let terms: Vec<_> = (0..n).map(|_| self.operand()).collect();
        let k: Vec<f64> = (0..n).map(|_| self.number()).collect();
        let fast_terms: Vec<_> = terms.iter().map(|t| t.fast).collect();
        let fast = self.fast.dot_const(&fast_terms, &k);
        let indices: Vec<u32> = terms.iter().map(|t| t.plain.index() as u32).collect();
        let plain = self.plain.record(Op::DotConst, &indices, &k);
        self.keep(Pair { fast, plain })
    }

    /// A neuron on fresh weights and a fresh run of inputs (one fused node on the fast tape),
    /// or on scattered inputs from the pool (a dot product, an addition and the activation).
    fn neuron(&mut self) -> Pair<'f, 'p> {
        let n = self.rng.random_range(1..9);
        let activation = [
            Activation::Relu,
            Activation::Tanh,
            Activation::Sigmoid,
            Activation::Identity,
            Activation::leaky_relu(0.1),
        ][self.rng.random_range(0..5)];
        let params: Vec<_> = (0..=n).map(|_| self.leaf(false)).collect();
        let inputs: Vec<_> = if self.rng.random_bool(0.6) {
            (0..n).map(|_| self.leaf(false)).collect()
        } else {
            (0..n).map(|_| self.operand()).collect()
        };
        // The fast tape fuses the neuron whenever the inputs are consecutive nodes, which
        // scattered ones can be by chance (a single input always is).
        let fused = inputs
            .windows(2)
            .all(|w| w[1].fast.index() == w[0].fast.index() + 1);
        let fast_w: Vec<_> = params[..n].iter().map(|p| p.fast).collect();
        let fast_x: Vec<_> = inputs.iter().map(|p| p.fast).collect();
        let fast = self
            .fast
            .neuron(&fast_w, params[n].fast, &fast_x, activation);
        let plain = if fused {
            let op = match activation {
                Activation::Relu => Op::AffineRelu,
                Activation::Tanh => Op::AffineTanh,
                Activation::Sigmoid => Op::AffineSigmoid,
                Activation::Identity | Activation::LeakyRelu(_) => Op::Affine,
            };
            let runs = [params[0].plain.index(), inputs[0].plain.index(), n];
            let z = self.plain.record(op, &runs.map(|i| i as u32), &[]);
            match activation {
                Activation::LeakyRelu(slope) => z.apply(Op::LeakyRelu, &[], &[slope.get()]),
                _ => z,
            }
        } else {
            let terms: Vec<u32> = params[..n]
                .iter()
                .chain(&inputs)
                .map(|p| p.plain.index() as u32)
                .collect();
            let z = self.plain.record(Op::Dot, &terms, &[]) + params[n].plain;
            match activation {
                Activation::Relu => z.relu(),
                Activation::Tanh => z.tanh(),
                Activation::Sigmoid => z.sigmoid(),
                Activation::Identity => z,
                Activation::LeakyRelu(slope) => z.apply(Op::LeakyRelu, &[], &[slope.get()]),
            }
        };
        self.keep(Pair { fast, plain })
    }

    /// A statement on operands from the pool: one node, its partials from forward mode.
    fn statement(&mut self) -> Pair<'f, 'p> {
        let n = self.rng.random_range(0..4);
        let inputs: Vec<_> = (0..n).map(|_| self.operand()).collect();
        let k = self.number();
        let body = move |v: &[Dual]| {
            v.iter()
                .fold(Dual::constant(k), |acc, &x| (acc * x + x.sin()).tanh())
        };
        let fast_inputs: Vec<_> = inputs.iter().map(|p| p.fast).collect();
        let fast = self.fast.statement(&fast_inputs, body);
        let mut x: Vec<Dual> = inputs
            .iter()
            .map(|p| Dual::constant(p.plain.data()))
            .collect();
        let mut partials = vec![0.0; n];
        let value = value_and_partials(&body, &mut x, &mut partials);
        let indices: Vec<u32> = inputs.iter().map(|p| p.plain.index() as u32).collect();
        let plain = self.plain.record_statement(&indices, &partials, value);
        self.keep(Pair { fast, plain })
    }

    /// A chain of ops that nothing later uses: a run of zero gradients for the sweep to skip,
    /// longer than the fast tape's checkpoint spacing.
    fn dead_branch(&mut self) {
        let live = self.live.len();
        let length = self.rng.random_range(60..300);
        for _ in 0..length {
            let op = [Op::Sin, Op::MulConst, Op::Tanh][self.rng.random_range(0..3)];
            self.element_wise(op);
        }
        self.live.truncate(live);
    }

    /// Records a program of about `steps` steps.
    fn record(&mut self, steps: usize) {
        for _ in 0..3 {
            self.leaf(false);
        }
        for _ in 0..steps {
            match self.rng.random_range(0..100) {
                0..4 => {
                    let constant = self.rng.random_bool(0.3);
                    self.leaf(constant);
                }
                4..8 => {
                    self.sum();
                }
                8..11 => {
                    self.dot();
                }
                11..15 => {
                    self.neuron();
                }
                15..17 => self.dead_branch(),
                17..19 => {
                    self.statement();
                }
                19..21 => {
                    self.dot_const();
                }
                _ => {
                    let element_wise: Vec<Op> = Op::ALL
                        .into_iter()
                        .filter(|op| {
                            matches!(op.layout(), Layout::Fixed(_))
                                && !op.is_fused()
                                && !matches!(op, Op::Var | Op::Const | Op::UnaryStatement)
                        })
                        .collect();
                    let op = element_wise[self.rng.random_range(0..element_wise.len())];
                    self.element_wise(op);
                }
            }
        }
    }
}

/// Equal to the bit, with every NaN equal to every other (a NaN's payload is not part of
/// what the tapes promise).
fn same(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

/// Every value and gradient of `pairs` agrees on both tapes.
fn check(seed: u64, what: &str, pairs: &[Pair]) {
    for (i, p) in pairs.iter().enumerate() {
        let (fv, pv) = (p.fast.data(), p.plain.data());
        assert!(
            same(fv, pv),
            "seed {seed}, {what}: value {i}: fast {fv:e}, plain {pv:e}"
        );
        let (fg, pg) = (p.fast.grad(), p.plain.grad());
        assert!(
            same(fg, pg),
            "seed {seed}, {what}: grad {i} (node {}): fast {fg:e}, plain {pg:e}",
            p.fast.index()
        );
    }
}

/// Runs the program of `seed` on `fast` and `plain` (cleared first) and compares them.
fn run_program(seed: u64, fast: &mut Tape, plain: &mut plain::Tape) {
    fast.clear();
    plain.clear();
    let mut programs = Programs {
        fast,
        plain,
        all: Vec::new(),
        live: Vec::new(),
        rng: StdRng::seed_from_u64(seed),
    };
    let steps = if programs.rng.random_bool(0.2) {
        1500
    } else {
        60
    };
    programs.record(steps);
    let Programs {
        all, live, mut rng, ..
    } = programs;
    assert_eq!(fast.len(), plain.len(), "seed {seed}: node counts");

    let output = *live.last().expect("a program records values");
    output.fast.backward();
    output.plain.backward();
    check(seed, "backward from the output", &all);

    let middle = live[rng.random_range(0..live.len())];
    middle.fast.backward();
    middle.plain.backward();
    check(seed, "backward from an intermediate node", &all);

    let trace = output.fast.backward_trace();
    output.plain.backward();
    for step in trace.steps() {
        let node = step.node();
        let plain_grad = all
            .iter()
            .find(|p| p.fast.index() == node.index())
            .map(|p| p.plain.grad());
        if let Some(plain_grad) = plain_grad {
            assert!(
                same(node.grad(), plain_grad),
                "seed {seed}: trace of node {}",
                node.index()
            );
        }
    }

    let has_statement =
        (all.iter()).any(|p| matches!(p.fast.op(), Op::Statement | Op::UnaryStatement));
    // `gradient` refuses statements (their partials are numbers, not values).
    if !has_statement && rng.random_bool(0.5) {
        let wrt: Vec<Pair> = (0..3)
            .map(|_| all[rng.random_range(0..all.len())])
            .collect();
        let fast_wrt: Vec<_> = wrt.iter().map(|p| p.fast).collect();
        let plain_wrt: Vec<_> = wrt.iter().map(|p| p.plain).collect();
        let fast_grads = output.fast.gradient(&fast_wrt);
        let plain_grads = output.plain.gradient(&plain_wrt);
        assert_eq!(
            fast.len(),
            plain.len(),
            "seed {seed}: node counts after gradient"
        );
        let grads: Vec<Pair> = fast_grads
            .iter()
            .zip(&plain_grads)
            .map(|(&fast, &plain)| Pair { fast, plain })
            .collect();
        grads[0].fast.backward();
        grads[0].plain.backward();
        check(seed, "gradient, then its backward", &grads);
        check(seed, "second derivatives", &all);
    }
}

fn cases() -> u64 {
    std::env::var("TAPEGRAD_AGREEMENT_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(150)
}

#[test]
fn engines_agree_to_the_bit_on_random_programs() {
    let (mut fast, mut plain) = (Tape::new(), plain::Tape::new());
    if let Some(seed) = std::env::var("TAPEGRAD_AGREEMENT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
    {
        return run_program(seed, &mut fast, &mut plain);
    }
    for seed in 0..cases() {
        // The same two tapes throughout: each program starts with `clear` and reuses the
        // memory of the last.
        run_program(seed, &mut fast, &mut plain);
    }
}

#[test]
fn a_gradient_with_respect_to_newer_nodes_records_the_same_on_both_tapes() {
    // The output is older than every node asked for, so it depends on none of them.
    let (fast, plain) = (Tape::new(), plain::Tape::new());
    let (fx, px) = (fast.var(2.0), plain.var(2.0));
    let (fy, py) = (fx * 3.0, px * 3.0);
    let (fz, pz) = (fast.var(1.0), plain.var(1.0));
    let (fg, pg) = (fy.gradient(&[fz]), py.gradient(&[pz]));
    assert_eq!((fg[0].data(), pg[0].data()), (0.0, 0.0));
    assert_eq!(fast.len(), plain.len());
}

#[test]
fn every_op_appears_in_the_random_programs() {
    // The generator's mix, tallied over the default cases' seeds, on the fast tape.
    let mut seen = [false; Op::ALL.len()];
    let (mut fast, mut plain) = (Tape::new(), plain::Tape::new());
    for seed in 0..40 {
        fast.clear();
        plain.clear();
        let mut programs = Programs {
            fast: &fast,
            plain: &plain,
            all: Vec::new(),
            live: Vec::new(),
            rng: StdRng::seed_from_u64(seed),
        };
        programs.record(400);
        for p in &programs.all {
            seen[p.fast.op() as usize] = true;
        }
    }
    let missing: Vec<Op> = Op::ALL
        .into_iter()
        .filter(|&op| !seen[op as usize])
        .collect();
    assert!(missing.is_empty(), "never generated: {missing:?}");
}
