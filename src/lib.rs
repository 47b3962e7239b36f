//! Exact gradients of scalar code, by reverse-mode automatic differentiation on a tape.
//!
//! # What reverse mode does
//!
//! Write a computation with [`Value`]s instead of `f64`s. Every operation records one node on a
//! [`Tape`]: its operands and its value. Calling [`Value::backward`] on the result walks the
//! tape once, newest node first, and applies the chain rule at each node: the gradient that
//! reached a node is multiplied by the node's local derivatives and passed on to its operands.
//! One sweep gives the derivative of the output with respect to every node, whatever their
//! number; that is why training a network with a million weights costs about as much as
//! evaluating it.
//!
//! # The tape in one picture
//!
//! For `y = x * x + 3 * x` at `x = 2`:
//!
//! ```text
//!  node  op       operands  value   grad (after y.backward())
//!  0     var                2       7  = 4 (via node 1) + 3 (via node 2)
//!  1     *        0, 0      4       1
//!  2     * 3.0    0         6       1
//!  3     +        1, 2      10      1  (the seed: dy/dy)
//!                           ──── forward: record, top to bottom
//!                           ──── backward: one loop, bottom to top
//! ```
//!
//! # A first example
//!
//! ```
//! use tapegrad::Tape;
//!
//! // micrograd's README expression
//! let tape = Tape::new();
//! let a = tape.var(-4.0);
//! let b = tape.var(2.0);
//! let mut c = a + b;
//! let mut d = a * b + b.powi(3);
//! c += c + 1.0;
//! c += 1.0 + c + (-a);
//! d += d * 2.0 + (b + a).relu();
//! d += 3.0 * d + (b - a).relu();
//! let e = c - d;
//! let f = e.powi(2);
//! let mut g = f / 2.0;
//! g += 10.0 / f;
//! g.backward();
//! assert!((g.data() - 24.70408163265306).abs() < 1e-12);
//! assert!((a.grad() - 138.83381924198252).abs() < 1e-12);
//! assert!((b.grad() - 645.5772594752186).abs() < 1e-12);
//! ```
//!
//! # Neural networks
//!
//! The [`nn`] module builds networks from the same values: [`nn::Mlp`] and its layers keep
//! their parameters as `f64`s, bind them to a tape as leaves at each step, and record one
//! fused node per neuron; losses, optimizers ([`nn::Sgd`], [`nn::Adam`]), data sets, saving
//! and loading, and data-parallel training come with it. Its module docs follow a parameter
//! through a training step.
//!
//! ```
//! use tapegrad::Tape;
//! use tapegrad::nn::{Activation, Init, Mlp, Module, Run};
//!
//! let model = Mlp::new(2, &[(16, Activation::Relu), (1, Activation::Identity)], Init::He, 1);
//! let tape = Tape::new();
//! let params = model.bind(&tape);
//! let score = model.forward(params, Run::vars(&tape, [0.5, -1.0])).get(0);
//! score.backward(); // d score / d every weight, bias and input
//! ```
//!
//! # What is there
//!
//! - Operators `+ - * /` (and `+= -= *= /=`) between values and with `f64` on either side,
//!   unary `-`, and the methods of `f64` under the same names: `powf`, `powi`, `sqrt`, `exp`,
//!   `ln`, `sin`, `tanh`, `abs`, `max`, `clamp`, `mul_add`... plus [`Value::pow`] for a value
//!   exponent and the activations `relu`, `leaky_relu`, `sigmoid`, `softplus`.
//! - Fused nodes for long expressions: [`Tape::sum`] (also `iter.sum()`), [`Tape::dot`],
//!   [`Tape::dot_const`] (values against numbers), [`Tape::affine`] and [`Tape::neuron`] (a
//!   whole neuron, activation included, in one node).
//! - Derivatives of a closure at a point: [`value_and_gradient`], [`Gradient`] (the same in a
//!   loop), [`hessian`], [`jacobian`], [`value_and_jacobian`] and more.
//! - Higher derivatives: [`Value::gradient`] returns the gradient as values on the same tape.
//! - [`ln_gamma`], `ln |Γ(x)|` on `f64`, which std has only on nightly.
//! - Forward mode: [`Dual`] numbers carry a value and a tangent, with every method of `Value`
//!   and the same rules at kinks; [`jvp`], [`value_and_gradient_forward`] and
//!   [`jacobian_forward`] do the bookkeeping.
//! - [`Scalar`], the trait `f64`, `Value`, `Dual` and [`Jet`] share: a function written once
//!   evaluates, records, or carries tangents; `S::from(c)` is a constant of any of them.
//! - Nesting, for derivatives of derivatives: `Dual<S>` over any `Scalar` (`Dual<Dual>` is
//!   forward over forward, `Dual<Value>` reverse over forward), and [`value_and_gradient`] at
//!   a point of duals (forward over reverse) or of another tape's values (reverse over
//!   reverse), each level with its own perturbation.
//! - [`Tape::statement_of`]: a whole statement as one node, its partial derivatives computed
//!   in one run on [`Jet`]s (a value with a tangent per input) when it is recorded (for speed,
//!   at the cost of the step-by-step view); [`Tape::statements_of`] records several outputs
//!   from one run, and [`Tape::statement`] takes a slice of inputs and runs once per input.
//! - [`plain`]: the same engine as plainly as it can be written, to read first.
//!
//! Every derivative rule sits in one file, `src/rules/partials.rs`: the table of local
//! derivatives, one arm per operation with its formula in a comment, which the backward sweep
//! multiplies by the gradient from above (`src/rules/backprop.rs`) and forward mode by the
//! tangents. Read it beside the plain tape ([`plain`]), whose backward pass is one loop over
//! that table, to see backpropagation happen.
//!
//! # Higher derivatives
//!
//! [`Value::gradient`] runs the backward pass with the same rules as [`Value::backward`],
//! but on values, so that every step of it is recorded on the tape. The gradients it returns
//! are values like any other: differentiate them again, to any order.
//!
//! ```
//! use tapegrad::{Tape, hessian};
//!
//! let tape = Tape::new();
//! let x = tape.var(2.0);
//! let y = x.powi(5);
//! let dy = y.gradient(&[x])[0]; // 5 x⁴
//! let d2y = dy.gradient(&[x])[0]; // 20 x³
//! d2y.backward(); // 60 x², into x.grad()
//! assert_eq!((dy.data(), d2y.data(), x.grad()), (80.0, 160.0, 240.0));
//!
//! // f(x, y) = x² y + y³ has the Hessian [[2y, 2x], [2x, 6y]]
//! let h = hessian(|v| v[0] * v[0] * v[1] + v[1].powi(3), &[1.0, 2.0]);
//! assert_eq!(h, [[4.0, 2.0], [2.0, 12.0]]);
//! ```
//!
//! For a closure at a point, [`value_and_gradient`], [`hessian`], [`hessian_vector_product`],
//! [`jacobian`] and [`value_and_jacobian`] do the bookkeeping on a tape of their own. For a
//! closure that records `N` nodes on `n` inputs, a gradient costs one backward sweep
//! (`O(N)`); a Hessian one recorded gradient and `n` sweeps (`O(n N)`); a Hessian-vector
//! product one recorded gradient and one sweep (`O(N)`, whatever `n`); a Jacobian one sweep
//! per output. Pass the closure inline, or write it as `fn f<'t>(x: &[Value<'t>]) ->
//! Value<'t>` so that Rust sees that the output lives on the inputs' tape.
//!
//! # Gradients in a loop
//!
//! A loop that wants the gradient of one function at point after point takes the closure
//! once in a [`Gradient`], which keeps its tape and its buffers from call to call: after the
//! first call, [`Gradient::at`] allocates nothing.
//!
//! ```
//! use tapegrad::Gradient;
//!
//! // Gradient descent on f(x, y) = (x - 1)² + 10 (y + 2)².
//! let mut grad = Gradient::new(|v| (v[0] - 1.0).powi(2) + 10.0 * (v[1] + 2.0).powi(2));
//! let mut x = vec![0.0, 0.0];
//! for _ in 0..200 {
//!     let (_, g): (f64, &[f64]) = grad.at(&x);
//!     x[0] -= 0.04 * g[0];
//!     x[1] -= 0.04 * g[1];
//! }
//! assert!((x[0] - 1.0).abs() < 1e-6 && (x[1] + 2.0).abs() < 1e-6);
//! ```
//!
//! Doing it by hand on one tape works too ([`Tape::clear`], new [`var`](Tape::var)s,
//! [`backward`](Value::backward), [`grad`](Value::grad)), except that the inputs' `Vec<Value>`
//! cannot be kept from one step to the next: each value borrows the tape, and `clear` needs
//! the tape to itself. [`Gradient`]'s docs say why the borrow checker refuses it and what to
//! keep instead (numbers, and the vector's memory).
//!
//! First-order code pays nothing for this: `backward` runs the rules on plain `f64`s and
//! records nothing.
//!
//! One difference from `backward`: `gradient` cannot skip a node whose incoming gradient is
//! zero, since the derivatives of that zero need not be, so an unused NaN (see below) does
//! reach its results: for `x.ln() * 0.0` at `x = -1`, `backward` gives 0 and `gradient` NaN.
//!
//! # One function, three number types
//!
//! Write a function for any [`Scalar`] and run it on `f64` to evaluate it, on `Value`s for
//! gradients and Hessians (reverse mode), or on [`Dual`]s for derivatives along a direction
//! (forward mode). Constants go on the right of an operator in generic code (`x - 1.0`), and
//! two-operand methods take numbers (`x.max(0.0)`); `S::from(c)` makes a constant of the
//! same type where one is needed, say to start a sum.
//!
//! ```
//! use tapegrad::{Dual, Scalar, hessian, jvp, value_and_gradient};
//!
//! fn rosenbrock<S: Scalar>(x: S, y: S) -> S {
//!     (x - 1.0) * (x - 1.0) + (y - x * x) * (y - x * x) * 100.0
//! }
//! let f = rosenbrock(0.5, 2.0);
//! let (value, grad) = value_and_gradient(|v| rosenbrock(v[0], v[1]), &[0.5, 2.0]);
//! let h = hessian(|v| rosenbrock(v[0], v[1]), &[0.5, 2.0]);
//! let (_, along_x) = jvp(|v: &[Dual]| rosenbrock(v[0], v[1]), &[0.5, 2.0], &[1.0, 0.0]);
//! assert_eq!((f, value), (306.5, 306.5));
//! assert_eq!((grad[0], along_x), (-351.0, -351.0));
//! assert_eq!(h[1], [-200.0, 200.0]);
//! ```
//!
//! Forward mode costs one run of the function per input for a gradient, reverse mode one
//! recording and one backward sweep whatever the number of inputs: forward wins for a few
//! inputs, for a Jacobian with more outputs than inputs, and for a single directional
//! derivative; reverse for gradients of many inputs.
//!
//! # Seeing backprop happen
//!
//! The [`teach`] module turns a recording into something to look at:
//! [`Value::to_dot`] draws the graph behind a value (Graphviz), [`Value::backward_trace`]
//! lists what the backward sweep does at every node, and [`gradcheck`] compares the gradients
//! with finite differences.
//!
//! ```
//! use tapegrad::{Tape, gradcheck, teach::Tolerance};
//!
//! let tape = Tape::new();
//! let x = tape.named("x", 2.0);
//! let y = (x * x + 3.0 * x).label("y");
//! let trace = y.backward_trace();
//! // x receives 2 (from x * x, once per use) twice and 3 (from 3 * x): 2 + 2 + 3 = 7.
//! let to_x: Vec<f64> = trace
//!     .steps()
//!     .iter()
//!     .flat_map(|s| s.contributions())
//!     .filter(|c| c.operand() == x.index())
//!     .map(|c| c.adds())
//!     .collect();
//! assert_eq!(to_x, [3.0, 2.0, 2.0]);
//! assert_eq!(x.grad(), 7.0);
//! println!("{trace}");
//! let dot = y.to_dot(); // save as graph.dot, then: dot -Tsvg graph.dot -o graph.svg
//! assert!(dot.contains("#0 x | data 2 | grad 7"));
//!
//! let report = gradcheck(|v| v[0] * v[0] + 3.0 * v[0], &[2.0]);
//! assert!(report.passes(Tolerance::default()));
//! ```
//!
//! The README's chapter "Backprop, from the code" says in which order to read the source.
//!
//! # Features
//!
//! The engine (`Tape`, `Value`, `Dual`, statements, the derivative helpers, `plain`) always
//! compiles. Two features are on by default and can be left out:
//!
//! - `nn`: the modules [`nn`] (networks, losses, optimizers, training, data sets,
//!   `DataParallel` on [rayon](https://docs.rs/rayon)) and [`chart`] (SVG charts of training
//!   histories and decision boundaries).
//! - `teach`: the module [`teach`] (graphs, traces of the backward pass, the explorer page)
//!   and [`gradcheck`].
//!
//! A program that needs exact gradients and nothing else builds the engine alone with
//! `tapegrad = { version = "0.1", default-features = false }`: no rayon, and a quarter of the
//! first build's time (the README's "Dependencies" gives each feature's measured cost).
//!
//! The others are off by default. Turn one on with
//! `tapegrad = { version = "0.1", features = ["csv"] }` in `Cargo.toml` (or
//! `cargo add tapegrad --features csv`).
//!
//! - `argmin`: the module `tapegrad::argmin`, exact gradients, Hessians and Jacobians for the
//!   solvers of the [argmin](https://docs.rs/argmin) crate. The module re-exports argmin's
//!   own items (`tapegrad::argmin::core`, `tapegrad::argmin::solver`), so the feature is all
//!   a project needs. Two compiler messages look alike: ``could not find `argmin` in
//!   `tapegrad` ``, with a note that the item ``is gated behind the `argmin` feature``, means
//!   the feature is off; ``use of unresolved module or unlinked crate `argmin` `` with the
//!   hint ``use `cargo add argmin` `` means the code names argmin itself
//!   (`use argmin::core::..`) without depending on it, and the dependency must then be argmin
//!   0.11 (`cargo add argmin@0.11`), the version whose traits the adapter implements, or the
//!   code can name the re-exports instead.
//! - `csv` (turns on `nn`): `nn::Dataset::from_csv` and `nn::Dataset::from_csv_reader`,
//!   data sets read from CSV files by the [csv](https://docs.rs/csv) crate (quoting, headers,
//!   errors that name the line, the row and the column: `nn::CsvError`).
//!   `examples/tabular.rs` needs it.
//! - `serde` (turns on `nn`): `Serialize` and `Deserialize` for [`nn::Mlp`], the optimizers
//!   ([`nn::Sgd`], [`nn::Adam`], [`nn::AdamW`]), [`nn::Standardize`] and [`nn::History`],
//!   through [serde](https://serde.rs), to save them in whatever format a program already
//!   uses. The text formats ([`nn::Mlp::to_text`], [`nn::Checkpoint`]) stay the documented
//!   ones, which name the line of a problem; what serde reads is checked too (layers that fit
//!   together, scales above 0, ...), and a problem is the data format's error.
//!
//! # Kinks and domains
//!
//! Numeric trouble never panics: it gives the IEEE answer, NaN or an infinity, as `f64` does.
//! Values are those of the `f64` method of the same name. At kinks and domain edges the
//! derivatives follow PyTorch, except where the last column says otherwise:
//!
//! | operation | where | value | derivative | PyTorch |
//! |---|---|---|---|---|
//! | `relu`, `abs` | `x = 0` | `0` | `0` | same |
//! | `leaky_relu(slope)` | `x = 0` | `0` | `slope` | same |
//! | `clamp(lo, hi)` | `x` on a bound (an infinite one too) | the bound | `0`, as `relu` at `0` | same |
//! | `abs`, `relu`, `leaky_relu`, `clamp`, a `Relu` neuron | `x` NaN | NaN | NaN | differs (1) |
//! | `max`, `min` | `a == b` | `a` | half of the gradient to each | same |
//! | `max`, `min` | one operand NaN | the other, as `f64` | all to the other | differs (2) |
//! | `max`, `min` | both NaN | NaN | NaN to each | differs (1) |
//! | `floor`, `ceil`, `round`, `trunc`, `signum` | everywhere, NaN too | as `f64` | `0` | differs (3) |
//! | every other op | an operand NaN | NaN | its formula in IEEE arithmetic (`d(a + b)/da = 1`) | same |
//! | `sqrt` | `x = ±0` | `±0` | `±inf` | same |
//! | `cbrt` | `x = ±0` | `±0` | `+inf`, second derivative `∓inf` | no `cbrt` |
//! | `cbrt` | `x = ±inf` | `±inf` | `0`, second derivative `0` | no `cbrt` |
//! | `ln`, `log2`, `log10`, `log` | `x = ±0` | `-inf` | `±inf` | same |
//! | `sqrt`, `asin`, `acos` | outside the domain | NaN | NaN | same |
//! | `ln`, `log2`, `log10`, `log`; `ln_1p`; `atanh`; `acosh` | `x < 0`; `x < -1`; `\|x\| > 1`; `x < 1` | NaN | NaN | differs (4) |
//! | `asin`, `acos`, `atanh`, `acosh`, `ln_1p` | the domain's ends (`±1`, `-1`) | finite or `±inf` | `±inf` | same |
//! | `powf`, `powi` | exponent `0` | `1` | `0`, even at `x = 0` and NaN | same |
//! | `powf(k)` | `x = -0`, `x = -inf` | IEEE `powf` | `k · powf(x, k - 1)` | differs (5) |
//! | `powi(n)` | every `n`, `i32::MIN` too | as `f64` | `n · x^(n-1)`, exact | same |
//! | `pow` | base `0`, exponent `>= 0` | `0^b` | `0` for the exponent | same |
//! | `atan2` | `(±0, ±0)` | as `f64` | `0` for both operands | same |
//! | `atan2`, `asinh`, `acosh` | tiny or huge operands | as `f64` | the true slopes (`-1e300` for `b` at `(1e-300, 0)`; `1e-300` at `1e300`) | differs (6) |
//! | `hypot` | `(±0, ±0)` | `0` | NaN (`0/0`) | same |
//! | `tanh`, `sigmoid`, `softplus` | `x = ±1e300` | finite | finite | same |
//!
//! Why each difference:
//!
//! 1. **A NaN picks no branch.** PyTorch's rules for piecewise functions compare the input
//!    with the kink; a NaN fails every comparison and so lands on whichever branch a failed
//!    test selects (`relu'(NaN)`, `leaky_relu'(NaN)` and `clamp'(NaN)` are numbers there).
//!    That branch is an accident of how the test is written; a NaN slope says so.
//! 2. **`max`/`min` with one NaN operand return the other**, as `f64::max` does (PyTorch's
//!    `maximum` returns NaN). The gradient follows the value, all to the operand returned.
//! 3. **Rounding as `f64`**: `signum(±0)` is `±1` (PyTorch's `sign` gives `0`) and `round`
//!    takes halves away from zero (PyTorch rounds them to even). The names are `f64`'s, so the
//!    values are too; the derivative is `0` either way.
//! 4. **No slope outside the real domain.** PyTorch returns the formula's finite slope of a NaN
//!    value (`1/x` for `ln(-1)`, `1/sqrt(x² - 1)` for `acosh(-1.3)`); here it is NaN, so that
//!    a computation that left the domain cannot hand back a plausible gradient.
//! 5. **`powf` is IEEE `powf`.** PyTorch computes `pow(x, 0.5)` as `sqrt(x)` and
//!    `pow(x, -0.5)` as `rsqrt(x)`, which differ at `-0` (`sqrt(-0) = -0`, slope `-inf`;
//!    `powf` gives `+0`, slope `+inf`) and at `-inf` (NaN; `powf` gives `+inf`, slope `0`).
//! 6. **No overflow or underflow inside a rule.** PyTorch squares the operands
//!    (`a² + b²`, `x² ± 1`), which underflows or overflows where the slope itself is a normal
//!    number: `atan2` at `(1e-300, 0)` gives NaN and `-inf` there, `asinh'(1e300)` gives `0`.
//!    Here the operands are scaled first, or the square root is factored.
//!
//! A node whose incoming gradient is exactly zero passes nothing on. That keeps an unused
//! NaN (say `ln(-1)` computed and never used) from reaching the inputs through `0 * NaN`; it
//! also means `0 * sqrt(x)` at `x = 0` gives `x` a gradient of 0, where PyTorch gives NaN.
//! The same goes for second derivatives: [`backward`](Value::backward) on a recorded
//! gradient gives the limit `0` for `atan''` and `asinh''` at `±inf`, where
//! [`gradient`](Value::gradient) taken twice records `0 · inf = NaN` there, as PyTorch's
//! double backward does. And `backward` adds into gradients that start at `+0`, so a zero
//! gradient from it is `+0`; `gradient` keeps a slope's sign (`-0` for `powi(i32::MIN)` at 2).
//!
//! Beyond `f64`'s range, second derivatives overflow: `atan2`'s at operands below about
//! `1e-154` (all three, the cross partial included), and at an infinite operand, where a first
//! partial of `atan2` or `hypot` is already `inf/inf = NaN`, they are left to IEEE arithmetic.

