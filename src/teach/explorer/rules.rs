//! The chain rule of each op in one line of math, for the explorer's rule panel.
//!
//! Each line is the comment of the op's arm in the rule tables (`Op::partials` in
//! `src/rules/partials.rs`, `Op::backprop` in `src/rules/backprop.rs` for the fused nodes),
//! read from those files when the crate is built: this file only says
//! which line is whose, by the line's start (`y = cbrt(a)`). They are keyed by the op as
//! [`Node::op`](super::super::Node::op) prints it, which folds a node's constants into the
//! name (`* 3`, `10 /`, `^2`), so the key's shape tells apart ops that share a name.

/// The rule-table line of the op that [`Node::op`](super::super::Node::op) prints as `op`;
/// `None` for the leaves (`var`, `const`), whose sweep ends without a rule.
pub(crate) fn rule(op: &str) -> Option<&'static str> {
    let start = line_start(op)?;
    // The line's formula for `y`, up to the gap before its derivatives.
    let head = start.split("  ").next().unwrap_or(start);
    RULE_TABLES
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("// "))
        .find(|l| {
            l.starts_with(head) && (l.len() == head.len() || l[head.len()..].starts_with("  "))
        })
}

/// The two files whose arms' comments are the rule lines.
const RULE_TABLES: &str = concat!(
    include_str!("../../rules/partials.rs"),
    include_str!("../../rules/backprop.rs")
);

/// The start of the rule-table line of `op` (see [`rule`]).
fn line_start(op: &str) -> Option<&'static str> {
    if let Some(exponent) = op.strip_prefix('^') {
        // `powi` and `powf` print the same; an integer exponent reads as `powi`'s line.
        let integer = exponent.parse::<f64>().is_ok_and(|k| k.fract() == 0.0);
        return Some(if integer { POWI } else { POWF });
    }
    if op.starts_with("log base ") {
        return Some("y = log_k(a)              dy/da = 1 / (a ln k)");
    }
    if op.starts_with("leaky_relu ") {
        return Some("y = a or k a              dy/da = 1 for a > 0, else k");
    }
    if op.starts_with("clamp ") {
        return Some("y = clamp(a, lo, hi)      dy/da = 1 for lo <= a <= hi, else 0");
    }
    // A constant stands after the op sign (`+ 1`, `* 3`, `/ 2`) or before it (`1 -`, `10 /`).
    if let Some((sign, _)) = op.split_once(' ').filter(|(s, _)| is_sign(s)) {
        return match sign {
            "+" => Some("y = a + k                 dy/da = 1"),
            "*" => Some("y = a * k                 dy/da = k"),
            "/" => Some("y = a / k                 dy/da = 1/k"),
            _ => None,
        };
    }
    if let Some((_, sign)) = op.rsplit_once(' ').filter(|(_, s)| is_sign(s)) {
        return match sign {
            "-" => Some("y = k - a                 dy/da = -1"),
            "/" => Some("y = k / a                 dy/da = -k/a² = -y/a"),
            _ => None,
        };
    }
    let line = match op {
        "+" => "y = a + b                 dy/da = 1, dy/db = 1",
        "-" => "y = a - b                 dy/da = 1, dy/db = -1",
        "*" => "y = a * b                 dy/da = b, dy/db = a",
        "/" => "y = a / b                 dy/da = 1/b, dy/db = -a/b² = -y/b",
        "neg" => "y = -a                    dy/da = -1",
        "recip" => "y = 1/a                   dy/da = -1/a² = -y²",
        "pow" => {
            "y = a^b                   dy/da = b a^(b-1), dy/db = ln(a) y   (0 at a = 0, b >= 0)"
        }
        "sqrt" => "y = sqrt(a)               dy/da = 1 / (2 y)   (+inf at 0, NaN below)",
        "cbrt" => "y = cbrt(a)               dy/da = 1 / (3 y²)",
        "exp" => "y = e^a                   dy/da = e^a = y",
        "exp2" => "y = 2^a                   dy/da = ln(2) y",
        "exp_m1" => "y = e^a - 1               dy/da = e^a = y + 1",
        "ln" => "y = ln(a)                 dy/da = 1/a   (NaN for a < 0)",
        "log2" => "y = log2(a)               dy/da = 1 / (a ln 2)",
        "log10" => "y = log10(a)              dy/da = 1 / (a ln 10)",
        "ln_1p" => "y = ln(1 + a)             dy/da = 1 / (1 + a)",
        "sin" => "y = sin(a)                dy/da = cos(a)",
        "cos" => "y = cos(a)                dy/da = -sin(a)",
        "tan" => "y = tan(a)                dy/da = 1 + tan(a)² = 1 + y²",
        "asin" => "y = asin(a)               dy/da = 1 / sqrt(1 - a²)",
        "acos" => "y = acos(a)               dy/da = -1 / sqrt(1 - a²)",
        "atan" => "y = atan(a)               dy/da = 1 / (1 + a²)",
        "atan2" => "y = atan2(a, b)           dy/da = b / (a² + b²), dy/db = -a / (a² + b²)",
        "sinh" => "y = sinh(a)               dy/da = cosh(a)",
        "cosh" => "y = cosh(a)               dy/da = sinh(a)",
        "tanh" => "y = tanh(a)               dy/da = 1 - tanh(a)² = 1 - y²",
        "asinh" => "y = asinh(a)              dy/da = 1 / sqrt(a² + 1)",
        "acosh" => "y = acosh(a)              dy/da = 1 / sqrt(a² - 1)",
        "atanh" => "y = atanh(a)              dy/da = 1 / (1 - a²)   (NaN for |a| > 1)",
        "hypot" => "y = sqrt(a² + b²)         dy/da = a/y, dy/db = b/y",
        "abs" => "y = |a|                   dy/da = sign(a), 0 at a = 0",
        // `min` shares `max`'s arm and its line.
        "max" | "min" => "y = max(a, b)             dy/da = 1 where a wins, 1/2 each on a tie",
        "mul_add" => "y = a * b + c             dy/da = b, dy/db = a, dy/dc = 1",
        "relu" => "y = max(a, 0)             dy/da = 1 for a > 0, else 0 (0 at a = 0)",
        "sigmoid" => "y = 1 / (1 + e^-a)        dy/da = y (1 - y)",
        "softplus" => "y = ln(1 + e^a)           dy/da = sigmoid(a)",
        "statement" => {
            "y = f(a_1, ..., a_n)      dy/da_i = p_i, the partials recorded with the node"
        }
        "signum" | "floor" | "ceil" | "round" | "trunc" => {
            "Piecewise constant: dy/da = 0 wherever it is defined."
        }
        // A strided sum prints as `sum` too; the plain sum's line says the same.
        "sum" => "y = a_1 + ... + a_n       dy/da_i = 1",
        "dot" => "y = a·b                   dy/da_i = b_i, dy/db_i = a_i",
        "dot_const" => "y = a·k                   dy/da_i = k_i, the numbers stored with the node",
        "affine" => "y = w·x + bias            dy/dw_i = x_i, dy/dx_i = w_i, dy/dbias = 1",
        "affine+relu" => "y = relu(z), z = w·x + b  dy/dz = 1 for y > 0, else 0; then as Affine",
        "affine+tanh" => "y = tanh(z), z = w·x + b  dy/dz = 1 - y²; then as Affine",
        "affine+sigmoid" => "y = sigmoid(z)            dy/dz = y (1 - y); then as Affine",
        _ => return None,
    };
    Some(line)
}

