//! The helpers `hessian`, `hessian_vector_product`, `jacobian` and `value_and_gradient`:
//! against closed forms, against finite differences of gradients on random smooth programs,
//! and against each other.

use proptest::prelude::*;
use tapegrad::{Tape, Value, hessian, hessian_vector_product, jacobian, value_and_gradient};

/// One step of a random straight-line program: a smooth op on earlier registers.
#[derive(Clone, Debug)]
enum Step {
    Add(usize, usize),
    Sub(usize, usize),
    Mul(usize, usize),
    /// `a / (1 + b²)`, a division that never meets a pole.
    SafeDiv(usize, usize),
    Scale(usize, f64),
    Sin(usize),
    Tanh(usize),
    Sigmoid(usize),
    Softplus(usize),
    Atan(usize),
    /// `exp(tanh(a))`, bounded.
    ExpTanh(usize),
    /// `sqrt(1 + a²)`.
    SqrtOnePlusSquare(usize),
    /// `a · b` of two runs of registers, as one fused node.
    Dot(usize, usize),
}

const INPUTS: usize = 3;

/// Runs `steps` on the inputs; each operand index is taken modulo the registers so far, and
/// the result is the sum of every register, so that every step counts.
fn run<'t>(steps: &[Step], x: &[Value<'t>]) -> Value<'t> {
    let mut r: Vec<Value<'t>> = x.to_vec();
    for step in steps {
        let at = |i: usize| r[i % r.len()];
        let next = match *step {
            Step::Add(a, b) => at(a) + at(b),
            Step::Sub(a, b) => at(a) - at(b),
            Step::Mul(a, b) => at(a) * at(b),
            Step::SafeDiv(a, b) => at(a) / (1.0 + at(b) * at(b)),
            Step::Scale(a, k) => at(a) * k,
            Step::Sin(a) => at(a).sin(),
            Step::Tanh(a) => at(a).tanh(),
            Step::Sigmoid(a) => at(a).sigmoid(),
            Step::Softplus(a) => at(a).softplus(),
            Step::Atan(a) => at(a).atan(),
            Step::ExpTanh(a) => at(a).tanh().exp(),
            Step::SqrtOnePlusSquare(a) => (1.0 + at(a) * at(a)).sqrt(),
            Step::Dot(a, b) => {
                let (a, b) = (a % r.len(), b % r.len());
                let n = 2.min(r.len() - a).min(r.len() - b);
                x[0].tape().dot(&r[a..a + n], &r[b..b + n])
            }
        };
        r.push(next);
    }
    x[0].tape().sum(r)
}

fn step() -> impl Strategy<Value = Step> {
    let i = || 0..16usize;
    prop_oneof![
        (i(), i()).prop_map(|(a, b)| Step::Add(a, b)),
        (i(), i()).prop_map(|(a, b)| Step::Sub(a, b)),
        (i(), i()).prop_map(|(a, b)| Step::Mul(a, b)),
        (i(), i()).prop_map(|(a, b)| Step::SafeDiv(a, b)),
        (i(), -2.0..2.0f64).prop_map(|(a, k)| Step::Scale(a, k)),
        i().prop_map(Step::Sin),
        i().prop_map(Step::Tanh),
        i().prop_map(Step::Sigmoid),
        i().prop_map(Step::Softplus),
        i().prop_map(Step::Atan),
        i().prop_map(Step::ExpTanh),
        i().prop_map(Step::SqrtOnePlusSquare),
        (i(), i()).prop_map(|(a, b)| Step::Dot(a, b)),
    ]
}

/// A program short enough that its values stay moderate (products of at most a few
/// registers), and a point.
fn program_and_point() -> impl Strategy<Value = (Vec<Step>, Vec<f64>)> {
    (
        prop::collection::vec(step(), 1..8),
        prop::collection::vec(-1.5..1.5f64, INPUTS),
    )
}

/// `sum_ij a_ij x_i x_j`, term by term.
fn quadratic_form<'t>(a: &[Vec<f64>], x: &[Value<'t>]) -> Value<'t> {
    let n = x.len();
    let terms = (0..n).flat_map(|i| (0..n).map(move |j| (i, j)));
    x[0].tape().sum(terms.map(|(i, j)| x[i] * x[j] * a[i][j]))
}

