//! The chain rule of each op in one line of math, for the explorer's rule panel.
//!
//! The line is the comment right above the op's arm in the table of local derivatives
//! (`Op::partials` in `src/rules/partials.rs`), read from that file when the crate is built:
//! the panel shows what a reader of the table reads, and an op added to the table with its
//! comment line shows in the panel with nothing more to write. `every_op_has_a_rule_line`
//! names any op of `Op::ALL` whose arm has no such line.

use crate::rules::Op;

/// The table's source.
const TABLE: &str = include_str!("../../rules/partials.rs");

/// The table's line for `op`: the comment line just above the arm of `Op::partials` whose
/// pattern names the op (`Max | Min => {` names both). `None` for the leaves (`var`,
/// `const`), whose sweep ends without a rule, and for an op whose arm has no comment line.
pub(crate) fn rule(op: Op) -> Option<&'static str> {
    if matches!(op, Op::Var | Op::Const) {
        return None;
    }
    let name = format!("{op:?}");
    let mut comment = None;
    for line in TABLE.lines().map(str::trim_start) {
        if let Some(text) = line.strip_prefix("// ") {
            comment = Some(text);
            continue;
        }
        if let Some((pattern, _)) = line.split_once("=>") {
            if pattern.split('|').any(|p| p.trim() == name) {
                return comment;
            }
        }
        comment = None;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{TABLE, rule};
    use crate::Tape;
    use crate::rules::Op;

    #[test]
    fn every_op_has_a_rule_line() {
        let missing: Vec<String> = Op::ALL
            .into_iter()
            .filter(|op| !matches!(op, Op::Var | Op::Const) && rule(*op).is_none())
            .map(|op| format!("Op::{op:?}"))
            .collect();
        assert!(
            missing.is_empty(),
            "no rule line for {}: the explorer's rule panel shows the comment line right \
             above an op's arm in `Op::partials` (src/rules/partials.rs); write the op's math \
             there, as the other arms do (`// y = tanh(a)               dy/da = 1 - y²`)",
            missing.join(", ")
        );
    }

    #[test]
    fn every_rule_line_is_a_comment_line_of_the_table() {
        let comments: Vec<&str> = TABLE
            .lines()
            .filter_map(|l| l.trim_start().strip_prefix("// "))
            .collect();
        for op in Op::ALL {
            if let Some(line) = rule(op) {
                assert!(comments.contains(&line), "{op:?}: {line}");
            }
        }
    }

    #[test]
    fn ops_as_values_record_them_find_their_rules() {
        let tape = Tape::new();
        let x = tape.var(2.0);
        let y = tape.var(3.0);
        let made = [
            (x * y, "y = a * b"),
            (x * 3.0, "y = a * k"),
            (10.0 / x, "y = k / a"),
            (1.0 - x, "y = k - a"),
            (x - 1.0, "y = a + k"),
            (x.powi(3), "y = a^n"),
            (x.powf(0.5), "y = a^k"),
            (x.pow(y), "y = a^b"),
            (x.min(y), "y = max(a, b)"),
            (x.max(0.0), "y = max(a, k), min(a, k)"),
            (x.log(2.0), "y = log_k(a)"),
            (x.clamp(0.0, 1.0), "y = clamp(a, lo, hi)"),
            (x.floor(), "Piecewise constant"),
            // Operands evenly spaced on the tape make a strided sum, which reads no list.
            (tape.sum([x, y]), "y = a_f + a_{f+s} + ..."),
            (tape.sum([y, x, y]), "y = a_1 + ... + a_n"),
        ];
        for (value, start) in made {
            let node = value.graph().nodes().last().unwrap().clone();
            let line = rule(node.code).unwrap_or_else(|| panic!("no rule for `{}`", node.op()));
            assert!(line.starts_with(start), "`{}` found `{line}`", node.op());
        }
        assert_eq!(rule(Op::Var), None);
        assert_eq!(rule(Op::Const), None);
    }
}
