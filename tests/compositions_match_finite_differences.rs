//! Random compositions of smooth operations: backward against central finite differences,
//! through `gradcheck`.
//!
//! Each expression is evaluated by the same interpreter on `Value`s and on `f64`s, and the
//! two must agree at the point; `gradcheck` then compares backward with finite differences of
//! the `Value` evaluation. Tolerance as in `src/every_op_tests.rs`, much tighter than
//! `gradcheck`'s default: step `1e-6 * max(1, |x|)`, agreement to `1e-6 * (1 + |fd|)`; the ops
//! are bounded so that values stay below about `e^3`.
#![cfg(feature = "teach")]

use proptest::prelude::*;
use tapegrad::teach::{DEFAULT_STEP, Tolerance};
use tapegrad::{Tape, Value, gradcheck};

#[derive(Clone, Debug)]
enum Expr {
    Input(usize),
    Number(f64),
    Add(Box<Expr>, Box<Expr>),
    Sub(Box<Expr>, Box<Expr>),
    Mul(Box<Expr>, Box<Expr>),
    /// `a / (1 + b²)`: a division whose denominator stays away from zero.
    SafeDiv(Box<Expr>, Box<Expr>),
    Scale(Box<Expr>, f64),
    Sin(Box<Expr>),
    Cos(Box<Expr>),
    Tanh(Box<Expr>),
    Sigmoid(Box<Expr>),
    Softplus(Box<Expr>),
    Atan(Box<Expr>),
    /// `exp(tanh(a))`, bounded.
    ExpTanh(Box<Expr>),
    /// `sqrt(1 + a²)`, smooth everywhere.
    SqrtOnePlusSquare(Box<Expr>),
    Sum(Vec<Expr>),
}

/// The same arithmetic on `f64` and on `Value`.
trait Number: Copy {
    fn number(self, x: f64) -> Self;
    fn add(self, o: Self) -> Self;
    fn sub(self, o: Self) -> Self;
    fn mul(self, o: Self) -> Self;
    fn safe_div(self, o: Self) -> Self;
    fn scale(self, k: f64) -> Self;
    fn unary(self, e: &Expr) -> Self;
    fn sum(self, items: Vec<Self>) -> Self;
}

impl Number for f64 {
    fn number(self, x: f64) -> Self {
        x
    }
    fn add(self, o: Self) -> Self {
        self + o
    }
    fn sub(self, o: Self) -> Self {
        self - o
    }
    fn mul(self, o: Self) -> Self {
        self * o
    }
    fn safe_div(self, o: Self) -> Self {
        self / (1.0 + o * o)
    }
    fn scale(self, k: f64) -> Self {
        self * k
    }
    fn unary(self, e: &Expr) -> Self {
        match e {
            Expr::Sin(_) => self.sin(),
            Expr::Cos(_) => self.cos(),
            Expr::Tanh(_) => self.tanh(),
            Expr::Sigmoid(_) => 1.0 / (1.0 + (-self).exp()),
            Expr::Softplus(_) => self.exp().ln_1p(),
            Expr::Atan(_) => self.atan(),
            Expr::ExpTanh(_) => self.tanh().exp(),
            Expr::SqrtOnePlusSquare(_) => (1.0 + self * self).sqrt(),
            _ => unreachable!(),
        }
    }
    fn sum(self, items: Vec<Self>) -> Self {
        items.iter().sum()
    }
}

impl<'t> Number for Value<'t> {
    fn number(self, x: f64) -> Self {
        self.tape().constant(x)
    }
    fn add(self, o: Self) -> Self {
        self + o
    }
    fn sub(self, o: Self) -> Self {
        self - o
    }
    fn mul(self, o: Self) -> Self {
        self * o
    }
    fn safe_div(self, o: Self) -> Self {
        self / (1.0 + o * o)
    }
    fn scale(self, k: f64) -> Self {
        self * k
    }
    fn unary(self, e: &Expr) -> Self {
        match e {
            Expr::Sin(_) => self.sin(),
            Expr::Cos(_) => self.cos(),
            Expr::Tanh(_) => self.tanh(),
            Expr::Sigmoid(_) => self.sigmoid(),
            Expr::Softplus(_) => self.softplus(),
            Expr::Atan(_) => self.atan(),
            Expr::ExpTanh(_) => self.tanh().exp(),
            Expr::SqrtOnePlusSquare(_) => (1.0 + self * self).sqrt(),
            _ => unreachable!(),
        }
    }
    fn sum(self, items: Vec<Self>) -> Self {
        self.tape().sum(items)
    }
}

