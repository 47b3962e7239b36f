//! Random programs on a tape: leaves, constants, every method and operator, fused sums, dot
//! products and neurons (some recorded while another sum is being recorded), recorded
//! gradients, backward, and clearing the tape to start again. The bytes are the program.
//!
//! What must hold, whatever the numbers (NaN, infinities, signed zeros, huge and tiny):
//! - nothing panics (the program never misuses the API: no `clamp` with min > max or a NaN
//!   bound, one tape only);
//! - every op that mirrors an `f64` method or operator gives the value `f64` gives, bit for
//!   bit (any NaN for a NaN);
//! - after `backward`, a leaf the output does not depend on has gradient 0, exactly, and so
//!   has each entry of a recorded gradient for such a leaf.

use tapegrad::{Activation, Tape, Value};

/// Numbers where functions have kinks, domain edges, overflow or underflow.
const SPECIAL: [f64; 24] = [
    0.0,
    -0.0,
    1.0,
    -1.0,
    0.5,
    -0.5,
    2.0,
    -3.0,
    1e-300,
    -1e-300,
    1e300,
    -1e300,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::NAN,
    f64::MIN_POSITIVE,
    f64::EPSILON,
    f64::MAX,
    710.0,
    -745.0,
    std::f64::consts::PI,
    0.1,
    1.5,
    -7.25,
];

/// The program's bytes, read one at a time; zeros once they run out.
struct Program<'a>(&'a [u8]);

impl Program<'_> {
    fn byte(&mut self) -> u8 {
        let (&b, rest) = self.0.split_first().unwrap_or((&0, &[]));
        self.0 = rest;
        b
    }

    fn is_done(&self) -> bool {
        self.0.is_empty()
    }

    fn below(&mut self, n: usize) -> usize {
        usize::from(self.byte()) % n
    }

    /// A special number, or any `f64` from eight bytes.
    fn number(&mut self) -> f64 {
        let pick = self.byte();
        if usize::from(pick) < SPECIAL.len() * 8 {
            SPECIAL[usize::from(pick) % SPECIAL.len()]
        } else {
            f64::from_le_bytes(std::array::from_fn(|_| self.byte()))
        }
    }

    fn exponent(&mut self) -> i32 {
        match self.byte() % 4 {
            0 => i32::from(self.byte() as i8),
            1 => i32::MIN,
            2 => i32::MAX,
            _ => i32::from_le_bytes(std::array::from_fn(|_| self.byte())),
        }
    }
}

/// A value of the program, with the leaves it may depend on (bit `i` for leaf `i`).
#[derive(Clone, Copy)]
struct Slot<'t> {
    value: Value<'t>,
    leaves: u64,
}

const MAX_LEAVES: usize = 64;
const MAX_VALUES: usize = 48;
const MAX_STEPS: usize = 300;

