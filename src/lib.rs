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
//!   [`Tape::affine`] and [`Tape::neuron`] (a whole neuron, activation included, in one node).
//! - Higher derivatives: [`Value::gradient`] returns the gradient as values on the same tape.
//!
//! Every derivative rule sits in one file, `src/ops.rs`: the chain-rule table, one arm per
//! operation with its formula in a comment. Read it to see backpropagation happen.
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
//! For a closure at a point, [`value_and_gradient`], [`hessian`], [`hessian_vector_product`]
//! and [`jacobian`] do the bookkeeping on a tape of their own. For a closure that records `N`
//! nodes on `n` inputs, a gradient costs one backward sweep (`O(N)`); a Hessian one recorded
//! gradient and `n` sweeps (`O(n N)`); a Hessian-vector product one recorded gradient and one
//! sweep (`O(N)`, whatever `n`); a Jacobian one sweep per output. Pass the closure inline, or
//! write it as `fn f<'t>(x: &[Value<'t>]) -> Value<'t>` so that Rust sees that the output
//! lives on the inputs' tape.
//!
//! First-order code pays nothing for this: `backward` runs the rules on plain `f64`s and
//! records nothing.
//!
//! One difference from `backward`: `gradient` cannot skip a node whose incoming gradient is
//! zero, since the derivatives of that zero need not be, so an unused NaN (see below) does
//! reach its results: for `x.ln() * 0.0` at `x = -1`, `backward` gives 0 and `gradient` NaN.
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
//! # Kinks and domains
//!
//! Numeric trouble never panics: it gives the IEEE answer, NaN or an infinity, as `f64` does.
//! Where a function has a kink or a domain edge, tapegrad follows PyTorch:
//!
//! | operation | where | value | derivative |
//! |---|---|---|---|
//! | `relu`, `abs` | `x = 0` | `0` | `0` |
//! | `leaky_relu(slope)` | `x = 0` | `0` | `slope` |
//! | `sqrt` | `x = 0` | `0` | `+inf` |
//! | `sqrt`, `ln`, `log2`, `log10`, `log` | `x < 0` | NaN | NaN |
//! | `ln` | `x = 0` | `-inf` | `+inf` |
//! | `ln_1p` | `x < -1` | NaN | NaN |
//! | `asin`, `acos`, `atanh` | `\|x\| > 1` | NaN | NaN |
//! | `acosh` | `x < 1` | NaN | NaN |
//! | `max`, `min` | `a == b` | `a` | half of the gradient to each |
//! | `max`, `min` | one operand NaN | the other, as `f64` | all to the other |
//! | `powf`, `powi` | exponent `0` | `1` | `0`, even at `x = 0` |
//! | `pow` | base `0`, exponent `>= 0` | `0^b` | `0` for the exponent |
//! | `clamp(lo, hi)` | `x` on a bound | the bound | `1` (the bounds count as inside) |
//! | `floor`, `ceil`, `round`, `trunc`, `signum` | everywhere | as `f64` | `0` |
//! | `tanh`, `sigmoid`, `softplus` | `x = ±1000` | finite | finite |
//!
//! A node whose incoming gradient is exactly zero passes nothing on. That keeps an unused
//! NaN (say `ln(-1)` computed and never used) from reaching the inputs through `0 * NaN`; it
//! also means `0 * sqrt(x)` at `x = 0` gives `x` a gradient of 0, where PyTorch gives NaN.

#![deny(missing_docs)]

#[cfg(feature = "argmin")]
pub mod argmin;
mod column;
mod derivatives;
#[cfg(test)]
mod every_op_higher_order_tests;
#[cfg(test)]
mod every_op_tests;
mod functions;
mod fused;
mod gradient;
pub mod nn;
#[cfg(test)]
mod op_sampling;
mod operators;
mod ops;
mod real;
mod tape;
pub mod teach;
mod value;

pub use derivatives::{
    function, hessian, hessian_vector_product, jacobian, value_and_gradient,
    value_gradient_and_hessian, vector_function,
};
pub use fused::Activation;
pub use tape::Tape;
pub use teach::gradcheck;
pub use value::Value;

/// The README's Rust examples, run as doc tests so that a newcomer's first steps keep working.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
