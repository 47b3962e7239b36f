//! `jacobian` on tall (more outputs than inputs, swept forwards), square and wide shapes:
//! against closed forms and central differences, through fused nodes, at kinks, and where an
//! unused NaN must stay out.

use proptest::prelude::*;
use tapegrad::{Activation, Tape, Value, jacobian, vector_function};

/// Central differences of `f` at `at`, `j[i][k]` = d f_i / d x_k, with step
/// `1e-6 * max(1, |x_k|)`.
fn finite_differences(f: impl Fn(&[f64]) -> Vec<f64>, at: &[f64]) -> Vec<Vec<f64>> {
    let columns: Vec<Vec<f64>> = (0..at.len())
        .map(|k| {
            let step = 1e-6 * at[k].abs().max(1.0);
            let (mut up, mut down) = (at.to_vec(), at.to_vec());
            up[k] += step;
            down[k] -= step;
            let (up, down) = (f(&up), f(&down));
            up.iter()
                .zip(&down)
                .map(|(u, d)| (u - d) / (2.0 * step))
                .collect()
        })
        .collect();
    let rows = columns.first().map_or(0, Vec::len);
    (0..rows)
        .map(|i| columns.iter().map(|column| column[i]).collect())
        .collect()
}

/// The values of `f`'s outputs at `at`, recorded on a tape of their own.
fn values(f: impl for<'t> Fn(&[Value<'t>]) -> Vec<Value<'t>>, at: &[f64]) -> Vec<f64> {
    let tape = Tape::new();
    let x: Vec<Value<'_>> = at.iter().map(|&a| tape.var(a)).collect();
    f(&x).iter().map(|y| y.data()).collect()
}

/// Asserts `|j - expected| <= tolerance * (1 + |expected|)` entry by entry.
#[track_caller]
fn assert_close(j: &[Vec<f64>], expected: &[Vec<f64>], tolerance: f64) {
    assert_eq!(j.len(), expected.len(), "rows");
    for (i, (row, expected_row)) in j.iter().zip(expected).enumerate() {
        assert_eq!(row.len(), expected_row.len(), "columns of row {i}");
        for (k, (&got, &want)) in row.iter().zip(expected_row).enumerate() {
            assert!(
                (got - want).abs() <= tolerance * (1.0 + want.abs()),
                "j[{i}][{k}] = {got}, expected {want}"
            );
        }
    }
}

/// `f` against central differences of its own values; their error is about `1e-9` for
/// these smooth functions of moderate size, far above rounding.
#[track_caller]
fn assert_matches_finite_differences(
    f: impl for<'t> Fn(&[Value<'t>]) -> Vec<Value<'t>> + Copy,
    at: &[f64],
) {
    let expected = finite_differences(|x| values(f, x), at);
    assert_close(&jacobian(f, at), &expected, 1e-6);
}

#[test]
fn two_hundred_residuals_of_an_exponential_model_match_the_closed_form() {
    // r_i = a e^(-b t_i) + c - y_i: dr/da = e^(-b t), dr/db = -a t e^(-b t), dr/dc = 1.
    let t: Vec<f64> = (0..200).map(|i| i as f64 * 0.05).collect();
    let y: Vec<f64> = t.iter().map(|t| (t * 0.3).sin()).collect();
    let (a, b, c) = (2.0, 0.7, -0.25);
    let j = jacobian(
        |p| {
            t.iter()
                .zip(&y)
                .map(|(&t, &y)| p[0] * (-p[1] * t).exp() + p[2] - y)
                .collect()
        },
        &[a, b, c],
    );
    let expected: Vec<Vec<f64>> = t
        .iter()
        .map(|&t| {
            let e = (-b * t).exp();
            vec![e, -a * t * e, 1.0]
        })
        .collect();
    assert_close(&j, &expected, 1e-14);
}

#[test]
fn a_tall_jacobian_of_more_than_eight_inputs_matches_finite_differences() {
    // 12 inputs take two forward passes (8 + 4); 30 outputs mix them all.
    let at: Vec<f64> = (0..12).map(|k| 0.1 * k as f64 - 0.5).collect();
    assert_matches_finite_differences(
        |x| {
            (0..30)
                .map(|i| {
                    let a = x[i % 12];
                    let b = x[(i * 7 + 3) % 12];
                    (a * b).sin() + a.exp() / (1.0 + b * b) + x[11] * (i as f64)
                })
                .collect()
        },
        &at,
    );
}

