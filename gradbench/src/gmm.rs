//! `gmm`: the log posterior of a Gaussian mixture with a Wishart prior on its precision
//! matrices (`objective`), and its gradient by the mixture's weights, means and precision
//! factors (`jacobian`): one recording on a reused tape and one backward sweep.

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use tapegrad::{Tape, ln_gamma};

use crate::fused::Fused;
use crate::protocol::{Evaluated, input, no_function, timed};
use crate::reverse::gradient;

#[derive(Deserialize)]
struct Input {
    d: usize,
    k: usize,
    n: usize,
    x: Vec<Vec<f64>>,
    m: usize,
    gamma: f64,
    alpha: Vec<f64>,
    mu: Vec<Vec<f64>>,
    q: Vec<Vec<f64>>,
    l: Vec<Vec<f64>>,
}

/// The gradient, shaped as the input's independent variables.
#[derive(Serialize)]
struct Gradient {
    alpha: Vec<f64>,
    mu: Vec<Vec<f64>>,
    q: Vec<Vec<f64>>,
    l: Vec<Vec<f64>>,
}

/// What the objective needs besides the parameters: the data, the prior, and where the
/// strictly lower triangle of each factor `Q` sits in `l`.
pub struct Mixture {
    d: usize,
    k: usize,
    n: usize,
    /// The points, `n x d`, row after row.
    x: Vec<f64>,
    /// The Wishart prior's extra degrees of freedom `m` and precision `gamma`.
    m: usize,
    gamma: f64,
    /// The index in `l_k` of each entry of `Q`'s strictly lower triangle, row after row (row
    /// `j`'s `j` entries, left to right). `l_k` fills the triangle column by column, but
    /// `Q (x - μ)` takes it row by row: with this permutation, computed once here, the
    /// objective lays each `Q_k` out by rows (see `shifted_rows`), and each entry of
    /// `Q (x - μ)` is one dot product of two contiguous slices.
    lower_by_rows: Vec<usize>,
}

impl Mixture {
    pub fn new(d: usize, k: usize, x: Vec<f64>, m: usize, gamma: f64) -> Self {
        // Column `c` of the triangle holds `d - 1 - c` entries, so it starts after
        // `c (d - 1) - c (c - 1) / 2` of them.
        let column_start = |c: usize| c * (d - 1) - c * c.saturating_sub(1) / 2;
        let lower_by_rows = (0..d)
            .flat_map(|row| (0..row).map(move |column| (row, column)))
            .map(|(row, column)| column_start(column) + row - column - 1)
            .collect();
        Mixture {
            d,
            k,
            n: x.len() / d.max(1),
            x,
            m,
            gamma,
            lower_by_rows,
        }
    }

    fn lower_len(&self) -> usize {
        self.d * (self.d - 1) / 2
    }
}

/// The log posterior `log p(X | θ, φ) + log p(θ)`, as GradBench's specification simplifies it:
/// with `β_ik = α_k + Σ_j q_kj - ½ |Q_k (x_i - μ_k)|²`,
///
/// `-N (D/2 log 2π + lse(α)) + Σ_i lse(β_i)
///  + K (nD log(γ/√2) - log Γ_D(n/2)) - Σ_k (γ²/2 |Q_k|_F² - m Σ_j q_kj)`
///
/// with `n = D + m + 1` and `Q_k` lower triangular, `exp(q_k)` on its diagonal and `l_k`
/// below it. `mu`, `q` are `k x d` and `l` is `k x d(d-1)/2`, row after row.
pub fn objective<S: Fused>(g: &Mixture, alpha: &[S], mu: &[S], q: &[S], l: &[S]) -> S {
    let (d, k, n) = (g.d, g.k, g.n);
    let q_diag: Vec<S> = q.iter().map(|q| q.exp()).collect();
    let sum_q: Vec<S> = q.chunks(d).map(|qk| qk.iter().copied().sum()).collect();
    // -2 (α_k + Σ_j q_kj), from which each point's -2 β_ik = |Q_k (x_i - μ_k)|² - 2 (α_k +
    // Σ_j q_kj) is one chain of multiply-adds (the -1/2 goes with logsumexp's shift).
    let minus_twice_offset: Vec<S> = alpha
        .iter()
        .zip(&sum_q)
        .map(|(&a, &s)| (a + s) * -2.0)
        .collect();

    let rows = shifted_rows(g, &q_diag, l, mu);

    let mut one_x = vec![1.0; d + 1];
    let mut q_centered = Vec::with_capacity(d);
    let mut minus_twice_beta = Vec::with_capacity(k);
    let points = g.x.chunks(d);
    let sum_lse_beta: S = points
        .map(|x| {
            one_x[1..].copy_from_slice(x);
            minus_twice_beta.clear();
            for (mut rows, &start) in rows.chunks(d * (d + 3) / 2).zip(&minus_twice_offset) {
                // Q (x - μ) = Q x - Q μ, row by row: row `j` (from 1) is the next `j + 1`
                // factors, -(Q μ)_j and then Q's, against 1 and the first `j` entries of x.
                q_centered.clear();
                for j in 1..=d {
                    let (row, rest) = rows.split_at(j + 1);
                    q_centered.push(short_dot_numbers(row, &one_x[..=j]));
                    rows = rest;
                }
                minus_twice_beta.push(plus_squared_norm(start, &q_centered));
            }
            logsumexp_of_minus_halves(&minus_twice_beta)
        })
        .sum();
    let constant = -(n as f64) * d as f64 * 0.5 * (2.0 * std::f64::consts::PI).ln();
    let likelihood = sum_lse_beta - logsumexp(alpha) * n as f64 + constant;
    likelihood + log_wishart_prior(g, &q_diag, &sum_q, l)
}

