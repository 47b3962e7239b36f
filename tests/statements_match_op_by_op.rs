//! `Tape::statement_of` and `Tape::statements_of` against the same terms recorded op by op:
//! the gradients must agree to 1e-12 relative, and both must match central finite
//! differences (or a closed form), which owe nothing to either recording.

use tapegrad::{Jet, Scalar, Tape, Value};

/// Pseudo-Huber loss of a residual `r`: `δ² (sqrt(1 + (r/δ)²) - 1)`.
fn pseudo_huber<S: Scalar>([r]: [S; 1]) -> S {
    const DELTA: f64 = 1.5;
    ((r / DELTA).hypot(1.0) - 1.0) * (DELTA * DELTA)
}

/// Cauchy negative log-likelihood of `x` with location `μ` and scale `γ`, without its
/// constant: `ln(1 + ((x - μ)/γ)²) + ln γ`.
fn cauchy<S: Scalar>([x, mu, gamma]: [S; 3]) -> S {
    let z = (x - mu) / gamma;
    (z * z).ln_1p() + gamma.ln()
}

/// Lennard-Jones energy of a pair of points `p` and `q` in space: `4ε ((σ/r)^12 - (σ/r)^6)`.
fn lennard_jones<S: Scalar>([px, py, pz, qx, qy, qz]: [S; 6]) -> S {
    const EPSILON: f64 = 0.8;
    const SIGMA: f64 = 1.1;
    let (dx, dy, dz) = (px - qx, py - qy, pz - qz);
    let r2 = dx * dx + dy * dy + dz * dz;
    let s6 = (r2 / (SIGMA * SIGMA)).powi(-3);
    (s6 * s6 - s6) * (4.0 * EPSILON)
}

/// An LSTM-like cell of one unit: inputs `x`, `h`, `c` and a weight per gate; outputs the new
/// hidden and cell states.
fn cell<S: Scalar>([x, h, c, wi, wf, wo, wg]: [S; 7]) -> [S; 2] {
    let i = (wi * x + h * 0.3 + 0.1).sigmoid();
    let f = (wf * x - h * 0.2 + 1.0).sigmoid();
    let o = (wo * x + h * 0.5).sigmoid();
    let g = (wg * x + h * 0.7 - 0.2).tanh();
    let c_next = f * c + i * g;
    let h_next = o * c_next.tanh();
    [h_next, c_next]
}

fn close(a: f64, b: f64, relative: f64) -> bool {
    (a - b).abs() <= relative * a.abs().max(b.abs()).max(1e-300)
}

/// The gradient at `at` recorded op by op (`$op_by_op`, on the inputs as values) and as a
/// statement (`$statement`, on the tape and the inputs), and both values.
macro_rules! gradients {
    ($at:expr, |$x:ident| $op_by_op:expr, |$tape:ident, $xs:ident| $statement:expr) => {{
        let at = $at;
        let tape = Tape::new();
        let $x = at.map(|v| tape.var(v));
        let y: Value = $op_by_op;
        y.backward();
        let op_by_op = $x.map(|v| v.grad());
        let $tape = Tape::new();
        let $xs = at.map(|v| $tape.var(v));
        let ys: Value = $statement;
        ys.backward();
        (op_by_op, $xs.map(|v| v.grad()), y.data(), ys.data())
    }};
}

/// Central finite differences of `f` at `at`.
fn finite_differences<const N: usize>(f: impl Fn([f64; N]) -> f64, at: [f64; N]) -> [f64; N] {
    std::array::from_fn(|i| {
        let h = 1e-6 * at[i].abs().max(1.0);
        let (mut up, mut down) = (at, at);
        up[i] += h;
        down[i] -= h;
        (f(up) - f(down)) / (2.0 * h)
    })
}

fn assert_agree<const N: usize>(
    what: &str,
    at: [f64; N],
    f64_fn: impl Fn([f64; N]) -> f64,
    results: ([f64; N], [f64; N], f64, f64),
) {
    let (op_by_op, statement, value, statement_value) = results;
    assert!(
        close(value, statement_value, 1e-15),
        "{what} at {at:?}: values"
    );
    let fd = finite_differences(&f64_fn, at);
    for i in 0..N {
        assert!(
            close(statement[i], op_by_op[i], 1e-12),
            "{what} at {at:?}: input {i}: statement {:e}, op by op {:e}",
            statement[i],
            op_by_op[i]
        );
        assert!(
            (statement[i] - fd[i]).abs() <= 1e-6 * fd[i].abs().max(1.0),
            "{what} at {at:?}: input {i}: statement {:e}, finite differences {:e}",
            statement[i],
            fd[i]
        );
    }
}

#[test]
fn a_one_input_statement_of_has_the_gradient_of_op_by_op_and_the_closed_form() {
    for r in [-4.0, -0.3, 0.0, 0.7, 2.5, 30.0] {
        let results = gradients!([r], |x| pseudo_huber(x), |tape, x| {
            tape.statement_of(x, pseudo_huber::<Jet<1>>)
        });
        assert_agree("pseudo-Huber", [r], pseudo_huber, results);
        // d/dr δ² (sqrt(1 + (r/δ)²) - 1) = r / sqrt(1 + (r/δ)²)
        let closed_form = r / (1.0 + (r / 1.5) * (r / 1.5)).sqrt();
        assert!(close(results.1[0], closed_form, 1e-14), "r = {r}");
    }
}