fn eval<N: Number>(e: &Expr, inputs: &[N]) -> N {
    let any = inputs[0];
    match e {
        Expr::Input(i) => inputs[*i],
        Expr::Number(x) => any.number(*x),
        Expr::Add(a, b) => eval(a, inputs).add(eval(b, inputs)),
        Expr::Sub(a, b) => eval(a, inputs).sub(eval(b, inputs)),
        Expr::Mul(a, b) => eval(a, inputs).mul(eval(b, inputs)),
        Expr::SafeDiv(a, b) => eval(a, inputs).safe_div(eval(b, inputs)),
        Expr::Scale(a, k) => eval(a, inputs).scale(*k),
        Expr::Sum(items) => any.sum(items.iter().map(|i| eval(i, inputs)).collect()),
        Expr::Sin(a)
        | Expr::Cos(a)
        | Expr::Tanh(a)
        | Expr::Sigmoid(a)
        | Expr::Softplus(a)
        | Expr::Atan(a)
        | Expr::ExpTanh(a)
        | Expr::SqrtOnePlusSquare(a) => eval(a, inputs).unary(e),
    }
}

const INPUTS: usize = 3;

fn expr() -> impl Strategy<Value = Expr> {
    let leaf = prop_oneof![
        (0..INPUTS).prop_map(Expr::Input),
        (-2.0..2.0f64).prop_map(Expr::Number),
    ];
    leaf.prop_recursive(6, 48, 4, |inner| {
        let b = || inner.clone().prop_map(Box::new);
        prop_oneof![
            (b(), b()).prop_map(|(x, y)| Expr::Add(x, y)),
            (b(), b()).prop_map(|(x, y)| Expr::Sub(x, y)),
            (b(), b()).prop_map(|(x, y)| Expr::Mul(x, y)),
            (b(), b()).prop_map(|(x, y)| Expr::SafeDiv(x, y)),
            (b(), -2.0..2.0f64).prop_map(|(x, k)| Expr::Scale(x, k)),
            b().prop_map(Expr::Sin),
            b().prop_map(Expr::Cos),
            b().prop_map(Expr::Tanh),
            b().prop_map(Expr::Sigmoid),
            b().prop_map(Expr::Softplus),
            b().prop_map(Expr::Atan),
            b().prop_map(Expr::ExpTanh),
            b().prop_map(Expr::SqrtOnePlusSquare),
            prop::collection::vec(inner.clone(), 1..4).prop_map(Expr::Sum),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_compositions_match_finite_differences(
        e in expr(),
        x in prop::collection::vec(-1.5..1.5f64, INPUTS),
    ) {
        // The products can grow large; keep to expressions of moderate size.
        let at = |x: &[f64]| eval(&e, x);
        prop_assume!(at(&x).abs() < 1e6);
        let tape = Tape::new();
        let vars: Vec<Value> = x.iter().map(|&v| tape.var(v)).collect();
        let y = eval(&e, &vars);
        // sigmoid and softplus use overflow-free forms, so allow an ulp or two.
        prop_assert!((y.data() - at(&x)).abs() <= 1e-14 * (1.0 + at(&x).abs()));
        let report = gradcheck(|v| eval(&e, v), &x);
        prop_assert_eq!(report.step(), DEFAULT_STEP);
        prop_assert!(
            report.passes(Tolerance::new(1e-6, 1e-6)),
            "{:?} at {:?}:\n{}", e, x, report
        );
    }
}
