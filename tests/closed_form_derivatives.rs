//! Each function's value against `f64`'s (to the bit) and its derivative against the
//! textbook formula, at several points.

use tapegrad::{Tape, Value};

type OnValue = for<'t> fn(Value<'t>) -> Value<'t>;

struct Case {
    name: &'static str,
    on_value: OnValue,
    on_f64: fn(f64) -> f64,
    derivative: fn(f64) -> f64,
    points: &'static [f64],
}

const ANYWHERE: &[f64] = &[-2.5, -0.7, 0.3, 1.9];
const POSITIVE: &[f64] = &[0.25, 1.0, 3.5];
const INSIDE_UNIT: &[f64] = &[-0.8, 0.1, 0.6];

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

const CASES: &[Case] = &[
    Case {
        name: "exp",
        on_value: |x| x.exp(),
        on_f64: f64::exp,
        derivative: f64::exp,
        points: ANYWHERE,
    },
    Case {
        name: "exp2",
        on_value: |x| x.exp2(),
        on_f64: f64::exp2,
        derivative: |x| x.exp2() * 2f64.ln(),
        points: ANYWHERE,
    },
    Case {
        name: "exp_m1",
        on_value: |x| x.exp_m1(),
        on_f64: f64::exp_m1,
        derivative: f64::exp,
        points: ANYWHERE,
    },
    Case {
        name: "ln",
        on_value: |x| x.ln(),
        on_f64: f64::ln,
        derivative: |x| 1.0 / x,
        points: POSITIVE,
    },
    Case {
        name: "ln_1p",
        on_value: |x| x.ln_1p(),
        on_f64: f64::ln_1p,
        derivative: |x| 1.0 / (1.0 + x),
        points: POSITIVE,
    },
    Case {
        name: "log2",
        on_value: |x| x.log2(),
        on_f64: f64::log2,
        derivative: |x| 1.0 / (x * 2f64.ln()),
        points: POSITIVE,
    },
    Case {
        name: "log10",
        on_value: |x| x.log10(),
        on_f64: f64::log10,
        derivative: |x| 1.0 / (x * 10f64.ln()),
        points: POSITIVE,
    },
    Case {
        name: "log(5)",
        on_value: |x| x.log(5.0),
        on_f64: |x| x.log(5.0),
        derivative: |x| 1.0 / (x * 5f64.ln()),
        points: POSITIVE,
    },
    Case {
        name: "sqrt",
        on_value: |x| x.sqrt(),
        on_f64: f64::sqrt,
        derivative: |x| 0.5 / x.sqrt(),
        points: POSITIVE,
    },
    Case {
        name: "cbrt",
        on_value: |x| x.cbrt(),
        on_f64: f64::cbrt,
        derivative: |x| 1.0 / (3.0 * x.cbrt().powi(2)),
        points: ANYWHERE,
    },
    Case {
        name: "recip",
        on_value: |x| x.recip(),
        on_f64: f64::recip,
        derivative: |x| -1.0 / (x * x),
        points: ANYWHERE,
    },
    Case {
        name: "powi(3)",
        on_value: |x| x.powi(3),
        on_f64: |x| x.powi(3),
        derivative: |x| 3.0 * x * x,
        points: ANYWHERE,
    },
    Case {
        name: "powi(-2)",
        on_value: |x| x.powi(-2),
        on_f64: |x| x.powi(-2),
        derivative: |x| -2.0 / x.powi(3),
        points: ANYWHERE,
    },
    Case {
        name: "powf(2.5)",
        on_value: |x| x.powf(2.5),
        on_f64: |x| x.powf(2.5),
        derivative: |x| 2.5 * x.powf(1.5),
        points: POSITIVE,
    },
    Case {
        name: "sin",
        on_value: |x| x.sin(),
        on_f64: f64::sin,
        derivative: f64::cos,
        points: ANYWHERE,
    },
    Case {
        name: "cos",
        on_value: |x| x.cos(),
        on_f64: f64::cos,
        derivative: |x| -x.sin(),
        points: ANYWHERE,
    },
    Case {
        name: "tan",
        on_value: |x| x.tan(),
        on_f64: f64::tan,
        derivative: |x| 1.0 / x.cos().powi(2),
        points: INSIDE_UNIT,
    },
    Case {
        name: "asin",
        on_value: |x| x.asin(),
        on_f64: f64::asin,
        derivative: |x| 1.0 / (1.0 - x * x).sqrt(),
        points: INSIDE_UNIT,
    },
    Case {
        name: "acos",
        on_value: |x| x.acos(),
        on_f64: f64::acos,
        derivative: |x| -1.0 / (1.0 - x * x).sqrt(),
        points: INSIDE_UNIT,
    },
    Case {
        name: "atan",
        on_value: |x| x.atan(),
        on_f64: f64::atan,
        derivative: |x| 1.0 / (1.0 + x * x),
        points: ANYWHERE,
    },
    Case {
        name: "sinh",
        on_value: |x| x.sinh(),
        on_f64: f64::sinh,
        derivative: f64::cosh,
        points: ANYWHERE,
    },
    Case {
        name: "cosh",
        on_value: |x| x.cosh(),
        on_f64: f64::cosh,
        derivative: f64::sinh,
        points: ANYWHERE,
    },
    Case {
        name: "tanh",
        on_value: |x| x.tanh(),
        on_f64: f64::tanh,
        derivative: |x| 1.0 / x.cosh().powi(2),
        points: ANYWHERE,
    },
    Case {
        name: "asinh",
        on_value: |x| x.asinh(),
        on_f64: f64::asinh,
        derivative: |x| 1.0 / (x * x + 1.0).sqrt(),
        points: ANYWHERE,
    },
    Case {
        name: "acosh",
        on_value: |x| (x + 4.0).acosh(),
        on_f64: |x| (x + 4.0).acosh(),
        derivative: |x| 1.0 / ((x + 4.0).powi(2) - 1.0).sqrt(),
        points: ANYWHERE,
    },
    Case {
        name: "atanh",
        on_value: |x| x.atanh(),
        on_f64: f64::atanh,
        derivative: |x| 1.0 / (1.0 - x * x),
        points: INSIDE_UNIT,
    },
    Case {
        name: "abs",
        on_value: |x| x.abs(),
        on_f64: f64::abs,
        derivative: f64::signum,
        points: ANYWHERE,
    },
    Case {
        name: "relu",
        on_value: |x| x.relu(),
        on_f64: |x| x.max(0.0),
        derivative: |x| if x > 0.0 { 1.0 } else { 0.0 },
        points: ANYWHERE,
    },
    Case {
        name: "leaky_relu",
        on_value: |x| x.leaky_relu(0.2),
        on_f64: |x| if x > 0.0 { x } else { 0.2 * x },
        derivative: |x| if x > 0.0 { 1.0 } else { 0.2 },
        points: ANYWHERE,
    },
    Case {
        name: "sigmoid",
        on_value: |x| x.sigmoid(),
        on_f64: sigmoid,
        derivative: |x| sigmoid(x) * (1.0 - sigmoid(x)),
        points: ANYWHERE,
    },
    Case {
        name: "softplus",
        on_value: |x| x.softplus(),
        on_f64: |x| x.exp().ln_1p(),
        derivative: sigmoid,
        points: ANYWHERE,
    },
    Case {
        name: "to_degrees",
        on_value: |x| x.to_degrees(),
        on_f64: f64::to_degrees,
        derivative: |_| 180.0 / std::f64::consts::PI,
        points: ANYWHERE,
    },
];

