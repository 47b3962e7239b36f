//! What the tables are made of: the edge points, how a row is observed through `backward`
//! and `gradient`, and how an observation is compared with a closed form.

use tapegrad::{Tape, Value};

// Short names for the special values, which fill the tables.
pub const INF: f64 = f64::INFINITY;
pub const NEG_INF: f64 = f64::NEG_INFINITY;
pub const NAN: f64 = f64::NAN;

/// The edge points every op is checked at.
pub const POINTS: [f64; 11] = [
    0.0, -0.0, 1e-300, -1e-300, 1e300, -1e300, 1.0, -1.0, INF, NEG_INF, NAN,
];

pub type Unary = for<'t> fn(Value<'t>) -> Value<'t>;
pub type Binary = for<'t> fn(Value<'t>, Value<'t>) -> Value<'t>;

/// Whether `actual` is `expected`: NaN is NaN, a zero is a zero (of the stated sign when
/// `signed`), and anything else is equal to within `ulps` units in the last place.
pub fn agrees(expected: f64, actual: f64, ulps: u64, signed: bool) -> bool {
    if expected.is_nan() || actual.is_nan() {
        return expected.is_nan() && actual.is_nan();
    }
    if expected == 0.0 || actual == 0.0 {
        return expected == actual && (!signed || expected.to_bits() == actual.to_bits());
    }
    if expected.is_infinite() || actual.is_infinite() || expected.signum() != actual.signum() {
        return expected == actual;
    }
    expected.to_bits().abs_diff(actual.to_bits()) <= ulps
}

/// Value, derivative by `backward`, derivative by `gradient`, and second derivative of `f`
/// at `x` by `backward` and by `gradient` on the recorded derivative.
pub fn observe_unary(f: Unary, x: f64) -> [f64; 5] {
    let tape = Tape::new();
    let v = tape.var(x);
    let y = f(v);
    y.backward();
    let (value, backward) = (y.data(), v.grad());

    let tape = Tape::new();
    let v = tape.var(x);
    let dy = f(v).gradient(&[v])[0];
    let twice = dy.gradient(&[v])[0].data();
    dy.backward();
    [value, backward, dy.data(), v.grad(), twice]
}

/// One op of one operand: its closed forms and the points where a literal replaces them.
pub struct UnaryRow {
    name: &'static str,
    f: Unary,
    value: fn(f64) -> f64,
    d1: fn(f64) -> f64,
    d2: fn(f64) -> f64,
    /// Units in the last place allowed for finite non-zero expectations (0: exact).
    ulps: u64,
    /// Whether a zero value's sign is the contract's (it is for `f64`'s methods).
    signed_value: bool,
    /// `(x, value, derivative, second derivative)` where the closed form's IEEE evaluation
    /// is not the answer (a limit at ±inf, or a choice of the contract).
    at: &'static [(f64, f64, f64, f64)],
    /// `(x, second derivative)` where `gradient` taken twice differs from `backward` on the
    /// recorded derivative: `backward` passes nothing on from a zero gradient, `gradient`
    /// records `0 · inf = NaN` as PyTorch's double backward does.
    twice_at: &'static [(f64, f64)],
}

/// A row with exact comparison and no literal entries.
pub fn row(
    name: &'static str,
    f: Unary,
    value: fn(f64) -> f64,
    d1: fn(f64) -> f64,
    d2: fn(f64) -> f64,
) -> UnaryRow {
    UnaryRow {
        name,
        f,
        value,
        d1,
        d2,
        ulps: 0,
        signed_value: true,
        at: &[],
        twice_at: &[],
    }
}

impl UnaryRow {
    pub fn ulps(self, ulps: u64) -> Self {
        UnaryRow { ulps, ..self }
    }
    pub fn unsigned_zero_value(self) -> Self {
        UnaryRow {
            signed_value: false,
            ..self
        }
    }
    pub fn at(self, at: &'static [(f64, f64, f64, f64)]) -> Self {
        UnaryRow { at, ..self }
    }
    pub fn twice_at(self, twice_at: &'static [(f64, f64)]) -> Self {
        UnaryRow { twice_at, ..self }
    }

    /// What this row expects at `x`.
    pub fn expected(&self, x: f64) -> [f64; 3] {
        match self.at.iter().find(|p| p.0.to_bits() == x.to_bits()) {
            Some(&(_, value, d1, d2)) => [value, d1, d2],
            None => [(self.value)(x), (self.d1)(x), (self.d2)(x)],
        }
    }

    /// A line for each point where the op differs from this row.
    pub fn mismatches(&self) -> Vec<String> {
        let mut found = Vec::new();
        for x in POINTS {
            let [value, d1, d2] = self.expected(x);
            let [v, back, grad, second, twice] = observe_unary(self.f, x);
            let d2_twice = match self.twice_at.iter().find(|p| p.0.to_bits() == x.to_bits()) {
                Some(&(_, d2_twice)) => d2_twice,
                None => d2,
            };
            let checks = [
                ("value", value, v, self.signed_value),
                ("backward", d1, back, false),
                ("gradient", d1, grad, false),
                ("second derivative by backward", d2, second, false),
                ("second derivative by gradient", d2_twice, twice, false),
            ];
            for (what, want, got, signed) in checks {
                if !agrees(want, got, self.ulps, signed) {
                    found.push(format!(
                        "{} at {x:e}: {what} {got:e}, want {want:e}",
                        self.name
                    ));
                }
            }
        }
        found
    }
}

