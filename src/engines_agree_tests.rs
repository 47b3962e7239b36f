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
//! than the checkpoint spacing (runs of zero gradients), some starting right after a node the
//! fast tape keeps a checkpoint for,
//! statements (one node whose partials come from forward mode: `statement`, `statement_of`
//! and the several outputs of `statements_of`), enough nodes to grow the
//! tape through several doublings, `clear` and reuse of both tapes, `backward` from the
//! output and from an intermediate node, the backward trace, and `gradient` followed by
//! `backward` (second derivatives). Values are often used several times close together
//! (operands taken again, sums of one value repeated, neurons sharing their weights or
//! inputs, infinite inputs among them), and most programs end by weighing every live value
//! in one dot product: so most nodes get a gradient, and many get it in several parts, whose
//! order of addition the fast tape must keep.
//!
//! # What it catches
//!
//! A change of one bit in one gradient fails it. These changes to `src/fast/`, each made on
//! purpose in a copy of the code, fail this share of seeds 0..1000:
//!
//! | change to the fast tape | seeds that fail |
//! |---|---|
//! | `skip_zeros` resumes at the checkpoint of the live node itself when its index is a multiple of 64 (`live.next_multiple_of(64)` for `(live + 1).next_multiple_of(64)`) | 36% |
//! | the gradient held in a register is added to memory once, as the sum of the node's contributions, instead of one contribution at a time | 41% |
//! | a strided sum of one node `n` times adds `g * n` instead of `g` `n` times | 17% |
//! | `add_scaled_run` adds `g * value` with `mul_add`, rounding once | 37% |
//!
//! So the default run of 150 programs fails on each. The last two also fail a program of
//! their own below (`a_value_summed_twice_...`, `a_fused_neuron_rounds_...`), every time.
//! In some seeds the first also sends the sweep out of bounds, which debug builds stop at.
//!
//! `cargo test engines_agree` runs 150 programs; set `TAPEGRAD_AGREEMENT_CASES` for more (CI
//! runs the default; a soak before touching the fast tape: `TAPEGRAD_AGREEMENT_CASES=20000`).
//! A failure names the seed, and `TAPEGRAD_AGREEMENT_SEED=<seed>` runs that program alone.

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

use crate::fast::CHECKPOINT_EVERY;
use crate::forward::value_and_partials;
use crate::rules::{Layout, Op};
use crate::{Activation, Dual, Jet, Tape, Value, plain};

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
    /// The values used last (operands, a neuron's weights and inputs), which `operand` often
    /// takes again: a value with several uses close together gets its gradient in several
    /// parts, which is where the order of additions shows.
    recent: Vec<Pair<'f, 'p>>,
    /// The runs of weights (then the bias) and of inputs of the neurons so far, which later
    /// neurons may share.
    neuron_params: Vec<Vec<Pair<'f, 'p>>>,
    neuron_inputs: Vec<Vec<Pair<'f, 'p>>>,
    rng: StdRng,
}

impl<'f, 'p> Programs<'f, 'p> {
    fn new(fast: &'f Tape, plain: &'p plain::Tape, seed: u64) -> Self {
        Programs {
            fast,
            plain,
            all: Vec::new(),
            live: Vec::new(),
            recent: Vec::new(),
            neuron_params: Vec::new(),
            neuron_inputs: Vec::new(),
            rng: StdRng::seed_from_u64(seed),
        }
    }

    fn keep(&mut self, pair: Pair<'f, 'p>) -> Pair<'f, 'p> {
        self.all.push(pair);
        self.live.push(pair);
        pair
    }

    /// Notes a use of `pair`, for `operand` to take it again.
    fn remember(&mut self, pair: Pair<'f, 'p>) {
        if self.recent.len() == 8 {
            self.recent.remove(0);
        }
        self.recent.push(pair);
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
        if constant {
            self.keep(Pair {
                fast: self.fast.constant(x),
                plain: self.plain.constant(x),
            })
        } else {
            self.var(x)
        }
    }