#[test]
fn square_and_wide_jacobians_match_their_closed_forms() {
    // Square: f(x, y) = (x² y, x + sin y).
    let (x, y) = (1.5_f64, -0.4_f64);
    let square = jacobian(|v| vec![v[0] * v[0] * v[1], v[0] + v[1].sin()], &[x, y]);
    assert_close(
        &square,
        &[vec![2.0 * x * y, x * x], vec![1.0, y.cos()]],
        1e-15,
    );
    // Wide: f(x, y, z) = (x y z, e^z / y).
    let (x, y, z) = (0.5_f64, 2.0_f64, -1.0_f64);
    let wide = jacobian(|v| vec![v[0] * v[1] * v[2], v[2].exp() / v[1]], &[x, y, z]);
    assert_close(
        &wide,
        &[
            vec![y * z, x * z, x * y],
            vec![0.0, -z.exp() / (y * y), z.exp() / y],
        ],
        1e-15,
    );
}

#[test]
fn tall_jacobians_through_sums_and_dot_products_match_finite_differences() {
    assert_matches_finite_differences(
        |p| {
            let tape = p[0].tape();
            let squares: Value<'_> = p.iter().map(|&q| q * q).sum(); // a strided sum
            let listed = tape.sum([p[0], p[2], p[0] * p[1]]); // a sum of listed nodes
            let dot = tape.dot(p, &[p[2], p[1], p[0]]);
            let cubes: Value<'_> = (0..3).map(|k| p[k].powi(3) * (k as f64 + 1.0)).sum();
            vec![squares, listed, dot, cubes, squares * dot, listed.sin()]
        },
        &[0.3, -1.2, 0.8],
    );
}

#[test]
fn tall_jacobians_through_fused_neurons_match_finite_differences() {
    // Inputs 0..3 are the weights then the bias, consecutive on the tape, and each data
    // point's features are consecutive too: every neuron is one fused node.
    let points = [[0.5, -1.0, 2.0], [1.5, 0.25, -0.5], [-2.0, 1.0, 0.0]];
    for activation in [
        Activation::Identity,
        Activation::Tanh,
        Activation::Sigmoid,
        Activation::Relu,
    ] {
        let f = vector_function(|p| {
            let tape = p[0].tape();
            points
                .iter()
                .flat_map(|point| {
                    let x: Vec<Value<'_>> = point.iter().map(|&v| tape.var(v)).collect();
                    let before = tape.len();
                    let y = tape.neuron(&p[..3], p[3], &x, activation);
                    assert_eq!(tape.len(), before + 1, "the neuron is one node");
                    [y, y * p[0]]
                })
                .collect()
        });
        let at = [0.3, -0.2, 0.1, 0.05];
        let expected = finite_differences(|x| values(f, x), &at);
        assert_close(&jacobian(f, &at), &expected, 1e-6);
    }
}

#[test]
fn tall_jacobians_at_kinks_follow_the_crates_conventions() {
    // At x = 0, y = 0 (and x = y for max): relu' = 0, |x|' = 0, max passes half to each,
    // clamp' = 0 on a bound (as relu'(0) = 0), leaky_relu' = slope, floor' = 0.
    let j = jacobian(
        |v| {
            let (x, y) = (v[0], v[1]);
            vec![
                x.relu(),
                x.abs(),
                x.max(y),
                x.clamp(0.0, 1.0),
                x.leaky_relu(0.1),
                (x * 3.0).floor() + y,
            ]
        },
        &[0.0, 0.0],
    );
    let expected = [
        [0.0, 0.0],
        [0.0, 0.0],
        [0.5, 0.5],
        [0.0, 0.0],
        [0.1, 0.0],
        [0.0, 1.0],
    ];
    assert_eq!(j, expected);
}

#[test]
fn an_unused_nan_stays_out_of_a_tall_jacobian() {
    // ln(-1) is NaN, and its derivative too; times 0 it is not used, and backward gives
    // those outputs a zero gradient: so must the forward sweep. Likewise sqrt's infinite
    // slope at 0 times 0, and a NaN computed from a constant alone.
    let j = jacobian(
        |v| {
            let (x, y) = (v[0], v[1]);
            let nan_from_a_constant = x.tape().constant(-1.0).ln();
            vec![
                x.ln() * 0.0 + y,
                0.0 * y.sqrt() + x,
                x * 2.0 + nan_from_a_constant * 0.0,
            ]
        },
        &[-1.0, 0.0],
    );
    assert_eq!(j, [[0.0, 1.0], [1.0, 0.0], [2.0, 0.0]]);
}

#[test]
fn a_nan_derivative_reaches_only_the_inputs_behind_it() {
    // d ln(x)/dx at x = -1 is NaN (as ln(-1)); y does not reach ln, and keeps its 1.
    let j = jacobian(
        |v| vec![v[0].ln() + v[1], v[1] * 2.0, v[0] + v[1]],
        &[-1.0, 3.0],
    );
    assert!(j[0][0].is_nan());
    assert_eq!([j[0][1], j[1][0], j[1][1]], [1.0, 0.0, 2.0]);
    assert_eq!(j[2], [1.0, 1.0]);
}

