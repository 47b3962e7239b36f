//! `ba`: bundle adjustment. The residuals of `p` observations, each a point seen by a camera
//! (`objective`), and their sparse Jacobian (`jacobian`): each observation's two reprojection
//! residuals depend on 15 numbers only (its camera's 11, its point's 3 and its weight), so
//! one run of the residuals on [`Jet`]s of 15 tangents (forward mode, no tape) gives both
//! rows of its block, as the reference fills its sparse matrix block by block.

use std::ops::Sub;

use serde::Deserialize;
use serde_json::{Value as Json, json};
use tapegrad::{Dual, Jet, Scalar};

use crate::protocol::{Evaluated, input, no_function, repeat};

const CAMERA: usize = 11;
/// Where the camera's parameters sit: rotation (angle-axis), centre, focal length, principal
/// point, radial distortion.
const ROTATION: usize = 0;
const CENTRE: usize = 3;
const FOCAL: usize = 6;
const PRINCIPAL: usize = 7;
const RADIAL: usize = 9;

#[derive(Deserialize)]
struct Input {
    n: usize,
    m: usize,
    p: usize,
    cam: Vec<f64>,
    x: Vec<f64>,
    w: f64,
    feat: Vec<f64>,
}

/// The problem as the reference lays it out from GradBench's input: `n` copies of the
/// camera, `m` of the point, `p` of the weight and the feature, and observation `i` pairing
/// camera `i mod n` with point `i mod m`. Every observation is computed; none is assumed
/// equal to another.
struct Problem {
    n: usize,
    m: usize,
    p: usize,
    cams: Vec<f64>,
    points: Vec<f64>,
    weights: Vec<f64>,
    features: Vec<f64>,
    observations: Vec<[usize; 2]>,
}

impl Problem {
    fn new(inp: &Input) -> Result<Self, String> {
        if inp.cam.len() != CAMERA
            || inp.x.len() != 3
            || inp.feat.len() != 2
            || inp.n == 0
            || inp.m == 0
        {
            return Err("ba: a camera has 11 numbers, a point 3, a feature 2".into());
        }
        Ok(Problem {
            n: inp.n,
            m: inp.m,
            p: inp.p,
            cams: inp.cam.repeat(inp.n),
            points: inp.x.repeat(inp.m),
            weights: vec![inp.w; inp.p],
            features: inp.feat.repeat(inp.p),
            observations: (0..inp.p).map(|i| [i % inp.n, i % inp.m]).collect(),
        })
    }
}

/// `pt` rotated by the angle-axis vector `rot` (Rodrigues' formula); to first order where
/// the angle is zero.
fn rodrigues_rotate<S: Scalar>(rot: &[S], pt: [S; 3]) -> [S; 3]
where
    f64: Sub<S, Output = S>,
{
    let squared_angle = rot[0] * rot[0] + rot[1] * rot[1] + rot[2] * rot[2];
    if squared_angle != 0.0 {
        let angle = squared_angle.sqrt();
        let (sin, cos) = angle.sin_cos();
        let w = [rot[0] / angle, rot[1] / angle, rot[2] / angle];
        let w_cross_pt = cross(w, pt);
        let along = (w[0] * pt[0] + w[1] * pt[1] + w[2] * pt[2]) * (1.0 - cos);
        [0, 1, 2].map(|i| pt[i] * cos + w_cross_pt[i] * sin + w[i] * along)
    } else {
        let rot_cross_pt = cross([rot[0], rot[1], rot[2]], pt);
        [0, 1, 2].map(|i| pt[i] + rot_cross_pt[i])
    }
}

fn cross<S: Scalar>(a: [S; 3], b: [S; 3]) -> [S; 3] {
    [
        a[1] * b[2] - a[2] * b[1],
        a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0],
    ]
}