#[test]
fn a_three_input_statement_of_has_the_gradient_of_op_by_op() {
    for at in [[3.0, 1.0, 2.0], [-0.5, 0.25, 0.3], [10.0, -4.0, 7.5]] {
        let results = gradients!(at, |x| cauchy(x), |tape, x| {
            tape.statement_of(x, cauchy::<Jet<3>>)
        });
        assert_agree("Cauchy", at, cauchy, results);
    }
    // The closed form at z = (x - μ)/γ = 1: (1/2, -1/2, 0) for γ = 2.
    let (_, statement, _, _) = gradients!([3.0, 1.0, 2.0], |x| cauchy(x), |tape, x| {
        tape.statement_of(x, cauchy::<Jet<3>>)
    });
    for (g, expected) in statement.into_iter().zip([0.5, -0.5, 0.0]) {
        assert!((g - expected).abs() < 1e-15, "{g} against {expected}");
    }
}

#[test]
fn a_six_input_statement_of_has_the_gradient_of_op_by_op() {
    for at in [
        [0.0, 0.0, 0.0, 1.2, 0.1, -0.3],
        [1.0, 2.0, 3.0, 2.1, 2.5, 2.2],
        [-0.4, 0.9, 0.0, 0.6, -0.2, 0.5],
    ] {
        let results = gradients!(at, |x| lennard_jones(x), |tape, x| {
            tape.statement_of(x, lennard_jones::<Jet<6>>)
        });
        assert_agree("Lennard-Jones", at, lennard_jones, results);
    }
}

#[test]
fn statements_of_give_each_output_the_gradient_of_op_by_op() {
    let at = [0.8, -0.4, 0.3, 0.5, -1.2, 0.9, 0.4];
    for output in 0..2 {
        let results = gradients!(at, |x| cell(x)[output], |tape, x| {
            tape.statements_of(x, cell::<Jet<7>>)[output]
        });
        assert_agree("LSTM cell", at, |x| cell(x)[output], results);
    }
    // A later node using both outputs sends each its share.
    let combine = |[h, c]: [f64; 2]| h * c + h;
    let results = gradients!(
        at,
        |x| {
            let [h, c] = cell(x);
            h * c + h
        },
        |tape, x| {
            let [h, c] = tape.statements_of(x, cell::<Jet<7>>);
            h * c + h
        }
    );
    assert_agree("LSTM cell, both outputs", at, |x| combine(cell(x)), results);
}

#[test]
fn statements_of_record_one_node_per_output_and_statement_of_one_node() {
    let tape = Tape::new();
    let x = [0.8, -0.4, 0.3, 0.5, -1.2, 0.9, 0.4].map(|v| tape.var(v));
    let before = tape.len();
    let [_h, _c] = tape.statements_of(x, cell::<Jet<7>>);
    assert_eq!(tape.len(), before + 2);
    let _y = tape.statement_of([x[0], x[1], x[2]], cauchy::<Jet<3>>);
    let _z = tape.statement_of([x[0]], pseudo_huber::<Jet<1>>);
    assert_eq!(tape.len(), before + 4);
}

#[test]
fn statement_of_takes_a_number_as_an_input_that_is_a_constant() {
    // A number among the inputs joins the tape as a leaf, as in `statement`.
    let tape = Tape::new();
    let x = tape.var(3.0);
    let y = tape.statement_of([x, Value::from(1.0), tape.constant(2.0)], cauchy::<Jet<3>>);
    y.backward();
    assert!((x.grad() - 0.5).abs() < 1e-15);
}

#[test]
#[should_panic(expected = "cannot combine Values from two different tapes")]
fn statement_of_an_input_from_another_tape_panics() {
    let (one, other) = (Tape::new(), Tape::new());
    let (x, y) = (one.var(1.0), other.var(2.0));
    let _ = one.statement_of([x, y], |[a, b]: [Jet<2>; 2]| a * b);
}

#[test]
#[should_panic(expected = "cannot combine Values from two different tapes")]
fn statements_of_an_input_from_another_tape_panics() {
    let (one, other) = (Tape::new(), Tape::new());
    let (x, y) = (one.var(1.0), other.var(2.0));
    let _ = one.statements_of([x, y], |[a, b]: [Jet<2>; 2]| [a * b, a + b]);
}

#[test]
#[should_panic(expected = "cannot combine Values from two different tapes")]
fn a_one_input_statement_of_from_another_tape_panics() {
    let (one, other) = (Tape::new(), Tape::new());
    let y = other.var(2.0);
    let _ = one.statement_of([y], |[a]: [Jet<1>; 1]| a * a);
}

#[test]
fn many_statements_on_a_growing_tape_keep_their_gradients() {
    // y = sum_i (x_i a + b²): dy/dx_i = a, dy/da = sum_i x_i, dy/db = 2 b n, all exact here.
    const N: usize = 20_000;
    let tape = Tape::new();
    let (a, b) = (tape.var(0.5), tape.var(3.0));
    let xs: Vec<Value> = (0..N).map(|i| tape.var((i % 7) as f64)).collect();
    let terms: Vec<Value> = (xs.iter())
        .map(|&x| tape.statement_of([x, a, b], |[x, a, b]: [Jet<3>; 3]| x * a + b * b))
        .collect();
    let y: Value = terms.into_iter().sum();
    y.backward();
    assert!(xs.iter().all(|x| x.grad() == 0.5));
    let sum: f64 = (0..N).map(|i| (i % 7) as f64).sum();
    assert_eq!((a.grad(), b.grad()), (sum, 6.0 * N as f64));
}