fn largest(h: &[Vec<f64>]) -> f64 {
    h.iter().flatten().fold(0.0, |m, v| m.max(v.abs()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// The two halves come from different gradient entries, so they agree up to rounding:
    /// each entry is a sum of a few dozen products, hence a bound of `1e-12` relative to the
    /// largest entry.
    #[test]
    fn hessians_of_random_programs_are_symmetric((steps, x) in program_and_point()) {
        let h = hessian(|v| run(&steps, v), &x);
        let scale = 1.0 + largest(&h);
        let below_diagonal = (0..INPUTS).flat_map(|i| (0..i).map(move |j| (i, j)));
        for (i, j) in below_diagonal {
            prop_assert!(
                (h[i][j] - h[j][i]).abs() <= 1e-12 * scale,
                "{steps:?} at {x:?}: h[{i}][{j}] = {}, h[{j}][{i}] = {}", h[i][j], h[j][i]
            );
        }
    }

    /// Column `j` of the Hessian against central differences of the gradient (from the
    /// first-order `backward`) in direction `j`. Tolerance as for first derivatives in
    /// `src/every_op_tests.rs`, step `1e-5 * max(1, |x|)`: the truncation error `h² g'''/6`
    /// and the rounding error `1e-16 |g| / h` are both far below `1e-6 (1 + |fd|)` for these
    /// bounded programs.
    #[test]
    fn hessians_of_random_programs_match_finite_differences_of_gradients(
        (steps, x) in program_and_point(),
    ) {
        let h = hessian(|v| run(&steps, v), &x);
        for j in 0..INPUTS {
            let step = 1e-5 * x[j].abs().max(1.0);
            let (mut up, mut down) = (x.clone(), x.clone());
            up[j] += step;
            down[j] -= step;
            let (_, g_up) = value_and_gradient(|v| run(&steps, v), &up);
            let (_, g_down) = value_and_gradient(|v| run(&steps, v), &down);
            for i in 0..INPUTS {
                let fd = (g_up[i] - g_down[i]) / (2.0 * step);
                prop_assert!(
                    (h[i][j] - fd).abs() <= 1e-6 * (1.0 + fd.abs()),
                    "{steps:?} at {x:?}: h[{i}][{j}] = {}, finite differences {fd}", h[i][j]
                );
            }
        }
    }

    /// One sweep of `g · v` against the full Hessian times `v`; both sum the same products
    /// in different orders, so they agree to rounding.
    #[test]
    fn hessian_vector_products_equal_the_hessian_times_the_vector(
        (steps, x) in program_and_point(),
        v in prop::collection::vec(-2.0..2.0f64, INPUTS),
    ) {
        let h = hessian(|xs| run(&steps, xs), &x);
        let hv = hessian_vector_product(|xs| run(&steps, xs), &x, &v);
        for i in 0..INPUTS {
            let expected: f64 = (0..INPUTS).map(|j| h[i][j] * v[j]).sum();
            let scale: f64 = 1.0 + (0..INPUTS).map(|j| (h[i][j] * v[j]).abs()).sum::<f64>();
            prop_assert!(
                (hv[i] - expected).abs() <= 1e-12 * scale,
                "{steps:?} at {x:?}: (Hv)[{i}] = {}, H times v gives {expected}", hv[i]
            );
        }
    }

    /// `x^T A x` has Hessian `A + A^T`: every second derivative is a sum of two entries of
    /// `A`, each reached through exact multiplications by 1, so the match is exact.
    #[test]
    fn the_hessian_of_a_quadratic_form_is_a_plus_a_transpose(
        (a, x) in (1..5usize).prop_flat_map(|n| (
            prop::collection::vec(prop::collection::vec(-3.0..3.0f64, n), n),
            prop::collection::vec(-2.0..2.0f64, n),
        )),
    ) {
        let n = x.len();
        let h = hessian(|v| quadratic_form(&a, v), &x);
        for i in 0..n {
            for j in 0..n {
                prop_assert_eq!(h[i][j], a[i][j] + a[j][i], "entry ({}, {})", i, j);
            }
        }
    }
}

#[test]
fn rosenbrocks_hessian_matches_its_closed_form() {
    // f = (1 - x)² + 100 (y - x²)²: [[1200 x² - 400 y + 2, -400 x], [-400 x, 200]]
    for (x, y) in [(-1.2, 1.0), (0.5, -0.3), (2.0, 4.0)] {
        let h = hessian(
            |v| (1.0 - v[0]).powi(2) + 100.0 * (v[1] - v[0] * v[0]).powi(2),
            &[x, y],
        );
        let expected = [
            [1200.0 * x * x - 400.0 * y + 2.0, -400.0 * x],
            [-400.0 * x, 200.0],
        ];
        for i in 0..2 {
            for j in 0..2 {
                assert!(
                    (h[i][j] - expected[i][j]).abs() <= 1e-12 * expected[i][j].abs(),
                    "at ({x}, {y}): h[{i}][{j}] = {}, expected {}",
                    h[i][j],
                    expected[i][j]
                );
            }
        }
    }
}

#[test]
fn an_input_the_function_ignores_has_a_zero_row_and_column() {
    let h = hessian(|v| v[0].sin() * v[2].exp(), &[0.3, 5.0, -0.2]);
    assert_eq!(h[1], [0.0; 3]);
    assert_eq!([h[0][1], h[2][1]], [0.0; 2]);
    assert_eq!(h[0][2], 0.3f64.cos() * (-0.2f64).exp());
}

#[test]
fn a_linear_function_has_a_zero_hessian() {
    let h = hessian(|v| 3.0 * v[0] - v[1] / 4.0 + 1.0, &[0.5, -2.0]);
    assert_eq!(h, [[0.0; 2]; 2]);
}

#[test]
fn a_function_of_no_outputs_has_an_empty_jacobian() {
    assert!(jacobian(|_| Vec::new(), &[1.0, 2.0]).is_empty());
}

#[test]
fn the_jacobian_of_a_vector_function_matches_its_closed_form() {
    // f(x, y, z) = (x y z, sin x + y², e^z / y)
    fn f<'t>(v: &[Value<'t>]) -> Vec<Value<'t>> {
        let (x, y, z) = (v[0], v[1], v[2]);
        vec![x * y * z, x.sin() + y * y, z.exp() / y]
    }
    for [x, y, z] in [[0.5, 2.0, -1.0], [-1.3, 0.7, 0.4]] {
        let j = jacobian(f, &[x, y, z]);
        let expected = [
            [y * z, x * z, x * y],
            [x.cos(), 2.0 * y, 0.0],
            [0.0, -z.exp() / (y * y), z.exp() / y],
        ];
        for (i, (row, expected_row)) in j.iter().zip(expected).enumerate() {
            for k in 0..3 {
                assert!(
                    (row[k] - expected_row[k]).abs() <= 1e-14 * (1.0 + expected_row[k].abs()),
                    "at {:?}: d f{i}/d x{k} = {}, expected {}",
                    [x, y, z],
                    row[k],
                    expected_row[k]
                );
            }
        }
    }
}

