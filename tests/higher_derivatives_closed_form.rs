//! Second and third derivatives of every function, by gradient of gradient (of gradient),
//! against the textbook formulas.

use tapegrad::{Tape, Value};

type OnValue = for<'t> fn(Value<'t>) -> Value<'t>;

struct Case {
    name: &'static str,
    on_value: OnValue,
    second: fn(f64) -> f64,
    third: fn(f64) -> f64,
    points: &'static [f64],
}

const ANYWHERE: &[f64] = &[-2.5, -0.7, 0.3, 1.9];
const POSITIVE: &[f64] = &[0.25, 1.0, 3.5];
const INSIDE_UNIT: &[f64] = &[-0.8, 0.1, 0.6];
const OFF_ZERO: &[f64] = &[-2.5, -0.7, 0.3, 1.9];
/// Away from the integers and half-integers where the rounding functions jump.
const BETWEEN_JUMPS: &[f64] = &[-2.3, -0.7, 0.2, 1.6];
/// Inside and outside `[-1, 1]`, away from the bounds.
const AROUND_CLAMP: &[f64] = &[-2.5, -0.5, 0.3, 1.9];

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

fn zero(_: f64) -> f64 {
    0.0
}

const LN2: f64 = std::f64::consts::LN_2;
const LN10: f64 = std::f64::consts::LN_10;