#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(missing_docs)]
#![deny(unsafe_code)]
#![warn(missing_debug_implementations)]

#[cfg(feature = "argmin")]
#[cfg_attr(docsrs, doc(cfg(feature = "argmin")))]
pub mod argmin;
#[cfg(feature = "nn")]
#[cfg_attr(docsrs, doc(cfg(feature = "nn")))]
pub mod chart;
#[cfg(feature = "nn")]
#[cfg_attr(docsrs, doc(cfg(feature = "nn")))]
pub mod nn;
mod notebook;
#[cfg(feature = "teach")]
#[cfg_attr(docsrs, doc(cfg(feature = "teach")))]
pub mod teach;

// The rules (each op's value and derivative), the two tapes that run them, and the `Value` API.
// `unsafe` is allowed in the fast tape alone.
#[cfg(test)]
mod engines_agree_tests;
mod fast;
mod forward;
pub mod plain;
mod rules;
mod scalar;
mod special;
mod value;

pub use fast::Tape;
pub use forward::{Dual, Jet, jacobian_forward, jvp, value_and_gradient_forward};
pub use scalar::Scalar;
pub use scalar::operand::IntoOperand;
pub use special::ln_gamma;
#[cfg(feature = "teach")]
#[cfg_attr(docsrs, doc(cfg(feature = "teach")))]
pub use teach::gradcheck;
pub use value::Value;
pub use value::derivatives::{
    Gradient, function, hessian, hessian_vector_product, jacobian, value_and_gradient,
    value_and_jacobian, value_gradient_and_hessian, vector_function,
};
pub use value::fused::{Activation, LeakySlope};

/// The guides' Rust examples (`docs/`), run as doc tests like the README's.
#[cfg(doctest)]
mod guides {
    #[doc = include_str!("../docs/porting.md")]
    struct Porting;
    #[doc = include_str!("../docs/forward-or-reverse.md")]
    struct ForwardOrReverse;
    #[doc = include_str!("../docs/training.md")]
    struct Training;
    #[doc = include_str!("../docs/derivatives.md")]
    struct Derivatives;
    #[doc = include_str!("../docs/explorer.md")]
    struct Explorer;
    #[doc = include_str!("../docs/tutorial.md")]
    struct Tutorial;
}

/// The README's Rust examples, run as doc tests so that a newcomer's first steps keep working.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
