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
//! # What is there
//!
//! - Operators `+ - * /` (and `+= -= *= /=`) between values and with `f64` on either side,
//!   unary `-`, and the methods of `f64` under the same names: `powf`, `powi`, `sqrt`, `exp`,
//!   `ln`, `sin`, `tanh`, `abs`, `max`, `clamp`, `mul_add`... plus [`Value::pow`] for a value
//!   exponent and the activations `relu`, `leaky_relu`, `sigmoid`, `softplus`.
//! - Fused nodes for long expressions: [`Tape::sum`] (also `iter.sum()`), [`Tape::dot`],
//!   [`Tape::affine`].
//! - Higher derivatives: [`Value::gradient`] returns the gradient as values on the same tape.
//!
//! Every derivative rule sits in one file, `src/ops.rs`: the chain-rule table, one arm per
//! operation with its formula in a comment. Read it to see backpropagation happen.
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

#![deny(missing_docs)]

#[cfg(test)]
mod every_op_tests;
mod functions;
mod fused;
mod gradient;
pub mod nn;
mod operators;
mod ops;
mod real;
mod tape;
mod value;

pub use tape::Tape;
pub use value::Value;
