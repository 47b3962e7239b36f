//! The plain tape: the whole of reverse mode in two short files, in safe Rust.
//!
//! Read this first. [`Tape`] keeps its nodes in a `Vec` in the order they were recorded;
//! [`Value`] is a handle to one of them, used like an `f64`. `backward` is one loop from the
//! newest node to the oldest that hands each node's gradient to the chain-rule table, the same
//! table the crate's fast [`crate::Tape`] runs (`src/rules/partials.rs`, through
//! `src/rules/backprop.rs`).
//!
//! It is also the yardstick of the fast tape: the crate's tests run random programs on both
//! and require every value and gradient to be equal to the bit.
//!
//! Use it to follow backprop by hand; use [`crate::Tape`] for real work: it records the same
//! nodes in a tenth of the memory and sweeps them several times faster.
//!
//! ```
//! use tapegrad::plain::Tape;
//!
//! // micrograd's README expression, as on the fast tape
//! let tape = Tape::new();
//! let a = tape.var(-4.0);
//! let b = tape.var(2.0);
//! let mut c = a + b;
//! let mut d = a * b + b.powi(3);
//! c = c + c + 1.0;
//! c = c + 1.0 + c + (-a);
//! d = d + d * 2.0 + (b + a).relu();
//! d = d + 3.0 * d + (b - a).relu();
//! let e = c - d;
//! let f = e.powi(2);
//! let g = f / 2.0 + 10.0 / f;
//! g.backward();
//! assert!((g.data() - 24.70408163265306).abs() < 1e-12);
//! assert!((a.grad() - 138.83381924198252).abs() < 1e-12);
//! assert!((b.grad() - 645.5772594752186).abs() < 1e-12);
//! ```

#![forbid(unsafe_code)]

mod tape;
mod value;

pub use tape::Tape;
pub use value::Value;