const CASES: &[Case] = &[
    Case {
        name: "exp",
        on_value: |x| x.exp(),
        second: f64::exp,
        third: f64::exp,
        points: ANYWHERE,
    },
    Case {
        name: "exp2",
        on_value: |x| x.exp2(),
        second: |x| LN2 * LN2 * x.exp2(),
        third: |x| LN2 * LN2 * LN2 * x.exp2(),
        points: ANYWHERE,
    },
    Case {
        name: "exp_m1",
        on_value: |x| x.exp_m1(),
        second: f64::exp,
        third: f64::exp,
        points: ANYWHERE,
    },
    Case {
        name: "ln",
        on_value: |x| x.ln(),
        second: |x| -1.0 / (x * x),
        third: |x| 2.0 / (x * x * x),
        points: POSITIVE,
    },
    Case {
        name: "ln_1p",
        on_value: |x| x.ln_1p(),
        second: |x| -1.0 / ((1.0 + x) * (1.0 + x)),
        third: |x| 2.0 / (1.0 + x).powi(3),
        points: POSITIVE,
    },
    Case {
        name: "log2",
        on_value: |x| x.log2(),
        second: |x| -1.0 / (x * x * LN2),
        third: |x| 2.0 / (x * x * x * LN2),
        points: POSITIVE,
    },
    Case {
        name: "log10",
        on_value: |x| x.log10(),
        second: |x| -1.0 / (x * x * LN10),
        third: |x| 2.0 / (x * x * x * LN10),
        points: POSITIVE,
    },
    Case {
        name: "log(5)",
        on_value: |x| x.log(5.0),
        second: |x| -1.0 / (x * x * 5f64.ln()),
        third: |x| 2.0 / (x * x * x * 5f64.ln()),
        points: POSITIVE,
    },
    Case {
        name: "sqrt",
        on_value: |x| x.sqrt(),
        second: |x| -0.25 * x.powf(-1.5),
        third: |x| 0.375 * x.powf(-2.5),
        points: POSITIVE,
    },
    Case {
        // y = x^(1/3): y'' = -2/9 y^-5, y''' = 10/27 y^-8, for negative x too
        name: "cbrt",
        on_value: |x| x.cbrt(),
        second: |x| -2.0 / 9.0 * x.cbrt().powi(-5),
        third: |x| 10.0 / 27.0 * x.cbrt().powi(-8),
        points: OFF_ZERO,
    },
    Case {
        name: "recip",
        on_value: |x| x.recip(),
        second: |x| 2.0 / x.powi(3),
        third: |x| -6.0 / x.powi(4),
        points: OFF_ZERO,
    },
    Case {
        name: "powf(2.5)",
        on_value: |x| x.powf(2.5),
        second: |x| 2.5 * 1.5 * x.powf(0.5),
        third: |x| 2.5 * 1.5 * 0.5 * x.powf(-0.5),
        points: POSITIVE,
    },
    Case {
        // x^2 is a parabola everywhere, its vertex included
        name: "powf(2)",
        on_value: |x| x.powf(2.0),
        second: |_| 2.0,
        third: zero,
        points: &[-1.5, 0.0, 2.0],
    },
    Case {
        name: "powf(1)",
        on_value: |x| x.powf(1.0),
        second: zero,
        third: zero,
        points: &[-1.5, 0.0, 2.0],
    },
    Case {
        name: "powf(0)",
        on_value: |x| x.powf(0.0),
        second: zero,
        third: zero,
        points: &[-1.5, 0.0, 2.0],
    },
    Case {
        name: "powi(3)",
        on_value: |x| x.powi(3),
        second: |x| 6.0 * x,
        third: |_| 6.0,
        points: &[-2.5, 0.0, 1.9],
    },
    Case {
        name: "powi(2)",
        on_value: |x| x.powi(2),
        second: |_| 2.0,
        third: zero,
        points: &[-1.5, 0.0, 2.0],
    },
    Case {
        name: "powi(1)",
        on_value: |x| x.powi(1),
        second: zero,
        third: zero,
        points: &[-1.5, 0.0, 2.0],
    },
    Case {
        name: "powi(0)",
        on_value: |x| x.powi(0),
        second: zero,
        third: zero,
        points: &[-1.5, 0.0, 2.0],
    },
    Case {
        name: "powi(-2)",
        on_value: |x| x.powi(-2),
        second: |x| 6.0 / x.powi(4),
        third: |x| -24.0 / x.powi(5),
        points: OFF_ZERO,
    },
    Case {
        name: "sin",
        on_value: |x| x.sin(),
        second: |x| -x.sin(),
        third: |x| -x.cos(),
        points: ANYWHERE,
    },
    Case {
        name: "cos",
        on_value: |x| x.cos(),
        second: |x| -x.cos(),
        third: f64::sin,
        points: ANYWHERE,
    },
    Case {
        // tan' = 1 + t², tan'' = 2 t (1 + t²), tan''' = (2 + 6 t²)(1 + t²)
        name: "tan",
        on_value: |x| x.tan(),
        second: |x| 2.0 * x.tan() * (1.0 + x.tan().powi(2)),
        third: |x| (2.0 + 6.0 * x.tan().powi(2)) * (1.0 + x.tan().powi(2)),
        points: &[-1.2, -0.4, 0.3, 1.1],
    },
    Case {
        name: "asin",
        on_value: |x| x.asin(),
        second: |x| x / (1.0 - x * x).powf(1.5),
        third: |x| (1.0 + 2.0 * x * x) / (1.0 - x * x).powf(2.5),
        points: INSIDE_UNIT,
    },
    Case {
        name: "acos",
        on_value: |x| x.acos(),
        second: |x| -x / (1.0 - x * x).powf(1.5),
        third: |x| -(1.0 + 2.0 * x * x) / (1.0 - x * x).powf(2.5),
        points: INSIDE_UNIT,
    },
    Case {
        name: "atan",
        on_value: |x| x.atan(),
        second: |x| -2.0 * x / (1.0 + x * x).powi(2),
        third: |x| (6.0 * x * x - 2.0) / (1.0 + x * x).powi(3),
        points: ANYWHERE,
    },
    Case {
        name: "sinh",
        on_value: |x| x.sinh(),
        second: f64::sinh,
        third: f64::cosh,
        points: ANYWHERE,
    },
    Case {
        name: "cosh",
        on_value: |x| x.cosh(),
        second: f64::cosh,
        third: f64::sinh,
        points: ANYWHERE,
    },
    Case {
        // tanh'' = -2 t (1 - t²), tanh''' = (6 t² - 2)(1 - t²)
        name: "tanh",
        on_value: |x| x.tanh(),
        second: |x| -2.0 * x.tanh() * (1.0 - x.tanh().powi(2)),
        third: |x| (6.0 * x.tanh().powi(2) - 2.0) * (1.0 - x.tanh().powi(2)),
        points: ANYWHERE,
    },
    Case {
        name: "asinh",
        on_value: |x| x.asinh(),
        second: |x| -x / (x * x + 1.0).powf(1.5),
        third: |x| (2.0 * x * x - 1.0) / (x * x + 1.0).powf(2.5),
        points: ANYWHERE,
    },
    Case {
        name: "acosh",
        on_value: |x| x.acosh(),
        second: |x| -x / (x * x - 1.0).powf(1.5),
        third: |x| (2.0 * x * x + 1.0) / (x * x - 1.0).powf(2.5),
        points: &[1.2, 2.0, 3.5],
    },
    Case {
        name: "atanh",
        on_value: |x| x.atanh(),
        second: |x| 2.0 * x / (1.0 - x * x).powi(2),
        third: |x| (2.0 + 6.0 * x * x) / (1.0 - x * x).powi(3),
        points: INSIDE_UNIT,
    },
    Case {
        // s' = s (1 - s), s'' = s (1 - s)(1 - 2 s), s''' = s (1 - s)(1 - 6 s + 6 s²)
        name: "sigmoid",
        on_value: |x| x.sigmoid(),
        second: |x| sigmoid(x) * (1.0 - sigmoid(x)) * (1.0 - 2.0 * sigmoid(x)),
        third: |x| {
            let s = sigmoid(x);
            s * (1.0 - s) * (1.0 - 6.0 * s + 6.0 * s * s)
        },
        points: ANYWHERE,
    },
    Case {
        // softplus' = sigmoid
        name: "softplus",
        on_value: |x| x.softplus(),
        second: |x| sigmoid(x) * (1.0 - sigmoid(x)),
        third: |x| sigmoid(x) * (1.0 - sigmoid(x)) * (1.0 - 2.0 * sigmoid(x)),
        points: ANYWHERE,
    },
    Case {
        name: "k / x",
        on_value: |x| 1.9 / x,
        second: |x| 2.0 * 1.9 / x.powi(3),
        third: |x| -6.0 * 1.9 / x.powi(4),
        points: OFF_ZERO,
    },
    // Linear in x: the second and third derivatives vanish.
    Case {
        name: "-x",
        on_value: |x| -x,
        second: zero,
        third: zero,
        points: ANYWHERE,
    },
    Case {
        name: "x + k",
        on_value: |x| x + 0.7,
        second: zero,
        third: zero,
        points: ANYWHERE,
    },
    Case {
        name: "k - x",
        on_value: |x| 1.3 - x,
        second: zero,
        third: zero,
        points: ANYWHERE,
    },
    Case {
        name: "x * k",
        on_value: |x| x * -1.7,
        second: zero,
        third: zero,
        points: ANYWHERE,
    },
    Case {
        name: "x / k",
        on_value: |x| x / 2.5,
        second: zero,
        third: zero,
        points: ANYWHERE,
    },
    Case {
        name: "to_degrees",
        on_value: |x| x.to_degrees(),
        second: zero,
        third: zero,
        points: ANYWHERE,
    },
    // Piecewise linear: away from the kinks, the second and third derivatives vanish.
    Case {
        name: "abs",
        on_value: |x| x.abs(),
        second: zero,
        third: zero,
        points: OFF_ZERO,
    },
    Case {
        name: "relu",
        on_value: |x| x.relu(),
        second: zero,
        third: zero,
        points: OFF_ZERO,
    },
    Case {
        name: "leaky_relu",
        on_value: |x| x.leaky_relu(0.1),
        second: zero,
        third: zero,
        points: OFF_ZERO,
    },
    Case {
        name: "clamp",
        on_value: |x| x.clamp(-1.0, 1.0),
        second: zero,
        third: zero,
        points: AROUND_CLAMP,
    },
    Case {
        name: "fract",
        on_value: |x| x.fract(),
        second: zero,
        third: zero,
        points: BETWEEN_JUMPS,
    },
    // Piecewise constant.
    Case {
        name: "signum",
        on_value: |x| x.signum(),
        second: zero,
        third: zero,
        points: BETWEEN_JUMPS,
    },
    Case {
        name: "floor",
        on_value: |x| x.floor(),
        second: zero,
        third: zero,
        points: BETWEEN_JUMPS,
    },
    Case {
        name: "ceil",
        on_value: |x| x.ceil(),
        second: zero,
        third: zero,
        points: BETWEEN_JUMPS,
    },
    Case {
        name: "round",
        on_value: |x| x.round(),
        second: zero,
        third: zero,
        points: BETWEEN_JUMPS,
    },
    Case {
        name: "trunc",
        on_value: |x| x.trunc(),
        second: zero,
        third: zero,
        points: BETWEEN_JUMPS,
    },
];