/// The reprojection residual `w (project(cam, X) - feature)`: the point moved into the
/// camera's frame, divided by its depth, distorted radially by `1 + k1 r² + k2 r⁴`, scaled by
/// the focal length and shifted by the principal point.
fn reprojection_error<S: Scalar>(cam: &[S], point: &[S], w: S, feature: &[f64]) -> [S; 2]
where
    f64: Sub<S, Output = S>,
{
    let centre = &cam[CENTRE..CENTRE + 3];
    let moved = [
        point[0] - centre[0],
        point[1] - centre[1],
        point[2] - centre[2],
    ];
    let in_camera = rodrigues_rotate(&cam[ROTATION..ROTATION + 3], moved);
    let projected = [in_camera[0] / in_camera[2], in_camera[1] / in_camera[2]];
    let squared_radius = projected[0] * projected[0] + projected[1] * projected[1];
    let radial = &cam[RADIAL..RADIAL + 2];
    let distortion = radial[0] * squared_radius + radial[1] * squared_radius * squared_radius + 1.0;
    [0, 1].map(|i| (projected[i] * distortion * cam[FOCAL] + cam[PRINCIPAL + i] - feature[i]) * w)
}

/// The weight's residual `1 - w²`.
fn weight_error<S: Scalar>(w: S) -> S
where
    f64: Sub<S, Output = S>,
{
    1.0 - w * w
}

/// The Jacobian in the reference's compressed-row form: `rows[r]..rows[r + 1]` index the
/// columns and values of row `r`; the two rows of observation `i`, then one row per weight.
struct Sparse {
    rows: Vec<usize>,
    cols: Vec<usize>,
    vals: Vec<f64>,
}

impl Sparse {
    /// GradBench's answer: the first 30 entries of each list (observation 0's two rows of
    /// 15), and the last.
    fn to_json(&self) -> Json {
        json!({
            "rows": head_and_last(&self.rows),
            "cols": head_and_last(&self.cols),
            "vals": head_and_last(&self.vals),
        })
    }
}

fn head_and_last<T: Clone>(v: &[T]) -> Vec<T> {
    let shown = 2 * (CAMERA + 3 + 1);
    let mut out = v[..shown.min(v.len())].to_vec();
    out.extend(v.last().cloned());
    out
}

/// GradBench's answer: observation 0's residuals and weight residual, and how many there are.
fn objective_output(reprojection: &[f64], weights: &[f64]) -> Json {
    json!({
        "reproj_error": {"elements": reprojection.get(..2).unwrap_or(&[]), "repeated": reprojection.len() / 2},
        "w_err": {"element": weights.first().copied().unwrap_or(0.0), "repeated": weights.len()},
    })
}

/// The 15 numbers an observation's residuals depend on, as jets: number `j` with tangent 1
/// in lane `j`.
type Inputs = [Jet<{ CAMERA + 3 + 1 }>; CAMERA + 3 + 1];

fn jacobian(problem: &Problem) -> Sparse {
    let (n, m, p) = (problem.n, problem.m, problem.p);
    let per_row = CAMERA + 3 + 1;
    let mut sparse = Sparse {
        rows: Vec::with_capacity(3 * p + 1),
        cols: Vec::with_capacity(2 * per_row * p + p),
        vals: Vec::with_capacity(2 * per_row * p + p),
    };
    sparse.rows.push(0);
    let mut inputs = [0.0; CAMERA + 3 + 1];
    for (i, &[cam, pt]) in problem.observations.iter().enumerate() {
        inputs[..CAMERA].copy_from_slice(&problem.cams[cam * CAMERA..][..CAMERA]);
        inputs[CAMERA..CAMERA + 3].copy_from_slice(&problem.points[pt * 3..][..3]);
        inputs[CAMERA + 3] = problem.weights[i];
        let jets: Inputs = std::array::from_fn(|j| Jet::variable(inputs[j], j));
        let feature = &problem.features[2 * i..][..2];
        let residuals = reprojection_error(
            &jets[..CAMERA],
            &jets[CAMERA..CAMERA + 3],
            jets[CAMERA + 3],
            feature,
        );
        let columns = (0..CAMERA)
            .map(|j| CAMERA * cam + j)
            .chain((0..3).map(|j| CAMERA * n + 3 * pt + j))
            .chain([CAMERA * n + 3 * m + i]);
        for residual in residuals {
            sparse.cols.extend(columns.clone());
            sparse.vals.extend(residual.tangents());
            sparse.rows.push(sparse.rows.last().unwrap() + per_row);
        }
    }
    for (i, &w) in problem.weights.iter().enumerate() {
        sparse.cols.push(CAMERA * n + 3 * m + i);
        sparse.vals.push(weight_error(Dual::new(w, 1.0)).tangent());
        sparse.rows.push(sparse.rows.last().unwrap() + 1);
    }
    sparse
}

