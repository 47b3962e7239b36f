//! `det`: the determinant of an `ℓ x ℓ` matrix by expansion along the first row, recursively
//! (`primal`), and its gradient by every entry (`gradient`): one recording on a reused tape
//! and one backward sweep.

use serde::Deserialize;
use serde_json::Value as Json;
use tapegrad::Tape;

use crate::fused::Fused;
use crate::protocol::{Evaluated, input, no_function, timed};
use crate::reverse::gradient;

#[derive(Deserialize)]
#[allow(non_snake_case)]
struct Input {
    A: Vec<f64>,
    ell: usize,
}

/// The matrix and what the expansion needs: `a` row after row, its negation (the terms of
/// odd columns enter with a minus sign), and for each minor size the scratch for its first
/// row and its sub-minors' determinants.
struct Expansion<'a, S> {
    ell: usize,
    a: &'a [S],
    negated: &'a [S],
    /// The rows and columns still in the minor, as linked lists: `rows[i]` is the row after
    /// row `i`, `rows[ell]` the first (and the same for columns), so that taking a row or
    /// column out and putting it back is one link each.
    rows: Vec<usize>,
    columns: Vec<usize>,
    scratch: Vec<(Vec<S>, Vec<S>)>,
}

impl<S: Fused> Expansion<'_, S> {
    /// The determinant of the `m x m` minor the linked lists describe:
    /// `Σ_j (-1)^j M_0j det(S_j)`, with `S_j` the minor without its row 0 and column `j`.
    fn det_of_minor(&mut self, m: usize) -> S {
        let ell = self.ell;
        let r0 = self.rows[ell];
        let mut cj = self.columns[ell];
        if m == 1 {
            return self.a[r0 * ell + cj];
        }
        let (mut first_row, mut sub_dets) = std::mem::take(&mut self.scratch[m]);
        first_row.clear();
        sub_dets.clear();
        // Take row 0 out for every sub-minor.
        self.rows[ell] = self.rows[r0];
        let mut previous = ell;
        for j in 0..m {
            let entry = if j % 2 == 0 { self.a } else { self.negated };
            first_row.push(entry[r0 * ell + cj]);
            // Take column j out, expand, put it back.
            self.columns[previous] = self.columns[cj];
            sub_dets.push(self.det_of_minor(m - 1));
            self.columns[previous] = cj;
            previous = cj;
            cj = self.columns[cj];
        }
        self.rows[ell] = r0;
        let det = S::dot(&first_row, &sub_dets);
        self.scratch[m] = (first_row, sub_dets);
        det
    }
}

/// The determinant of `a` (`ell x ell`, row after row) by expansion in minors.
pub fn primal<S: Fused>(a: &[S], ell: usize) -> S {
    let negated: Vec<S> = a.iter().map(|&x| -x).collect();
    let mut expansion = Expansion {
        ell,
        a,
        negated: &negated,
        rows: (1..=ell).chain([0]).collect(),
        columns: (1..=ell).chain([0]).collect(),
        scratch: (0..=ell)
            .map(|m| (Vec::with_capacity(m), Vec::with_capacity(m)))
            .collect(),
    };
    expansion.det_of_minor(ell)
}

pub fn evaluate(function: &str, json: &Json) -> Result<Evaluated, String> {
    let (inp, runs) = input::<Input>(json)?;
    let (a, ell) = (inp.A, inp.ell);
    if ell == 0 || a.len() != ell * ell {
        return Err(format!("det: {} entries for ell = {ell}", a.len()));
    }
    match function {
        "primal" => timed(runs, || primal(&a, ell)),
        "gradient" => {
            let mut tape = Tape::new();
            timed(runs, || gradient(&mut tape, &a, |xv| primal(xv, ell)))
        }
        _ => Err(no_function("det", function)),
    }
}

#[cfg(test)]
mod reference_tests {
    //! Against GradBench's hand-written reference (its `manual` tool) on a small input.
    use crate::protocol::assert_evaluates_to;

    const INPUT: &str =
        r#"{"A":[2.0,-1.0,0.5,3.0,1.0,4.0,-2.0,0.25,1.5,2.0,-3.0,1.0,0.5,1.0,2.0,-1.0],"ell":4}"#;

    #[test]
    fn primal_matches_the_reference() {
        let expected = r#"36.1875"#;
        assert_evaluates_to(super::evaluate, "primal", INPUT, expected, 1e-9);
    }

    #[test]
    fn gradient_matches_the_reference() {
        let expected = r#"[-0.25,1.875,5.125,12.0,-21.5,16.5,6.5,18.75,30.625,-12.5625,-12.625,-22.5,24.5,-2.8125,4.375,-18.0]"#;
        assert_evaluates_to(super::evaluate, "gradient", INPUT, expected, 1e-9);
    }
}