pub fn check_all(rows: &[UnaryRow]) {
    let found: Vec<String> = rows.iter().flat_map(UnaryRow::mismatches).collect();
    assert!(
        found.is_empty(),
        "{} mismatches:\n{}",
        found.len(),
        found.join("\n")
    );
}

/// `above` for `x > 0`, `at_or_below` for `x <= 0`, NaN for a NaN `x` (which picks no
/// branch).
pub fn branch(x: f64, above: f64, at_or_below: f64) -> f64 {
    if x.is_nan() {
        NAN
    } else if x > 0.0 {
        above
    } else {
        at_or_below
    }
}

/// `d` at and above `edge`, NaN below it (outside the real domain).
pub fn nan_below(x: f64, edge: f64, d: f64) -> f64 {
    if x < edge { NAN } else { d }
}

/// `1 / (1 + e^-x)` at `x`, exactly as a closed form: `(1 + tanh(x/2)) / 2`.
pub fn logistic(x: f64) -> f64 {
    0.5 + 0.5 * (0.5 * x).tanh()
}

/// `sigmoid'(x) = 1 / (4 cosh²(x/2))`, which neither overflows nor cancels.
pub fn logistic_slope(x: f64) -> f64 {
    let c = (0.5 * x).cosh();
    0.25 / (c * c)
}

/// Value, partials by `backward`, partials by `gradient`, and the second partials
/// `[∂²/∂a², ∂²/∂a∂b, ∂²/∂b²]` of `f` at `(a, b)` by `backward` and by `gradient` on the
/// recorded partials.
pub type Observed = (f64, [f64; 2], [f64; 2], [f64; 3], [f64; 3]);
pub fn observe_binary(f: Binary, a: f64, b: f64) -> Observed {
    let tape = Tape::new();
    let (va, vb) = (tape.var(a), tape.var(b));
    let y = f(va, vb);
    y.backward();
    let (value, backward) = (y.data(), [va.grad(), vb.grad()]);

    let tape = Tape::new();
    let (va, vb) = (tape.var(a), tape.var(b));
    let g = f(va, vb).gradient(&[va, vb]);
    let [twice_aa, twice_ab] = [0, 1].map(|i| g[0].gradient(&[va, vb])[i].data());
    let twice_bb = g[1].gradient(&[vb])[0].data();
    g[0].backward();
    let (haa, hab) = (va.grad(), vb.grad());
    let gradient = [g[0].data(), g[1].data()];

    let tape = Tape::new();
    let (va, vb) = (tape.var(a), tape.var(b));
    f(va, vb).gradient(&[va, vb])[1].backward();
    let backward_twice = [haa, hab, vb.grad()];
    let gradient_twice = [twice_aa, twice_ab, twice_bb];
    (value, backward, gradient, backward_twice, gradient_twice)
}

/// One op of two operands: closed forms for its value, partials and second partials.
pub struct BinaryRow {
    name: &'static str,
    f: Binary,
    value: fn(f64, f64) -> f64,
    partials: fn(f64, f64) -> [f64; 2],
    second: fn(f64, f64) -> [f64; 3],
    ulps: u64,
    /// Where the second partials are part of the contract.
    second_pinned: fn(f64, f64) -> bool,
}

/// A row of two operands with exact comparison, every second partial checked.
pub fn binary(
    name: &'static str,
    f: Binary,
    value: fn(f64, f64) -> f64,
    partials: fn(f64, f64) -> [f64; 2],
    second: fn(f64, f64) -> [f64; 3],
) -> BinaryRow {
    BinaryRow {
        name,
        f,
        value,
        partials,
        second,
        ulps: 0,
        second_pinned: |_, _| true,
    }
}

impl BinaryRow {
    pub fn ulps(self, ulps: u64) -> Self {
        BinaryRow { ulps, ..self }
    }
    pub fn second_pinned(self, second_pinned: fn(f64, f64) -> bool) -> Self {
        BinaryRow {
            second_pinned,
            ..self
        }
    }

    /// Each edge point against 0.5 on either side, and against itself (ties, both NaN).
    pub fn mismatches(&self) -> Vec<String> {
        let pairs = POINTS.iter().flat_map(|&p| [(p, 0.5), (0.5, p), (p, p)]);
        let mut found = Vec::new();
        for (a, b) in pairs {
            let (partials, second) = ((self.partials)(a, b), (self.second)(a, b));
            let (value, backward, gradient, hessian, twice) = observe_binary(self.f, a, b);
            let mut check = |what: &str, want: f64, got: f64, signed: bool| {
                if !agrees(want, got, self.ulps, signed) {
                    found.push(format!(
                        "{} at ({a:e}, {b:e}): {what} {got:e}, want {want:e}",
                        self.name
                    ));
                }
            };
            check("value", (self.value)(a, b), value, true);
            for (i, name) in ["a", "b"].into_iter().enumerate() {
                check(
                    &format!("backward d/d{name}"),
                    partials[i],
                    backward[i],
                    false,
                );
                check(
                    &format!("gradient d/d{name}"),
                    partials[i],
                    gradient[i],
                    false,
                );
            }
            if !(self.second_pinned)(a, b) {
                continue;
            }
            for (i, name) in ["aa", "ab", "bb"].into_iter().enumerate() {
                check(
                    &format!("d²/d{name} by backward"),
                    second[i],
                    hessian[i],
                    false,
                );
                check(
                    &format!("d²/d{name} by gradient"),
                    second[i],
                    twice[i],
                    false,
                );
            }
        }
        found
    }
}
