//! Tests of the fast tape's storage and sweep.

use super::storage::{CHECKPOINT_EVERY, MAX_NODES, MAX_OPERAND_WORDS, Refusal, node_index};
use super::*;

// Filling four billion nodes would take 100 GB, so these check the index rule directly.
#[test]
#[should_panic(expected = "gradient cannot differentiate through a statement")]
fn gradient_through_a_statement_panics_rather_than_treat_its_partials_as_constants() {
    let tape = Tape::new();
    let x = tape.var(0.5);
    let y = tape.statement(&[x], |v| v[0] * v[0]);
    let _ = y.gradient(&[x]);
}

#[test]
fn last_index_fits() {
    assert_eq!(node_index(MAX_NODES - 1), Ok(u32::MAX - 1));
}

#[test]
fn index_past_u32_is_refused_instead_of_wrapping() {
    assert_eq!(node_index(MAX_NODES), Err(Refusal::TapeFull));
}

#[test]
#[should_panic(expected = "the tape is full: it holds 4294967295 nodes")]
fn a_full_tape_panics_with_its_limit() {
    Refusal::TapeFull.panic();
}

#[test]
#[should_panic(expected = "its operand stream holds")]
fn an_operand_stream_past_u32_panics_instead_of_wrapping() {
    let tape = Tape::new();
    // Filling it would take 16 GiB: pretend it holds all but two words.
    tape.with_nodes(|n| n.ends = ((MAX_OPERAND_WORDS - 2) as u64) << 32);
    tape.var(1.0);
}

#[test]
fn a_one_operand_node_on_the_node_before_it_stores_no_operand() {
    let tape = Tape::new();
    let x = tape.var(0.5);
    let chain = (x * 2.0).exp().sin(); // each op on the node just before it
    let apart = x.cos(); // on node 0, three nodes back
    let both = chain + apart;
    both.backward();
    tape.with_nodes(|n| {
        let chained: Vec<bool> = n.codes().iter().map(|c| c.chained()).collect();
        assert_eq!(chained, [false, true, true, true, false, false]);
        // Stored: the product's constant 2.0 (two words), `cos`'s 0 and the sum's 3 4; the
        // chained nodes store no operand.
        assert_eq!(n.operands().len(), 5);
        assert_eq!(n.operands()[2..], [0, 3, 4]);
        let mut end = n.operand_len();
        let (mut words, mut constants) = (Vec::new(), Vec::new());
        for i in (0..n.len()).rev() {
            let (start, span) = n.span_before(i, end);
            words.push(n.words(i, &span));
            constants.push(n.constants(&span));
            end = start;
        }
        words.reverse();
        constants.reverse();
        assert_eq!(
            words,
            [vec![], vec![0], vec![1], vec![2], vec![0], vec![3, 4]]
        );
        let expected: [&[f64]; 6] = [&[], &[2.0], &[], &[], &[], &[]];
        assert_eq!(constants, expected);
    });
    let expected = 2.0 * (1.0f64).exp() * (1.0f64).exp().cos() - 0.5f64.sin();
    assert!(
        (x.grad() - expected).abs() < 1e-15,
        "{} against {expected}",
        x.grad()
    );
}

// The sweep indexes without bounds checks because every operand comes before its node;
// debug builds check that for every node recorded.
#[test]
#[cfg(debug_assertions)]
#[should_panic(expected = "operands_come_first")]
fn a_node_on_a_node_not_yet_recorded_panics_in_debug_builds() {
    let tape = Tape::new();
    tape.var(1.0);
    tape.record_with(|n| n.push(Op::Neg, &[1], &[], 0.0));
}

#[test]
#[cfg(debug_assertions)]
fn a_neuron_may_read_up_to_the_node_before_it_and_no_further() {
    // Weights 0 1, bias 2, then the inputs from node `x` on; the neuron is node 5.
    let records = |x: u32| {
        std::panic::catch_unwind(|| {
            let tape = Tape::new();
            for v in [0.5, -1.0, 0.25, 2.0, 3.0] {
                tape.var(v);
            }
            tape.record_with(|n| n.push(Op::Affine, &[0, x, 2], &[], 0.0));
        })
        .is_ok()
    };
    assert!(records(3), "inputs 3 and 4");
    assert!(!records(4), "inputs 4 and 5, itself");
}

#[test]
fn checkpoints_mark_where_every_64th_node_starts() {
    let mut tape = Tape::new();
    for round in 0..3 {
        tape.clear();
        let x = tape.var(0.5);
        let mut y = x;
        // One node each, seven kinds of layout (variadic ones included): as 7 and 64 have
        // no common factor, each kind lands on a checkpoint.
        for i in 0..(1000 + 77 * round) {
            y = match i % 7 {
                0 => y.sin(),
                1 => y.clamp(-1.0, 1.0),
                2 => tape.sum([y, x, y]),
                3 => x.mul_add(y, x),
                4 => y * 0.5,
                5 => x - y,
                _ => tape.dot(&[x, y], &[y, x]),
            };
        }
        tape.with_nodes(|n| {
            assert_eq!(n.checkpoints.len(), n.len().div_ceil(CHECKPOINT_EVERY));
            let mut start = 0;
            for i in 0..n.len() {
                if i % CHECKPOINT_EVERY == 0 {
                    let k = i / CHECKPOINT_EVERY;
                    assert_eq!(n.checkpoints[k] as usize, start, "node {i}");
                }
                start = n.span_after(i, start).1;
            }
            assert_eq!(start, n.operand_len());
        });
    }
}

/// `push` writes without capacity checks, trusting `room_until`. Record every layout (the
/// widest included) across many growths, with variadic nodes and clears in between, and
/// read every node back through the streams. Debug builds also check, in `Column::slot`,
/// that each node's code, value and operands start inside their capacity.
#[test]
fn unchecked_writes_stay_inside_the_streams_across_growth() {
    let mut tape = Tape::new();
    for round in 0..3 {
        tape.clear();
        let x = tape.var(0.5);
        tape.var(0.25); // so that `last` is never `x`
        let mut expected = vec![
            (Op::Var, vec![], vec![], 0.5),
            (Op::Var, vec![], vec![], 0.25),
        ];
        for i in 0..5000u32 {
            let last = Value::from_index(&tape, tape.len() as u32 - 1);
            let (op, operands, constants) = match (i + round) % 4 {
                0 => (Op::MulAdd, vec![0, last.index() as u32, 0], vec![]),
                1 => (Op::Clamp, vec![last.index() as u32], vec![-1.0, 1.0]),
                // Descending, so a variadic `Sum` rather than a `SumStride`.
                2 => (Op::Sum, vec![last.index() as u32, 0], vec![]),
                _ => (Op::Add, vec![0, last.index() as u32], vec![]),
            };
            let y = match op {
                Op::MulAdd => x.mul_add(last, x),
                Op::Clamp => last.clamp(-1.0, 1.0),
                Op::Sum => tape.sum([last, x]),
                _ => x + last,
            };
            expected.push((op, operands, constants, y.data()));
        }
        tape.with_nodes(|n| {
            let mut end = n.operand_len();
            for i in (0..n.len()).rev() {
                let (start, span) = n.span_before(i, end);
                let (op, operands, constants, value) = &expected[i];
                assert_eq!(n.op(i), *op, "node {i}");
                assert_eq!(n.words(i, &span), *operands, "node {i}");
                assert_eq!(n.constants(&span), *constants, "node {i}");
                assert_eq!(n.values()[i], *value, "node {i}");
                end = start;
            }
            assert_eq!(end, 0, "the stream holds nothing else");
        });
    }
}
