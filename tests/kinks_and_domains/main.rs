//! The contract at kinks and domain edges (the crate docs' "Kinks and domains"), as tables.
//!
//! Every method and operator is checked at the edge points: signed zeros, ±1e-300, ±1e300,
//! the ends of [-1, 1], ±inf and NaN (two-operand ops at each point against 0.5 on either
//! side, and against itself). Each row gives the value, the first derivative (through
//! `backward` and through `gradient`) and the second derivative (through `backward` on the
//! recorded derivative, and through `gradient` taken twice).
//!
//! The expectations are closed forms written here from the mathematics and the contract:
//! values are `f64`'s own; derivatives are the textbook formulas, written so that they
//! neither under- nor overflow where the true value is a normal number. Literal entries
//! replace them where a closed form's IEEE evaluation is not the true limit (`0 · inf` at
//! ±inf), and name the two places where the rules' arithmetic cannot reach the exact value
//! (`sigmoid''` at ±1e-300, and `gradient` taken twice at ±inf for `atan` and `asinh`).
//!
//! Comparison is exact: NaN matches NaN, infinities and finite numbers match bit for bit,
//! except that a zero matches a zero of either sign unless the contract states the sign
//! (values of `f64` methods, `powi(i32::MIN)`'s `-0`). Rows whose closed form rounds
//! differently from the rule's arithmetic allow 4 units in the last place and say so, with
//! the formula pair that differs: `tan`, `tanh`, `sigmoid`, `softplus`, `hypot`'s second
//! partials, and the fused tanh and sigmoid neurons. Second partials that the contract leaves
//! to IEEE arithmetic (`atan2` and `hypot` at an infinite operand, `atan2` below 1e-150) are
//! not checked.

mod contract;
mod harness;
mod one_operand;
mod two_operands;
