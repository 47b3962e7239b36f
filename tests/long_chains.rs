//! The backward sweep is a loop: a chain of ten million operations differentiates on a
//! thread with the default 2 MiB stack (micrograd's recursive topological sort stops near a
//! thousand).

use tapegrad::Tape;

#[test]
fn ten_million_operation_chain_runs_on_a_two_mebibyte_stack() {
    let worker = std::thread::Builder::new().stack_size(2 << 20).spawn(|| {
        let tape = Tape::new();
        let x = tape.var(1.0);
        let mut y = x;
        for _ in 0..10_000_000 {
            y *= 1.0000001;
        }
        y.backward();
        let expected = 1.0000001_f64.powi(10_000_000);
        (tape.len(), y.data(), x.grad(), expected)
    });
    let (len, value, grad, expected) = worker.expect("spawn").join().expect("no stack overflow");
    assert_eq!(len, 10_000_001);
    assert!(
        (value - expected).abs() < 1e-6 * expected,
        "value {value}, expected {expected}"
    );
    assert!(
        (grad - expected).abs() < 1e-6 * expected,
        "grad {grad}, expected {expected}"
    );
}

#[test]
fn dropping_a_large_tape_does_not_recurse() {
    let worker = std::thread::Builder::new().stack_size(2 << 20).spawn(|| {
        let tape = Tape::new();
        let mut y = tape.var(0.0);
        for _ in 0..1_000_000 {
            y += 1.0;
        }
        y.data()
    });
    assert_eq!(
        worker.expect("spawn").join().expect("no stack overflow"),
        1e6
    );
}