/// `start + z · z`: up to four terms as a chain of `mul_add`s, longer ones as one
/// `Fused::dot` and an addition. On a tape a dot is a variadic node, slower to record than a
/// few fixed-size ones: at d = 2 chains made the gradient 1.3x as fast, but chains of up to
/// 9 or 25 terms made it slower at d = 10 and 20.
fn plus_squared_norm<S: Fused>(start: S, z: &[S]) -> S {
    if z.len() > 4 {
        return S::dot(z, z) + start;
    }
    z.iter().fold(start, |total, &z| z.mul_add(z, total))
}

/// `a · c` for `c_0 = 1`: up to four terms as a chain of `mul_add`s from `a_0`, longer ones
/// as one `Fused::dot_numbers` (see `plus_squared_norm`).
fn short_dot_numbers<S: Fused>(a: &[S], c: &[f64]) -> S {
    debug_assert_eq!(c[0], 1.0, "the chain starts from a_0 alone");
    if a.len() > 4 {
        return S::dot_numbers(a, c);
    }
    a[1..]
        .iter()
        .zip(&c[1..])
        .fold(a[0], |total, (&a, &c)| a.mul_add(c, total))
}

/// Each `Q_k` row after row, each row `j` (from 1) led by `-(Q_k μ_k)_j`: `[-(Q μ)_j, Q_j1,
/// ..., Q_jj]`, the diagonal entry last, so that `(Q (x - μ))_j` is one dot product with
/// `[1, x_1, ..., x_j]`, and `Q μ`, the same for every point, is computed once a call.
/// `k` runs of `d (d + 3) / 2`.
fn shifted_rows<S: Fused>(g: &Mixture, q_diag: &[S], l: &[S], mu: &[S]) -> Vec<S> {
    let (d, l_len) = (g.d, g.lower_len());
    let mut rows = Vec::with_capacity(g.k * d * (d + 3) / 2);
    let mut row = Vec::with_capacity(d);
    for ik in 0..g.k {
        let (q_diag, l, mu) = (
            &q_diag[ik * d..][..d],
            &l[ik * l_len..][..l_len],
            &mu[ik * d..][..d],
        );
        let mut lower = g.lower_by_rows.iter();
        for (j, &diagonal) in q_diag.iter().enumerate() {
            row.clear();
            row.extend(lower.by_ref().take(j).map(|&index| l[index]));
            row.push(diagonal);
            rows.push(-S::dot(&row, &mu[..=j]));
            rows.extend_from_slice(&row);
        }
    }
    rows
}

/// `K (nD log(γ/√2) - log Γ_D(n/2)) - Σ_k (γ²/2 |Q_k|_F² - m Σ_j q_kj)`.
fn log_wishart_prior<S: Fused>(g: &Mixture, q_diag: &[S], sum_q: &[S], l: &[S]) -> S {
    let (d, k, l_len) = (g.d, g.k, g.lower_len());
    let n = (d + g.m + 1) as f64;
    let constant =
        n * d as f64 * (g.gamma.ln() - 0.5 * 2f64.ln()) - log_multivariate_gamma(0.5 * n, d);
    let per_component: Vec<S> = (0..k)
        .map(|ik| {
            let diagonal = &q_diag[ik * d..][..d];
            let mut frobenius = S::dot(diagonal, diagonal);
            if l_len > 0 {
                let lower = &l[ik * l_len..][..l_len];
                frobenius += S::dot(lower, lower);
            }
            frobenius * (0.5 * g.gamma * g.gamma) - sum_q[ik] * g.m as f64
        })
        .collect();
    -per_component.iter().copied().sum::<S>() + k as f64 * constant
}

/// `log Σ exp(v_i)`, shifted by the largest `v_i` so that no exponential overflows. The shift
/// is a number (it cancels: the value and every derivative are those without it).
fn logsumexp<S: Fused>(v: &[S]) -> S {
    let largest = v.iter().map(|x| x.data()).fold(f64::NEG_INFINITY, f64::max);
    v.iter().map(|&x| (x - largest).exp()).sum::<S>().ln() + largest
}