/// Relative agreement of a derivative with its formula: both sides are a handful of `f64`
/// operations apart, so a few ulps; the bound allows for the growth near the poles of
/// `tan` and `asin`.
fn close(got: f64, expected: f64) -> bool {
    (got - expected).abs() <= 1e-12 * (1.0 + expected.abs())
}

/// `(d²f/dx², d³f/dx³)` at `x`: the third both as the value of a third `gradient` and from a
/// backward sweep of the second; returns `(second, third by gradient, third by backward)`.
fn second_and_third(f: OnValue, x: f64) -> (f64, f64, f64) {
    let tape = Tape::new();
    let v = tape.var(x);
    let first = f(v).gradient(&[v])[0];
    let second = first.gradient(&[v])[0];
    let third = second.gradient(&[v])[0];
    second.backward();
    (second.data(), third.data(), v.grad())
}

#[test]
fn every_function_has_its_textbook_second_and_third_derivatives() {
    for case in CASES {
        for &x in case.points {
            let (second, third, third_by_backward) = second_and_third(case.on_value, x);
            let (expected2, expected3) = ((case.second)(x), (case.third)(x));
            assert!(
                close(second, expected2),
                "d²/dx² {}({x}) = {second}, expected {expected2}",
                case.name
            );
            assert!(
                close(third, expected3),
                "d³/dx³ {}({x}) = {third}, expected {expected3}",
                case.name
            );
            assert_eq!(
                third, third_by_backward,
                "d³/dx³ {}({x}): gradient and backward disagree",
                case.name
            );
        }
    }
}