#[test]
fn outputs_that_are_inputs_or_constants_have_unit_or_zero_rows() {
    let j = jacobian(
        |v| {
            let tape = v[0].tape();
            vec![v[1], tape.constant(4.0), tape.var(7.0), v[0] * v[0]]
        },
        &[3.0, -2.0],
    );
    assert_eq!(j, [[0.0, 1.0], [0.0, 0.0], [0.0, 0.0], [6.0, 0.0]]);
    // Outputs that are all the first input: nothing is recorded after the inputs.
    let j = jacobian(|v| vec![v[0], v[0], v[0]], &[1.0, 2.0]);
    assert_eq!(j, [[1.0, 0.0]; 3]);
}

/// One step of a random straight-line program: a smooth op on earlier registers, or a fused
/// node over a few of them.
#[derive(Clone, Debug)]
enum Step {
    Add(usize, usize),
    Mul(usize, usize),
    /// `a / (1 + b²)`, a division that never meets a pole.
    SafeDiv(usize, usize),
    Scale(usize, f64),
    Sin(usize),
    Tanh(usize),
    Exp(usize),
    /// `a·b` of two runs of two registers, one node.
    Dot(usize, usize),
    /// The sum of three registers, one node.
    Sum(usize, usize, usize),
}

/// Runs `steps` on the inputs and returns every register, the inputs included: more outputs
/// than inputs, so `jacobian` sweeps forwards.
fn registers<'t>(steps: &[Step], x: &[Value<'t>]) -> Vec<Value<'t>> {
    let tape = x[0].tape();
    let mut r: Vec<Value<'t>> = x.to_vec();
    for step in steps {
        let at = |i: usize| r[i % r.len()];
        let next = match *step {
            Step::Add(a, b) => at(a) + at(b),
            Step::Mul(a, b) => at(a) * at(b),
            Step::SafeDiv(a, b) => at(a) / (1.0 + at(b) * at(b)),
            Step::Scale(a, k) => at(a) * k,
            Step::Sin(a) => at(a).sin(),
            Step::Tanh(a) => at(a).tanh(),
            Step::Exp(a) => at(a).tanh().exp(),
            Step::Dot(a, b) => {
                let (a, b) = (a % (r.len() - 1), b % (r.len() - 1));
                tape.dot(&r[a..a + 2], &r[b..b + 2])
            }
            Step::Sum(a, b, c) => tape.sum([at(a), at(b), at(c)]),
        };
        r.push(next);
    }
    r
}

fn step() -> impl Strategy<Value = Step> {
    let i = || 0..16usize;
    prop_oneof![
        (i(), i()).prop_map(|(a, b)| Step::Add(a, b)),
        (i(), i()).prop_map(|(a, b)| Step::Mul(a, b)),
        (i(), i()).prop_map(|(a, b)| Step::SafeDiv(a, b)),
        (i(), -2.0..2.0f64).prop_map(|(a, k)| Step::Scale(a, k)),
        i().prop_map(Step::Sin),
        i().prop_map(Step::Tanh),
        i().prop_map(Step::Exp),
        (i(), i()).prop_map(|(a, b)| Step::Dot(a, b)),
        (i(), i(), i()).prop_map(|(a, b, c)| Step::Sum(a, b, c)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Every register of a random program against central differences. Products of at most
    /// a few bounded registers keep values moderate, so the differences' error stays far
    /// below the tolerance.
    #[test]
    fn tall_jacobians_of_random_programs_match_finite_differences(
        steps in prop::collection::vec(step(), 1..10),
        at in prop::collection::vec(-1.5..1.5f64, 3),
    ) {
        let f = vector_function(|x| registers(&steps, x));
        let expected = finite_differences(|x| values(f, x), &at);
        let j = jacobian(f, &at);
        prop_assert!(j.len() > at.len());
        for (i, (row, expected_row)) in j.iter().zip(&expected).enumerate() {
            for (k, (&got, &want)) in row.iter().zip(expected_row).enumerate() {
                prop_assert!(
                    (got - want).abs() <= 1e-6 * (1.0 + want.abs()),
                    "{steps:?} at {at:?}: j[{i}][{k}] = {got}, finite differences {want}"
                );
            }
        }
    }
}

#[test]
fn a_tall_jacobian_through_statements_uses_every_partial() {
    use tapegrad::Dual;
    // Outputs r_i = f(x, y, z) + i x, with f a statement of three inputs, one node each:
    // df/dx = y z, df/dy = x z, df/dz = x y.
    let at = [2.0, 3.0, 5.0];
    let j = tapegrad::jacobian(
        |v| {
            let tape = v[0].tape();
            (0..6)
                .map(|i| tape.statement(v, |d: &[Dual]| d[0] * d[1] * d[2]) + v[0] * i as f64)
                .collect()
        },
        &at,
    );
    for (i, row) in j.iter().enumerate() {
        assert_eq!(row, &[15.0 + i as f64, 10.0, 6.0], "row {i}");
    }
}