const POWI: &str = "y = a^n                   dy/da = n a^(n-1)   (0 when n = 0, even at a = 0)";
const POWF: &str = "y = a^k                   dy/da = k a^(k-1)   (0 when k = 0, even at a = 0)";

fn is_sign(s: &str) -> bool {
    matches!(s, "+" | "-" | "*" | "/")
}

#[cfg(test)]
mod tests {
    use super::rule;
    use crate::Tape;

    /// The rule table's comment lines, without their `// `.
    fn table_lines() -> Vec<&'static str> {
        super::RULE_TABLES
            .lines()
            .filter_map(|l| l.trim_start().strip_prefix("// "))
            .collect()
    }

    #[test]
    fn every_rule_line_is_a_comment_of_the_rule_table() {
        let table = table_lines();
        let ops = [
            "+",
            "-",
            "*",
            "/",
            "+ 1",
            "* 3",
            "/ 2",
            "1 -",
            "10 /",
            "^2",
            "^0.5",
            "pow",
            "neg",
            "recip",
            "sqrt",
            "cbrt",
            "exp",
            "exp2",
            "exp_m1",
            "ln",
            "log2",
            "log10",
            "log base 3",
            "ln_1p",
            "sin",
            "cos",
            "tan",
            "asin",
            "acos",
            "atan",
            "atan2",
            "sinh",
            "cosh",
            "tanh",
            "asinh",
            "acosh",
            "atanh",
            "hypot",
            "abs",
            "max",
            "min",
            "clamp [0, 1]",
            "mul_add",
            "relu",
            "leaky_relu 0.01",
            "sigmoid",
            "softplus",
            "signum",
            "floor",
            "sum",
            "dot",
            "dot_const",
            "affine",
            "affine+relu",
            "affine+tanh",
            "affine+sigmoid",
        ];
        for op in ops {
            let line = rule(op).unwrap_or_else(|| panic!("no rule for `{op}`"));
            assert!(
                table.contains(&line),
                "`{op}`: `{line}` is not in the rule table"
            );
        }
    }

    #[test]
    fn ops_as_graphs_print_them_find_their_rules() {
        let tape = Tape::new();
        let x = tape.var(2.0);
        let y = tape.var(3.0);
        let made = [
            (x * 3.0, "y = a * k"),
            (10.0 / x, "y = k / a"),
            (1.0 - x, "y = k - a"),
            (x - 1.0, "y = a + k"),
            (x.powi(3), "y = a^n"),
            (x.powf(0.5), "y = a^k"),
            (x.pow(y), "y = a^b"),
            (x / y, "y = a / b"),
            (x.log(2.0), "y = log_k(a)"),
            (x.clamp(0.0, 1.0), "y = clamp(a, lo, hi)"),
        ];
        for (value, start) in made {
            let op = value.graph().nodes().last().unwrap().op().to_owned();
            let line = rule(&op).unwrap_or_else(|| panic!("no rule for `{op}`"));
            assert!(line.starts_with(start), "`{op}` found `{line}`");
        }
        assert_eq!(rule("var"), None);
        assert_eq!(rule("const"), None);
    }
}