/// The Hessian of `f` at `(a, b)`, from `gradient` and two backward sweeps.
fn hessian2(
    f: impl for<'t> Fn(Value<'t>, Value<'t>) -> Value<'t>,
    a: f64,
    b: f64,
) -> [[f64; 2]; 2] {
    let tape = Tape::new();
    let (va, vb) = (tape.var(a), tape.var(b));
    let g = f(va, vb).gradient(&[va, vb]);
    let row = |gi: Value<'_>| {
        gi.backward();
        [va.grad(), vb.grad()]
    };
    [row(g[0]), row(g[1])]
}

fn assert_hessian(name: &str, got: [[f64; 2]; 2], expected: [[f64; 2]; 2]) {
    for i in 0..2 {
        for j in 0..2 {
            assert!(
                close(got[i][j], expected[i][j]),
                "{name}: d²/dx{i} dx{j} = {}, expected {}",
                got[i][j],
                expected[i][j]
            );
        }
    }
}

#[test]
fn binary_functions_have_their_textbook_hessians() {
    let (a, b) = (1.3_f64, -0.4_f64);
    assert_hessian(
        "a * b",
        hessian2(|x, y| x * y, a, b),
        [[0.0, 1.0], [1.0, 0.0]],
    );
    // a / b: d²/da db = -1/b², d²/db² = 2a/b³
    assert_hessian(
        "a / b",
        hessian2(|x, y| x / y, a, b),
        [[0.0, -1.0 / (b * b)], [-1.0 / (b * b), 2.0 * a / b.powi(3)]],
    );
    // a^b: b(b-1)a^(b-2), a^(b-1)(1 + b ln a), a^b ln² a
    let mixed = a.powf(b - 1.0) * (1.0 + b * a.ln());
    assert_hessian(
        "a^b",
        hessian2(|x, y| x.pow(y), a, b),
        [
            [b * (b - 1.0) * a.powf(b - 2.0), mixed],
            [mixed, a.powf(b) * a.ln().powi(2)],
        ],
    );
    // atan2(a, b) with r² = a² + b²: -2ab/r⁴, (a² - b²)/r⁴, 2ab/r⁴
    let r4 = (a * a + b * b).powi(2);
    assert_hessian(
        "atan2(a, b)",
        hessian2(|x, y| x.atan2(y), a, b),
        [
            [-2.0 * a * b / r4, (a * a - b * b) / r4],
            [(a * a - b * b) / r4, 2.0 * a * b / r4],
        ],
    );
    // hypot(a, b) = r: b²/r³, -ab/r³, a²/r³
    let r3 = (a * a + b * b).powf(1.5);
    assert_hessian(
        "hypot(a, b)",
        hessian2(|x, y| x.hypot(y), a, b),
        [[b * b / r3, -a * b / r3], [-a * b / r3, a * a / r3]],
    );
    assert_hessian(
        "a.mul_add(b, b)",
        hessian2(|x, y| x.mul_add(y, y), a, b),
        [[0.0, 1.0], [1.0, 0.0]],
    );
    let zeros = [[0.0; 2]; 2];
    assert_hessian("a + b", hessian2(|x, y| x + y, a, b), zeros);
    assert_hessian("a - b", hessian2(|x, y| x - y, a, b), zeros);
    assert_hessian("max(a, b)", hessian2(|x, y| x.max(y), a, b), zeros);
    assert_hessian("min(a, b)", hessian2(|x, y| x.min(y), a, b), zeros);
}