type Unary = (fn(Value<'_>) -> Value<'_>, Option<fn(f64) -> f64>);

/// Methods of one operand, with the `f64` method each mirrors, where it does.
const UNARY: [Unary; 37] = [
    (|v| v.sqrt(), Some(f64::sqrt)),
    (|v| v.cbrt(), Some(f64::cbrt)),
    (|v| v.recip(), Some(f64::recip)),
    (|v| v.exp(), Some(f64::exp)),
    (|v| v.exp2(), Some(f64::exp2)),
    (|v| v.exp_m1(), Some(f64::exp_m1)),
    (|v| v.ln(), Some(f64::ln)),
    (|v| v.ln_1p(), Some(f64::ln_1p)),
    (|v| v.log2(), Some(f64::log2)),
    (|v| v.log10(), Some(f64::log10)),
    (|v| v.sin(), Some(f64::sin)),
    (|v| v.cos(), Some(f64::cos)),
    (|v| v.tan(), Some(f64::tan)),
    (|v| v.asin(), Some(f64::asin)),
    (|v| v.acos(), Some(f64::acos)),
    (|v| v.atan(), Some(f64::atan)),
    (|v| v.sinh(), Some(f64::sinh)),
    (|v| v.cosh(), Some(f64::cosh)),
    (|v| v.tanh(), Some(f64::tanh)),
    (|v| v.asinh(), Some(f64::asinh)),
    (|v| v.acosh(), Some(f64::acosh)),
    (|v| v.atanh(), Some(f64::atanh)),
    (|v| v.to_degrees(), Some(f64::to_degrees)),
    (|v| v.to_radians(), Some(f64::to_radians)),
    (|v| v.abs(), Some(f64::abs)),
    (|v| v.signum(), Some(f64::signum)),
    (|v| v.floor(), Some(f64::floor)),
    (|v| v.ceil(), Some(f64::ceil)),
    (|v| v.round(), Some(f64::round)),
    (|v| v.trunc(), Some(f64::trunc)),
    (|v| v.fract(), Some(f64::fract)),
    (|v| -v, Some(|x| -x)),
    (|v| v.sin_cos().1, Some(f64::cos)),
    (|v| v.relu(), None),
    (|v| v.sigmoid(), None),
    (|v| v.softplus(), None),
    (|v| v.powi(2), Some(|x| x.powi(2))),
];

type Binary = (
    for<'t> fn(Value<'t>, Value<'t>) -> Value<'t>,
    Option<fn(f64, f64) -> f64>,
);

/// Operators and methods of two values, with the `f64` one each mirrors.
const BINARY: [Binary; 9] = [
    (|a, b| a + b, Some(|a, b| a + b)),
    (|a, b| a - b, Some(|a, b| a - b)),
    (|a, b| a * b, Some(|a, b| a * b)),
    (|a, b| a / b, Some(|a, b| a / b)),
    (|a, b| a.pow(b), Some(f64::powf)),
    (|a, b| a.hypot(b), Some(f64::hypot)),
    (|a, b| a.atan2(b), Some(f64::atan2)),
    (|a, b| a.max(b), Some(f64::max)),
    (|a, b| a.min(b), Some(f64::min)),
];

fn same(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

#[track_caller]
fn check_mirrors(got: Value<'_>, want: f64, what: &str) {
    assert!(
        same(got.data(), want),
        "{what}: the tape gives {:e}, f64 gives {want:e}",
        got.data()
    );
}

/// One of the values, chosen by the program.
fn pick<'t>(program: &mut Program<'_>, values: &[Slot<'t>]) -> Slot<'t> {
    values[program.below(values.len())]
}

/// Runs the program until it asks for the tape to be cleared (returns true) or ends.
fn run_until_clear(tape: &Tape, program: &mut Program<'_>) -> bool {
    let mut leaves: Vec<Value<'_>> = Vec::new();
    let mut values: Vec<Slot<'_>> = Vec::new();
    let mut cleared = false;
    for _ in 0..MAX_STEPS {
        if program.is_done() {
            break;
        }
        let op = program.byte();
        let new = if values.is_empty() || op < 24 {
            let x = program.number();
            if leaves.len() < MAX_LEAVES && op % 4 != 0 {
                let v = tape.var(x);
                leaves.push(v);
                Slot {
                    value: v,
                    leaves: 1 << (leaves.len() - 1),
                }
            } else {
                Slot {
                    value: tape.constant(x),
                    leaves: 0,
                }
            }
        } else {
            let a = pick(program, &values);
            match op {
                24..=119 => {
                    let (method, mirror) = UNARY[program.below(UNARY.len())];
                    let y = method(a.value);
                    if let Some(f) = mirror {
                        check_mirrors(y, f(a.value.data()), "a unary method");
                    }
                    Slot {
                        value: y,
                        leaves: a.leaves,
                    }
                }
                120..=179 => {
                    let b = pick(program, &values);
                    let (method, mirror) = BINARY[program.below(BINARY.len())];
                    let y = method(a.value, b.value);
                    if let Some(f) = mirror {
                        check_mirrors(y, f(a.value.data(), b.value.data()), "a binary method");
                    }
                    Slot {
                        value: y,
                        leaves: a.leaves | b.leaves,
                    }
                }
                180..=199 => {
                    let c = program.number();
                    let x = a.value.data();
                    let (y, want) = match program.byte() % 9 {
                        0 => (a.value + c, Some(x + c)),
                        1 => (c - a.value, Some(c - x)),
                        2 => (a.value * c, Some(x * c)),
                        3 => (c / a.value, Some(c / x)),
                        4 => (a.value.powf(c), Some(x.powf(c))),
                        5 => {
                            let n = program.exponent();
                            (a.value.powi(n), Some(x.powi(n)))
                        }
                        6 => (a.value.log(c), Some(x.log(c))),
                        7 => (a.value.leaky_relu(c), None),
                        _ => {
                            let d = program.number();
                            let (lo, hi) = if c <= d { (c, d) } else { (d, c) };
                            if lo.is_nan() || hi.is_nan() {
                                continue;
                            }
                            (a.value.clamp(lo, hi), Some(x.clamp(lo, hi)))
                        }
                    };
                    if let Some(want) = want {
                        check_mirrors(y, want, "a method with a number");
                    }
                    Slot {
                        value: y,
                        leaves: a.leaves,
                    }
                }
                200..=209 => {
                    let (b, c) = (pick(program, &values), pick(program, &values));
                    let y = a.value.mul_add(b.value, c.value);
                    Slot {
                        value: y,
                        leaves: a.leaves | b.leaves | c.leaves,
                    }
                }
                210..=229 => {
                    // A fused node over some of the values, some of them recorded while the
                    // sum is being recorded.
                    let n = program.below(8);
                    let scale = program.number();
                    let chosen: Vec<Slot<'_>> = (0..n).map(|_| pick(program, &values)).collect();
                    let leaves = chosen.iter().fold(0, |m, s| m | s.leaves);
                    let inner = program.byte();
                    let y = match inner % 4 {
                        0 => tape.sum(chosen.iter().map(|s| s.value)),
                        1 => tape.sum(chosen.iter().map(|s| s.value * scale)),
                        2 => tape.sum(chosen.iter().map(|s| {
                            tape.sum([s.value, s.value.sin()]) + tape.dot(&[s.value], &[s.value])
                        })),
                        // `Iterator::sum` of no values has no tape: documented misuse.
                        _ if chosen.is_empty() => tape.sum([]),
                        _ => chosen.iter().map(|s| s.value).sum(),
                    };
                    Slot { value: y, leaves }
                }
                230..=239 => {
                    let n = 1 + program.below(4);
                    let w: Vec<Slot<'_>> = (0..n).map(|_| pick(program, &values)).collect();
                    let x: Vec<Slot<'_>> = (0..n).map(|_| pick(program, &values)).collect();
                    let bias = pick(program, &values);
                    let leaves = w.iter().chain(&x).fold(bias.leaves, |m, s| m | s.leaves);
                    let (wv, xv): (Vec<Value<'_>>, Vec<Value<'_>>) = (
                        w.iter().map(|s| s.value).collect(),
                        x.iter().map(|s| s.value).collect(),
                    );
                    let y = match program.byte() % 7 {
                        0 => tape.dot(&wv, &xv),
                        1 => tape.affine(&wv, bias.value, &xv),
                        2 => tape.neuron(&wv, bias.value, &xv, Activation::Relu),
                        3 => tape.neuron(&wv, bias.value, &xv, Activation::Tanh),
                        4 => tape.neuron(&wv, bias.value, &xv, Activation::Sigmoid),
                        5 => tape.neuron(&wv, bias.value, &xv, Activation::Identity),
                        _ => {
                            let slope = program.number();
                            tape.neuron(&wv, bias.value, &xv, Activation::leaky_relu(slope))
                        }
                    };
                    Slot { value: y, leaves }
                }
                240..=249 => {
                    // A recorded gradient with respect to some leaves, differentiable again.
                    if leaves.is_empty() {
                        continue;
                    }
                    let wrt: Vec<usize> = (0..1 + program.below(3))
                        .map(|_| program.below(leaves.len()))
                        .collect();
                    let wrt_values: Vec<Value<'_>> = wrt.iter().map(|&i| leaves[i]).collect();
                    let grads = a.value.gradient(&wrt_values);
                    for (&i, g) in wrt.iter().zip(&grads) {
                        if a.leaves & (1 << i) == 0 {
                            assert!(
                                g.data() == 0.0,
                                "d/d(leaf {i}) of a value that does not use it is {}",
                                g.data()
                            );
                        }
                    }
                    Slot {
                        value: grads[0],
                        leaves: a.leaves,
                    }
                }
                250..=253 => {
                    backward_and_check(a, &leaves, &values);
                    continue;
                }
                _ => {
                    cleared = true;
                    break;
                }
            }
        };
        if values.len() < MAX_VALUES {
            values.push(new);
        } else {
            let i = program.below(values.len());
            values[i] = new;
        }
    }
    if let Some(&last) = values.last() {
        backward_and_check(last, &leaves, &values);
    }
    cleared
}

/// Runs backward from `y` and checks that the leaves it does not use get gradient 0.
fn backward_and_check(y: Slot<'_>, leaves: &[Value<'_>], values: &[Slot<'_>]) {
    y.value.backward();
    for (i, leaf) in leaves.iter().enumerate() {
        if y.leaves & (1 << i) == 0 {
            assert!(
                leaf.grad() == 0.0,
                "leaf {i} is not used, yet has gradient {}",
                leaf.grad()
            );
        }
    }
    for v in values {
        let _ = v.value.grad();
    }
}

/// Runs the program the bytes spell, checking as it goes; panics if a check fails.
pub fn run(bytes: &[u8]) {
    let mut program = Program(bytes);
    let mut tape = Tape::new();
    while run_until_clear(&tape, &mut program) {
        tape.clear();
    }
}