    fn var(&mut self, x: f64) -> Pair<'f, 'p> {
        self.keep(Pair {
            fast: self.fast.var(x),
            plain: self.plain.var(x),
        })
    }

    /// An operand: most often the newest value, so that chains (operands stored implicitly)
    /// are common, then one used lately (`recent`), or any.
    fn operand(&mut self) -> Pair<'f, 'p> {
        let pick = self.rng.random_range(0..100);
        let pair = if pick < 40 {
            *self.live.last().expect("programs start with leaves")
        } else if pick < 65 && !self.recent.is_empty() {
            self.recent[self.rng.random_range(0..self.recent.len())]
        } else {
            self.live[self.rng.random_range(0..self.live.len())]
        };
        self.remember(pair);
        pair
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

    /// A sum of values from the pool, of one value repeated (a stride of step 0 on the fast
    /// tape), or of a loop body's outputs (every `step`-th node, a stride too).
    fn sum(&mut self) -> Pair<'f, 'p> {
        let kind = self.rng.random_range(0..100);
        let terms: Vec<_> = if kind < 35 {
            let n = self.rng.random_range(0..8);
            (0..n).map(|_| self.operand()).collect()
        } else if kind < 65 {
            let x = self.operand();
            vec![x; self.rng.random_range(2..6)]
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

    /// A neuron on a run of weights and bias, fresh or an earlier neuron's, and on a fresh
    /// run of inputs (one fused node on the fast tape; an input may be infinite), an earlier
    /// neuron's inputs, or scattered inputs from the pool (a dot product, an addition and the
    /// activation). Some of its weights and inputs go to `recent`, for other uses soon after.
    fn neuron(&mut self) -> Pair<'f, 'p> {
        let activation = [
            Activation::Relu,
            Activation::Tanh,
            Activation::Sigmoid,
            Activation::Identity,
            Activation::leaky_relu(0.1),
        ][self.rng.random_range(0..5)];
        let params = if !self.neuron_params.is_empty() && self.rng.random_bool(0.3) {
            self.neuron_params[self.rng.random_range(0..self.neuron_params.len())].clone()
        } else {
            let n = self.rng.random_range(1..9);
            let params: Vec<_> = (0..=n).map(|_| self.leaf(false)).collect();
            self.neuron_params.push(params.clone());
            params
        };
        let n = params.len() - 1;
        let shared: Vec<usize> = (0..self.neuron_inputs.len())
            .filter(|&k| self.neuron_inputs[k].len() == n)
            .collect();
        let inputs: Vec<_> = if !shared.is_empty() && self.rng.random_bool(0.4) {
            self.neuron_inputs[shared[self.rng.random_range(0..shared.len())]].clone()
        } else if self.rng.random_bool(0.6) {
            let mut numbers: Vec<f64> = (0..n).map(|_| self.number()).collect();
            if self.rng.random_bool(0.15) {
                // An infinite input: where the activation is flat, nothing passes on.
                numbers[self.rng.random_range(0..n)] =
                    [f64::INFINITY, f64::NEG_INFINITY][self.rng.random_range(0..2)];
            }
            let inputs: Vec<_> = numbers.into_iter().map(|x| self.var(x)).collect();
            self.neuron_inputs.push(inputs.clone());
            inputs
        } else {
            (0..n).map(|_| self.operand()).collect()
        };
        for _ in 0..2 {
            let weight = params[self.rng.random_range(0..n)];
            let input = inputs[self.rng.random_range(0..n)];
            self.remember(weight);
            self.remember(input);
        }
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

    /// A statement recorded from one run on jets (`statement_of`) of one to three operands
    /// from the pool.
    fn statement_of(&mut self) -> Pair<'f, 'p> {
        match self.rng.random_range(0..4) {
            0 => self.statement_of_width::<1>(),
            1 => self.statement_of_width::<2>(),
            _ => self.statement_of_width::<3>(),
        }
    }

    fn statement_of_width<const N: usize>(&mut self) -> Pair<'f, 'p> {
        let inputs: [Pair; N] = std::array::from_fn(|_| self.operand());
        let k = self.number();
        let body = move |v: [Jet<N>; N]| {
            v.iter()
                .fold(Jet::constant(k), |acc, &x| (acc * x + x.sin()).tanh())
        };
        let fast = self.fast.statement_of(inputs.map(|p| p.fast), body);
        let plain = self.plain_statements(&inputs, [body(jets(&inputs))])[0];
        self.keep(Pair { fast, plain })
    }

    /// Several statements from one run on jets (`statements_of`) of two or three operands
    /// from the pool: one node per output, some of whose partials may be infinite or NaN.
    fn statements_of(&mut self) {
        if self.rng.random_bool(0.5) {
            self.statements_of_width::<2>();
        } else {
            self.statements_of_width::<3>();
        }
    }

    fn statements_of_width<const N: usize>(&mut self) {
        let inputs: [Pair; N] = std::array::from_fn(|_| self.operand());
        let k = self.number();
        let body = move |v: [Jet<N>; N]| {
            let squares: Jet<N> = v.iter().map(|&x| x * x).sum();
            [
                (v[0] * k + v[N - 1].exp()).tanh(),
                squares.sqrt() * v[1],
                (v[0] - v[1]).abs().ln() + k,
            ]
        };
        let fast = self.fast.statements_of(inputs.map(|p| p.fast), body);
        let plain = self.plain_statements(&inputs, body(jets(&inputs)));
        for (fast, plain) in fast.into_iter().zip(plain) {
            self.keep(Pair { fast, plain });
        }
    }

    /// Records on the plain tape a statement on `inputs` for each of `outputs`, its value and
    /// its jet's tangents as the partials.
    fn plain_statements<const N: usize, const M: usize>(
        &self,
        inputs: &[Pair<'f, 'p>; N],
        outputs: [Jet<N>; M],
    ) -> [plain::Value<'p>; M] {
        let indices = inputs.map(|p| p.plain.index() as u32);
        outputs.map(|y| (self.plain).record_statement(&indices, &y.tangents(), y.value()))
    }

    /// A chain of ops that nothing later uses: a run of zero gradients for the sweep to skip,
    /// longer than the fast tape's checkpoint spacing.
    ///
    /// Half of them start just after a node the fast tape keeps a checkpoint for, a product
    /// that later ops use: the sweep then finds its place again right at that checkpoint's
    /// edge (the product's data ends where the next node's starts).
    fn dead_branch(&mut self) {
        if self.rng.random_bool(0.5) {
            let live = self.live.len();
            while self.fast.len() % CHECKPOINT_EVERY != 0 {
                self.leaf(false);
            }
            self.live.truncate(live);
            self.element_wise(Op::Mul);
        }
        let (live, recent) = (self.live.len(), self.recent.clone());
        let length = self.rng.random_range(60..300);
        for _ in 0..length {
            let op = [Op::Sin, Op::MulConst, Op::Tanh][self.rng.random_range(0..3)];
            self.element_wise(op);
        }
        self.live.truncate(live);
        self.recent = recent;
    }

    /// The program's output, most of the time: every live value with a finite value,
    /// weighted by a fresh leaf, in one dot product. So most of the program gets a gradient,
    /// and values used elsewhere too get theirs in several parts. (The others end on their
    /// newest value.)
    fn readout(&mut self) {
        let terms: Vec<_> = (self.live.iter())
            .filter(|p| p.fast.data().is_finite())
            .copied()
            .collect();
        let weights: Vec<_> = terms.iter().map(|_| self.leaf(false)).collect();
        let fast_terms: Vec<_> = terms.iter().map(|p| p.fast).collect();
        let fast_weights: Vec<_> = weights.iter().map(|p| p.fast).collect();
        let fast = self.fast.dot(&fast_terms, &fast_weights);
        let indices: Vec<u32> = (terms.iter().chain(&weights))
            .map(|p| p.plain.index() as u32)
            .collect();
        let plain = self.plain.record(Op::Dot, &indices, &[]);
        self.keep(Pair { fast, plain });
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
                21..23 => {
                    self.statement_of();
                }
                23..24 => self.statements_of(),
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
        if self.rng.random_bool(0.75) {
            self.readout();
        }
    }
}

/// The inputs of a statement as jets, from their values on the plain tape: input `i` with
/// tangent 1 in lane `i`.
fn jets<const N: usize>(inputs: &[Pair; N]) -> [Jet<N>; N] {
    std::array::from_fn(|i| Jet::variable(inputs[i].plain.data(), i))
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
    let mut programs = Programs::new(fast, plain, seed);
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

    // The trace of the backward pass (the teaching tools) reports the same gradients.
    #[cfg(feature = "teach")]
    {
        let trace = output.fast.backward_trace();
        output.plain.backward();
        // The plain gradient of each value of the program, by its node on the fast tape.
        let mut plain_grads = vec![None; fast.len()];
        for p in &all {
            plain_grads[p.fast.index()] = Some(p.plain.grad());
        }
        for step in trace.steps() {
            let node = step.node();
            if let Some(plain_grad) = plain_grads[node.index()] {
                assert!(
                    same(node.grad(), plain_grad),
                    "seed {seed}: trace of node {}",
                    node.index()
                );
            }
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

// Two programs on which a change to the fast tape's arithmetic shows in the last bit. Each
// node's gradient is the sum of what its users pass it, added one contribution at a time in
// the order the sweep meets them; so is the fast tape's, however it stores the nodes.

#[test]
fn a_value_summed_twice_gets_its_gradient_added_twice_not_doubled() {
    // y = (x + x) + x * 2^53: x gets 2^53 from the product first, then 1 and 1, each of which
    // rounds away (2^53 + 1 is a tie, to even); 2^53 + 2, the sum doubled, would not.
    let scale = 2f64.powi(53);
    let fast_tape = Tape::new();
    let x = fast_tape.var(1.0);
    let twice = fast_tape.sum([x, x]); // a stride of step 0
    let y = twice + x * scale;
    y.backward();
    let plain_tape = plain::Tape::new();
    let px = plain_tape.var(1.0);
    let plain_twice = plain_tape.record(Op::Sum, &[0, 0], &[]);
    let py = plain_twice + px * scale;
    py.backward();
    assert_eq!(twice.op(), Op::SumStride);
    assert_eq!(px.grad(), scale);
    assert_eq!(x.grad().to_bits(), px.grad().to_bits());
}

#[test]
fn a_fused_neuron_rounds_each_product_before_adding_it() {
    // y = k z - w, z = w x + b, with k = x = 1 + 2^-30: w gets -1, then k x = 1 + 2^-29 +
    // 2^-60 rounded to 1 + 2^-29, which leaves 2^-29; a fused multiply-add would keep the
    // 2^-60.
    let k = 1.0 + 2f64.powi(-30);
    let fast_tape = Tape::new();
    let [w, b, x] = [k, 0.0, k].map(|v| fast_tape.var(v));
    let z = fast_tape.neuron(&[w], b, &[x], Activation::Identity);
    let y = z * k - w;
    y.backward();
    let plain_tape = plain::Tape::new();
    let [pw, _, _] = [k, 0.0, k].map(|v| plain_tape.var(v));
    let pz = plain_tape.record(Op::Affine, &[0, 2, 1], &[]);
    let py = pz * k - pw;
    py.backward();
    assert_eq!(z.op(), Op::Affine);
    assert_eq!(pw.grad(), 2f64.powi(-29));
    assert_eq!(w.grad().to_bits(), pw.grad().to_bits());
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
        let mut programs = Programs::new(&fast, &plain, seed);
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