#[test]
fn binary_functions_have_their_textbook_third_partials() {
    let tape = Tape::new();
    let (a, b) = (1.3_f64, -0.4_f64);
    let (va, vb) = (tape.var(a), tape.var(b));
    // d³/dx_i dx_j dx_k of f, as the value of three nested gradients
    let third = |f: Value<'_>, i: usize, j: usize, k: usize| {
        let wrt = [va, vb];
        let g = f.gradient(&wrt)[i];
        let h = g.gradient(&wrt)[j];
        h.gradient(&wrt)[k].data()
    };
    let pow = va.pow(vb);
    let cases = [
        (
            "d³/da³ a^b",
            third(pow, 0, 0, 0),
            b * (b - 1.0) * (b - 2.0) * a.powf(b - 3.0),
        ),
        (
            "d³/db³ a^b",
            third(pow, 1, 1, 1),
            a.powf(b) * a.ln().powi(3),
        ),
        // d/da of a^(b-1)(1 + b ln a) = a^(b-2) ((b-1)(1 + b ln a) + b)
        (
            "d³/da da db a^b",
            third(pow, 0, 0, 1),
            a.powf(b - 2.0) * ((b - 1.0) * (1.0 + b * a.ln()) + b),
        ),
        (
            "d³/db³ a / b",
            third(va / vb, 1, 1, 1),
            -6.0 * a / b.powi(4),
        ),
        (
            "d³/da db db a / b",
            third(va / vb, 0, 1, 1),
            2.0 / b.powi(3),
        ),
        (
            "d³/da³ hypot(a, b)",
            third(va.hypot(vb), 0, 0, 0),
            -3.0 * a * b * b / (a * a + b * b).powf(2.5),
        ),
        ("d³/da da db a² b", third(va * va * vb, 0, 0, 1), 2.0),
    ];
    for (name, got, expected) in cases {
        assert!(close(got, expected), "{name} = {got}, expected {expected}");
    }
}

#[test]
fn pow_keeps_its_mixed_second_derivative_at_exponent_zero() {
    // d/da a^b = b a^(b-1) is 0 at b = 0, but its derivative in b is not:
    // d²/da db a^b = a^(b-1) (1 + b ln a) = 1/a there.
    let h = hessian2(|x, y| x.pow(y), 2.0, 0.0);
    assert_eq!(h[0][1], 0.5);
    assert_eq!(h[1][0], 0.5);
    assert_eq!(h[0][0], 0.0); // b (b - 1) a^(b-2) = 0
}
