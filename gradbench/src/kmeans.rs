//! `kmeans`: the k-means cost `Σ_i min_j |c_j - p_i|²` (`cost`), and the Newton direction
//! `J H⁻¹` for the centroids (`dir`), `J` the gradient and `H` the Hessian.
//!
//! Each coordinate of a centroid enters the cost only through its own square, so `H` is
//! diagonal, and a diagonal is what one Hessian-vector product with a vector of ones gives:
//! `(H 1)_j = Σ_k H_jk = H_jj`. So `dir` records the cost once, records its gradient with
//! [`tapegrad::Value::gradient`] (reverse over reverse), and runs one backward sweep from the
//! sum of the gradient's entries, which leaves `H 1` on the centroids.

use serde::Deserialize;
use serde_json::Value as Json;
use tapegrad::Tape;

use crate::fused::Fused;
use crate::protocol::{Evaluated, input, no_function, timed};

#[derive(Deserialize)]
struct Input {
    points: Vec<Vec<f64>>,
    centroids: Vec<Vec<f64>>,
}

/// `Σ_i min_j |c_j - p_i|²`, for `points` and `centroids` of dimension `d`, row after row.
///
/// The closest centroid to each point is found on plain numbers, and only its distance is
/// computed on `S`: the minimum's derivatives (first and second) are those of the distance it
/// picks, so on a tape the other `k - 1` distances would be recorded for nothing. Every
/// distance is still computed at every call. On a tie the first closest centroid takes the
/// point, where `S::min` would share the derivative between them.
pub fn cost<S: Fused>(points: &[f64], centroids: &[S], d: usize) -> S {
    let numbers: Vec<f64> = centroids.iter().map(|c| c.data()).collect();
    let mut difference = Vec::with_capacity(d);
    points
        .chunks(d)
        .map(|p| {
            let c = &centroids[closest(p, &numbers, d) * d..][..d];
            difference.clear();
            difference.extend(c.iter().zip(p).map(|(&c, &p)| c - p));
            S::dot(&difference, &difference)
        })
        .sum()
}

/// The row of `centroids` (numbers, `d` a row) nearest to `p`, the first of equals.
fn closest(p: &[f64], centroids: &[f64], d: usize) -> usize {
    let (mut nearest, mut smallest) = (0, f64::INFINITY);
    for (j, c) in centroids.chunks(d).enumerate() {
        let distance: f64 = c.iter().zip(p).map(|(c, p)| (c - p) * (c - p)).sum();
        if distance < smallest {
            (nearest, smallest) = (j, distance);
        }
    }
    nearest
}

pub fn evaluate(function: &str, json: &Json) -> Result<Evaluated, String> {
    let (inp, runs) = input::<Input>(json)?;
    let d = inp.points.first().map_or(0, Vec::len);
    if d == 0
        || inp.centroids.is_empty()
        || inp
            .centroids
            .iter()
            .chain(&inp.points)
            .any(|p| p.len() != d)
    {
        return Err("kmeans: needs points and centroids of one dimension".into());
    }
    let (points, centroids) = (inp.points.concat(), inp.centroids.concat());
    match function {
        "cost" => timed(runs, || cost(&points, &centroids, d)),
        "dir" => {
            let mut tape = Tape::new();
            timed(runs, || {
                tape.clear();
                let cv: Vec<_> = centroids.iter().map(|&c| tape.var(c)).collect();
                let gradient = cost(&points, &cv, d).gradient(&cv);
                tape.sum(gradient.iter().copied()).backward();
                let direction: Vec<f64> = gradient
                    .iter()
                    .zip(&cv)
                    .map(|(g, c)| g.data() / c.grad())
                    .collect();
                direction.chunks(d).map(<[f64]>::to_vec).collect::<Vec<_>>()
            })
        }
        _ => Err(no_function("kmeans", function)),
    }
}

#[cfg(test)]
mod reference_tests {
    //! Against GradBench's hand-written reference (its `manual` tool) on a small input.
    use crate::protocol::assert_evaluates_to;

    const INPUT: &str = r#"{"points":[[0.1,0.2],[0.9,0.8],[0.15,0.3],[0.7,0.9],[0.5,0.4]],"centroids":[[0.7,0.9],[0.5,0.4]]}"#;

    #[test]
    fn cost_matches_the_reference() {
        let expected = r#"0.38250000000000006"#;
        assert_evaluates_to(super::evaluate, "cost", INPUT, expected, 1e-9);
    }

    #[test]
    fn dir_matches_the_reference() {
        let expected = r#"[[-0.10000000000000009,0.04999999999999993],[0.25,0.10000000000000003]]"#;
        assert_evaluates_to(super::evaluate, "dir", INPUT, expected, 1e-9);
    }
}