/// `log Σ exp(-v_i / 2)`, as `logsumexp` of the `-v_i / 2`, each halved with its shift in
/// one multiply-add.
fn logsumexp_of_minus_halves<S: Fused>(v: &[S]) -> S {
    let largest = v
        .iter()
        .map(|x| -0.5 * x.data())
        .fold(f64::NEG_INFINITY, f64::max);
    let sum: S = v.iter().map(|&x| x.mul_add(-0.5, -largest).exp()).sum();
    sum.ln() + largest
}

/// `log Γ_p(a) = p(p-1)/4 log π + Σ_{j=1..p} log Γ(a + (1-j)/2)`, the multivariate gamma
/// function's logarithm.
fn log_multivariate_gamma(a: f64, p: usize) -> f64 {
    let p_f = p as f64;
    0.25 * p_f * (p_f - 1.0) * std::f64::consts::PI.ln()
        + (1..=p)
            .map(|j| ln_gamma(a + 0.5 * (1.0 - j as f64)))
            .sum::<f64>()
}

pub fn evaluate(function: &str, json: &Json) -> Result<Evaluated, String> {
    let (inp, runs) = input::<Input>(json)?;
    let (d, k) = (inp.d, inp.k);
    if inp.x.len() != inp.n || d == 0 || k == 0 {
        return Err(format!(
            "gmm: {} points for n = {}, d = {d}, k = {k}",
            inp.x.len(),
            inp.n
        ));
    }
    let flat = |rows: &[Vec<f64>]| rows.concat();
    let (mu, q, l) = (flat(&inp.mu), flat(&inp.q), flat(&inp.l));
    let mixture = Mixture::new(d, k, flat(&inp.x), inp.m, inp.gamma);
    let alpha = inp.alpha;
    match function {
        "objective" => timed(runs, || objective(&mixture, &alpha, &mu, &q, &l)),
        "jacobian" => {
            // The four groups of parameters one after another, as the objective splits them.
            let params: Vec<f64> = [&alpha, &mu, &q, &l]
                .into_iter()
                .flatten()
                .copied()
                .collect();
            let mut tape = Tape::new();
            timed(runs, || {
                let g = gradient(&mut tape, &params, |p| {
                    let (alpha, rest) = p.split_at(k);
                    let (mu, rest) = rest.split_at(k * d);
                    let (q, l) = rest.split_at(k * d);
                    objective(&mixture, alpha, mu, q, l)
                });
                let (alpha, rest) = g.split_at(k);
                let (mu, rest) = rest.split_at(k * d);
                let (q, l) = rest.split_at(k * d);
                let rows = |v: &[f64], width: usize| -> Vec<Vec<f64>> {
                    (0..k)
                        .map(|i| v[i * width..(i + 1) * width].to_vec())
                        .collect()
                };
                Gradient {
                    alpha: alpha.to_vec(),
                    mu: rows(mu, d),
                    q: rows(q, d),
                    l: rows(l, d * (d - 1) / 2),
                }
            })
        }
        _ => Err(no_function("gmm", function)),
    }
}

#[cfg(test)]
mod reference_tests {
    //! Against GradBench's hand-written reference (its `manual` tool) on a small input.
    use crate::protocol::assert_evaluates_to;

    const INPUT: &str = r#"{"d":3,"k":2,"n":3,"x":[[0.5,-1.0,0.25],[1.5,0.5,-0.75],[-0.3,0.8,1.1]],"m":1,"gamma":1.5,"alpha":[0.2,-0.4],"mu":[[0.1,0.2,0.3],[-0.5,0.4,0.0]],"q":[[0.1,-0.2,0.3],[0.0,0.25,-0.1]],"l":[[0.5,-0.3,0.2],[0.1,0.4,-0.6]]}"#;

    #[test]
    fn objective_matches_the_reference() {
        let expected = r#"-22.813612827599595"#;
        assert_evaluates_to(super::evaluate, "objective", INPUT, expected, 1e-9);
    }

    #[test]
    fn jacobian_matches_the_reference() {
        let expected = r#"{"alpha":[-0.06642784128832346,0.06642784128832391],"l":[[-1.2563098333543394,2.0519294633207092,-1.1688618439988323],[-0.6175432954619183,-1.113256678565183,1.27429652513946]],"mu":[[0.8334430014909002,-0.27050981005299174,-0.4920532319173917],[1.6180234579705546,0.2030020363047757,0.4378530503255342]],"q":[[-1.064044073606726,0.46091254903855006,-2.9635455677813947],[-2.685819013925776,-1.8562976790016115,-0.08451944979385173]]}"#;
        assert_evaluates_to(super::evaluate, "jacobian", INPUT, expected, 1e-9);
    }
}