#[test]
fn the_jacobian_of_a_scalar_function_is_its_gradient() {
    let (_, grad) = value_and_gradient(|v| v[0].atan2(v[1]) * v[1], &[0.4, -1.1]);
    let j = jacobian(|v| vec![v[0].atan2(v[1]) * v[1]], &[0.4, -1.1]);
    assert_eq!(j, [grad]);
}

#[test]
fn value_and_gradient_matches_the_closed_form() {
    // f(x, y) = e^x sin y: (e^x sin y, e^x cos y)
    let (x, y) = (0.7_f64, -2.1_f64);
    let (value, grad) = value_and_gradient(|v| v[0].exp() * v[1].sin(), &[x, y]);
    assert_eq!(value, x.exp() * y.sin());
    assert_eq!(grad, [x.exp() * y.sin(), x.exp() * y.cos()]);
}

#[test]
fn helpers_accept_a_named_function() {
    fn cube_sum<'t>(v: &[Value<'t>]) -> Value<'t> {
        v[0].powi(3) + v[1].powi(3)
    }
    assert_eq!(hessian(cube_sum, &[1.0, 2.0]), [[6.0, 0.0], [0.0, 12.0]]);
    assert_eq!(
        hessian_vector_product(cube_sum, &[1.0, 2.0], &[1.0, 1.0]),
        [6.0, 12.0]
    );
}

fn panic_message(f: impl FnOnce()) -> String {
    let payload =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).expect_err("expected a panic");
    match payload.downcast::<String>() {
        Ok(s) => *s,
        Err(payload) => payload
            .downcast::<&str>()
            .map(|s| s.to_string())
            .unwrap_or_default(),
    }
}

#[test]
fn a_direction_of_the_wrong_length_names_both_lengths() {
    let message = panic_message(|| {
        hessian_vector_product(|v| v[0] * v[1], &[1.0, 2.0], &[1.0, 0.0, 0.0]);
    });
    assert!(
        message.contains("the point has 2 entries, the direction 3"),
        "message was: {message}"
    );
}

#[test]
fn an_output_recorded_on_another_tape_is_refused() {
    let other: &'static Tape = Box::leak(Box::new(Tape::new()));
    let expected = "a tape of its own";
    let messages = [
        panic_message(|| {
            jacobian(|_| vec![other.var(1.0)], &[0.0]);
        }),
        panic_message(|| {
            value_and_gradient(|_| other.var(1.0), &[0.0]);
        }),
        panic_message(|| {
            hessian(|_| other.var(1.0), &[0.0]);
        }),
        panic_message(|| {
            hessian_vector_product(|_| other.var(1.0), &[0.0], &[1.0]);
        }),
    ];
    for message in messages {
        assert!(message.contains(expected), "message was: {message}");
    }
}
