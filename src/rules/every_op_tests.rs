//! Every op of the chain-rule table against central finite differences, at random points.
//!
//! The list of ops comes from `Op::ALL`, so an op added to the table without a sampling
//! domain in `crate::op_sampling` fails `every_op_has_a_test_domain`.
//!
//! Tolerance, in the spirit of PyTorch's gradcheck for `f64`: step `h = 1e-6 * max(1, |x|)`,
//! and backward must agree with `(f(x + h) - f(x - h)) / 2h` to `1e-6 * (1 + |fd|)`. The
//! central difference is off by about `h² f'''/6` (under 1e-10 on these domains) plus
//! rounding `1e-16 |f| / h` (under 1e-8).

use proptest::prelude::*;

use crate::Tape;
use crate::rules::Op;
use crate::rules::op_sampling::{domain, record_op, sample_point};

/// The leaves' gradients after a backward sweep from `op` recorded alone, and its value.
fn backward_of(op: Op, x: &[f64], constants: &[f64]) -> (Vec<f64>, f64) {
    let tape = Tape::new();
    let (leaves, y) = record_op(&tape, op, x, constants);
    y.backward();
    (leaves.iter().map(|l| l.grad()).collect(), y.data())
}

/// The node's value at `x`, through the same recording path.
fn value_at(op: Op, x: &[f64], constants: &[f64]) -> f64 {
    backward_of(op, x, constants).1
}

fn check_against_finite_differences(op: Op, unit_samples: &[f64]) -> Result<(), TestCaseError> {
    let (x, constants) = sample_point(op, unit_samples);
    let (grads, _) = backward_of(op, &x, &constants);
    for j in 0..x.len() {
        let h = 1e-6 * x[j].abs().max(1.0);
        let (mut up, mut down) = (x.clone(), x.clone());
        up[j] += h;
        down[j] -= h;
        let fd = (value_at(op, &up, &constants) - value_at(op, &down, &constants)) / (2.0 * h);
        prop_assert!(
            (grads[j] - fd).abs() <= 1e-6 * (1.0 + fd.abs()),
            "{op:?} at {x:?}: backward gives d/dx{j} = {}, finite differences {fd}",
            grads[j]
        );
    }
    Ok(())
}

#[test]
fn every_op_has_a_test_domain() {
    for op in Op::ALL {
        let leaf = matches!(op, Op::Var | Op::Const);
        assert_eq!(
            domain(op).is_none(),
            leaf,
            "{op:?} needs a sampling domain here"
        );
    }
}

/// `Op::ALL` must list the variants in the order the enum declares them (the tables built
/// from it index by `op as usize`); a new op goes into both at the same place.
#[test]
fn all_lists_every_op_in_order() {
    for (i, op) in Op::ALL.iter().enumerate() {
        let declared_here = Op::ALL.iter().find(|other| **other as usize == i);
        assert!(
            *op as usize == i,
            "Op::ALL[{i}] is {op:?}, but the enum declares {} at position {i} ({op:?} is at {}): \
             put each op in Op::ALL at the place it has in the enum",
            declared_here.map_or_else(
                || "an op missing from Op::ALL".to_owned(),
                |o| format!("{o:?}")
            ),
            *op as usize,
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_op_matches_finite_differences(unit in prop::collection::vec(0.0..1.0f64, 6)) {
        for op in Op::ALL.into_iter().filter(|op| domain(*op).is_some()) {
            check_against_finite_differences(op, &unit)?;
        }
    }
}