#[test]
fn every_function_has_its_textbook_derivative() {
    for case in CASES {
        for &x in case.points {
            let tape = Tape::new();
            let v = tape.var(x);
            let y = (case.on_value)(v);
            y.backward();
            let (value, expected_value) = (y.data(), (case.on_f64)(x));
            let close = |a: f64, b: f64| (a - b).abs() <= 1e-14 * (1.0 + b.abs());
            assert!(
                close(value, expected_value),
                "{}({x}) = {value}, f64 gives {expected_value}",
                case.name
            );
            let (grad, expected) = (v.grad(), (case.derivative)(x));
            assert!(
                (grad - expected).abs() <= 1e-13 * (1.0 + expected.abs()),
                "d/dx {}({x}) = {grad}, expected {expected}",
                case.name
            );
        }
    }
}

#[test]
fn methods_named_after_f64_compute_f64_to_the_bit() {
    for case in CASES
        .iter()
        .filter(|c| !matches!(c.name, "relu" | "leaky_relu" | "sigmoid" | "softplus"))
    {
        for &x in case.points {
            let tape = Tape::new();
            let y = (case.on_value)(tape.var(x));
            assert_eq!(
                y.data().to_bits(),
                (case.on_f64)(x).to_bits(),
                "{}({x})",
                case.name
            );
        }
    }
}

#[test]
fn binary_functions_have_their_textbook_partials() {
    let tape = Tape::new();
    let (a, b) = (tape.var(1.3), tape.var(-0.4));
    let partials = |y: Value<'_>| {
        y.backward();
        (a.grad(), b.grad())
    };
    let close = |(ga, gb): (f64, f64), (ea, eb): (f64, f64)| {
        (ga - ea).abs() < 1e-14 && (gb - eb).abs() < 1e-14
    };
    let (x, z) = (1.3_f64, -0.4_f64);
    assert!(close(partials(a * b), (z, x)));
    assert!(close(partials(a / b), (1.0 / z, -x / (z * z))));
    assert!(close(partials(a - b), (1.0, -1.0)));
    assert!(close(
        partials(a.pow(b)),
        (z * x.powf(z - 1.0), x.powf(z) * x.ln())
    ));
    let r2 = x * x + z * z;
    assert!(close(partials(a.atan2(b)), (z / r2, -x / r2)));
    assert!(close(partials(a.hypot(b)), (x / r2.sqrt(), z / r2.sqrt())));
    assert!(close(partials(a.max(b)), (1.0, 0.0)));
    assert!(close(partials(a.min(b)), (0.0, 1.0)));
}