pub fn evaluate(function: &str, json: &Json) -> Result<Evaluated, String> {
    let (inp, runs) = input::<Input>(json)?;
    let problem = Problem::new(&inp)?;
    match function {
        "objective" => {
            let mut reprojection = vec![0.0; 2 * problem.p];
            let mut weights = vec![0.0; problem.p];
            let ((), nanoseconds) = repeat(runs, || {
                for (i, &[cam, pt]) in problem.observations.iter().enumerate() {
                    let error = reprojection_error(
                        &problem.cams[cam * CAMERA..][..CAMERA],
                        &problem.points[pt * 3..][..3],
                        problem.weights[i],
                        &problem.features[2 * i..][..2],
                    );
                    reprojection[2 * i..2 * i + 2].copy_from_slice(&error);
                }
                for (out, &w) in weights.iter_mut().zip(&problem.weights) {
                    *out = weight_error(w);
                }
            });
            Ok(Evaluated {
                output: objective_output(&reprojection, &weights),
                nanoseconds,
            })
        }
        "jacobian" => {
            let (sparse, nanoseconds) = repeat(runs, || jacobian(&problem));
            Ok(Evaluated {
                output: sparse.to_json(),
                nanoseconds,
            })
        }
        _ => Err(no_function("ba", function)),
    }
}

#[cfg(test)]
mod reference_tests {
    //! Against GradBench's hand-written reference (its `manual` tool) on a small input.
    use crate::protocol::assert_evaluates_to;

    const INPUT: &str = r#"{"n":2,"m":3,"p":12,"cam":[-0.01,0.02,0.03,0.5,-0.2,-1.5,400.0,0.1,-0.2,-3e-7,2e-13],"x":[0.3,-0.4,2.0],"w":1.2,"feat":[-100.0,50.0]}"#;

    #[test]
    fn objective_matches_the_reference() {
        let expected = r#"{"reproj_error":{"elements":[103.08522280022136,-83.49806955441618],"repeated":12},"w_err":{"element":-0.43999999999999995,"repeated":12}}"#;
        assert_evaluates_to(super::evaluate, "objective", INPUT, expected, 1e-9);
    }

    #[test]
    fn jacobian_matches_the_reference() {
        let expected = r#"{"cols":[0,1,2,3,4,5,6,7,8,9,10,22,23,24,31,0,1,2,3,4,5,6,7,8,9,10,22,23,24,31,42],"rows":[0,15,30,45,60,75,90,105,120,135,150,165,180,195,210,225,240,255,270,285,300,315,330,345,360,361,362,363,364,365,372],"vals":[6.133262711911632,480.4229092528038,25.69871916192103,-136.75664754808935,4.168171957822905,-7.576484319443797,-0.042586942999446556,1.2,0.0,-0.06144951603321893,-0.0002216667099514228,136.75664754808935,-4.168171957822905,7.576484319443797,85.9043523335178,-480.83918393492024,8.140829736423646,-21.81580221449714,-3.959980903888195,-136.81074380945216,-8.044041412190879,-0.05814517388604046,0.0,1.2,-0.08389878548011721,-0.0003026479124138934,3.959980903888195,136.81074380945216,8.044041412190879,-69.58172462868015,-2.4]}"#;
        assert_evaluates_to(super::evaluate, "jacobian", INPUT, expected, 1e-9);
    }
}
