//! `ht`: hand tracking. A skinned hand model posed by 26 angles and offsets `θ`, compared with
//! measured points (`objective`: three residuals a point), and the Jacobian of the residuals
//! (`jacobian`). With the "complicated" inputs each point also lies at barycentric
//! coordinates `u` on a triangle of the mesh.
//!
//! The Jacobian is tall (three rows a point, 26 or 28 columns): forward mode gives a column a
//! run, so [`tapegrad::jacobian_forward`] runs the objective on dual numbers once an input,
//! with no tape. (The crate's `jacobian` sweeps a recording forwards for tall Jacobians
//! too, but recording the hand's ten thousand vertices costs more than the 28 runs.) A point's
//! residuals depend on its own `u` alone, so the columns of all `u_i0` fold into one (and
//! those of all `u_i1` into another): the closure takes two offsets `δ0, δ1` added to every
//! point's `u`, and the derivative by `δ0` of point `i`'s residuals is their derivative by
//! `u_i0`, as the reference's two `u` columns hold.

use std::ops::Sub;

use serde::Deserialize;
use serde_json::Value as Json;
use tapegrad::Dual;

use crate::fused::Fused;
use crate::protocol::{Evaluated, input, no_function, timed};

#[derive(Deserialize)]
struct Input {
    theta: Vec<f64>,
    data: Data,
    #[serde(default)]
    us: Vec<Vec<f64>>,
}

#[derive(Deserialize)]
struct Data {
    model: ModelInput,
    correspondences: Vec<usize>,
    points: Vec<Vec<f64>>,
}

#[derive(Deserialize)]
struct ModelInput {
    bone_names: Vec<String>,
    parents: Vec<i64>,
    base_relatives: Vec<Vec<Vec<f64>>>,
    inverse_base_absolutes: Vec<Vec<Vec<f64>>>,
    base_positions: Vec<Vec<f64>>,
    weights: Vec<Vec<f64>>,
    triangles: Vec<Vec<usize>>,
    is_mirrored: bool,
}

/// A 4x4 matrix, row after row.
type Mat4<T> = [[T; 4]; 4];
type Mat3<S> = [[S; 3]; 3];

/// The hand model and the measurements.
struct Hand {
    /// Each bone's parent, earlier in the list (`None` for the root).
    parents: Vec<Option<usize>>,
    base_relatives: Vec<Mat4<f64>>,
    inverse_base_absolutes: Vec<Mat4<f64>>,
    /// Each vertex at rest, in homogeneous coordinates.
    base_positions: Vec<[f64; 4]>,
    /// For each vertex, the bones that move it and their weights (those of weight zero left
    /// out: they add nothing).
    skin: Vec<Vec<(usize, f64)>>,
    triangles: Vec<[usize; 3]>,
    is_mirrored: bool,
    correspondences: Vec<usize>,
    points: Vec<[f64; 3]>,
}

fn mat4(rows: &[Vec<f64>]) -> Result<Mat4<f64>, String> {
    let mut m = [[0.0; 4]; 4];
    for (i, row) in rows.iter().enumerate().take(4) {
        for (j, &x) in row.iter().enumerate().take(4) {
            m[i][j] = x;
        }
    }
    if rows.len() == 4 && rows.iter().all(|r| r.len() == 4) {
        Ok(m)
    } else {
        Err("ht: a bone's transform is 4x4".into())
    }
}

impl Hand {
    fn new(data: Data) -> Result<Self, String> {
        let model = data.model;
        let bones = model.bone_names.len();
        let parents = model
            .parents
            .iter()
            .enumerate()
            .map(|(i, &p)| match usize::try_from(p) {
                Ok(p) if p < i => Ok(Some(p)),
                Ok(_) => Err(format!("ht: bone {i}'s parent {p} does not come before it")),
                Err(_) => Ok(None),
            })
            .collect::<Result<_, _>>()?;
        let skin = model
            .weights
            .iter()
            .map(|w| {
                w.iter()
                    .copied()
                    .enumerate()
                    .filter(|&(_, w)| w != 0.0)
                    .collect()
            })
            .collect();
        let three = |v: &Vec<f64>| -> Result<[f64; 3], String> {
            v.get(..3)
                .map(|s| [s[0], s[1], s[2]])
                .ok_or_else(|| "ht: a point has 3 coordinates".into())
        };
        let hand = Hand {
            parents,
            base_relatives: model
                .base_relatives
                .iter()
                .map(|m| mat4(m))
                .collect::<Result<_, _>>()?,
            inverse_base_absolutes: model
                .inverse_base_absolutes
                .iter()
                .map(|m| mat4(m))
                .collect::<Result<_, _>>()?,
            base_positions: model
                .base_positions
                .iter()
                .map(|p| {
                    p.get(..4)
                        .map(|s| [s[0], s[1], s[2], s[3]])
                        .ok_or("ht: a base position has 4 coordinates")
                })
                .collect::<Result<_, _>>()?,
            skin,
            triangles: model
                .triangles
                .iter()
                .map(|t| {
                    t.get(..3)
                        .map(|s| [s[0], s[1], s[2]])
                        .ok_or("ht: a triangle has 3 corners")
                })
                .collect::<Result<_, _>>()?,
            is_mirrored: model.is_mirrored,
            correspondences: data.correspondences,
            points: data.points.iter().map(three).collect::<Result<_, _>>()?,
        };
        if hand.base_relatives.len() != bones || hand.inverse_base_absolutes.len() != bones {
            return Err("ht: one transform of each kind a bone".into());
        }
        Ok(hand)
    }
}

fn mat3_mul<S: Fused>(a: &Mat3<S>, b: &Mat3<S>) -> Mat3<S> {
    [0, 1, 2].map(|i| [0, 1, 2].map(|k| S::dot(&a[i], &[b[0][k], b[1][k], b[2][k]])))
}

fn mat4_mul<S: Fused>(a: &Mat4<S>, b: &Mat4<S>) -> Mat4<S> {
    [0, 1, 2, 3].map(|i| [0, 1, 2, 3].map(|k| S::dot(&a[i], &[b[0][k], b[1][k], b[2][k], b[3][k]])))
}

/// `a b` for a matrix of numbers `b`.
fn mat4_mul_numbers<S: Fused>(a: &Mat4<S>, b: &Mat4<f64>) -> Mat4<S> {
    [0, 1, 2, 3]
        .map(|i| [0, 1, 2, 3].map(|k| S::dot_numbers(&a[i], &[b[0][k], b[1][k], b[2][k], b[3][k]])))
}

/// The rotation by the angle-axis vector `v`: the identity below an angle of 1e-4.
fn angle_axis_to_rotation<S: Fused>(v: [S; 3]) -> Mat3<S>
where
    f64: Sub<S, Output = S>,
{
    let norm = S::dot(&v, &v).sqrt();
    let (zero, one) = (v[0].lift(0.0), v[0].lift(1.0));
    if norm < 1e-4 {
        return [[one, zero, zero], [zero, one, zero], [zero, zero, one]];
    }
    let [x, y, z] = v.map(|c| c / norm);
    let (s, c) = norm.sin_cos();
    [
        [
            x * x + (1.0 - x * x) * c,
            x * y * (1.0 - c) - z * s,
            x * z * (1.0 - c) + y * s,
        ],
        [
            x * y * (1.0 - c) + z * s,
            y * y + (1.0 - y * y) * c,
            y * z * (1.0 - c) - x * s,
        ],
        [
            x * z * (1.0 - c) - y * s,
            z * y * (1.0 - c) + x * s,
            z * z + (1.0 - z * z) * c,
        ],
    ]
}

/// `Rz Ry Rx` for the angles `(x, z, y)` in that order.
fn euler_to_rotation<S: Fused>(xzy: [S; 3]) -> Mat3<S> {
    let (zero, one) = (xzy[0].lift(0.0), xzy[0].lift(1.0));
    let (sx, cx) = xzy[0].sin_cos();
    let (sy, cy) = xzy[2].sin_cos();
    let (sz, cz) = xzy[1].sin_cos();
    let rx = [[one, zero, zero], [zero, cx, -sx], [zero, sx, cx]];
    let ry = [[cy, zero, sy], [zero, one, zero], [-sy, zero, cy]];
    let rz = [[cz, -sz, zero], [sz, cz, zero], [zero, zero, one]];
    mat3_mul(&mat3_mul(&rz, &ry), &rx)
}

/// The pose's columns: global rotation, scale (ones), global translation, then three angles
/// a bone. θ's 20 finger entries go to the fingers' bones: for each of the five fingers, two
/// angles of its first bone and one of each of the next two (a fourth bone stays still); the
/// first two bones stay still too.
fn pose_params<S: Fused>(theta: &[S], bones: usize) -> Vec<[S; 3]> {
    let zero = theta[0].lift(0.0);
    let mut pose = vec![[zero; 3]; bones + 3];
    pose[0] = [theta[0], theta[1], theta[2]];
    pose[1] = [theta[0].lift(1.0); 3];
    pose[2] = [theta[3], theta[4], theta[5]];
    let (mut next_theta, mut column) = (6, 5);
    for _finger in 0..5 {
        for joint in 2..=4 {
            pose[column][0] = theta[next_theta];
            next_theta += 1;
            if joint == 2 {
                pose[column][1] = theta[next_theta];
                next_theta += 1;
            }
            column += 1;
        }
        column += 1;
    }
    pose
}

/// Every vertex of the posed hand: each bone's transform relative to its parent (its rest
/// transform, then its rotation), chained from the root, times its inverse rest transform,
/// moves the vertices it weighs on; the weighted sum is mirrored where the model says so,
/// then rotated, scaled and translated globally.
fn skinned_vertices<S: Fused>(hand: &Hand, pose: &[[S; 3]]) -> Vec<[S; 3]>
where
    f64: Sub<S, Output = S>,
{
    let (zero, one) = (pose[0][0].lift(0.0), pose[0][0].lift(1.0));
    let mut absolutes: Vec<Mat4<S>> = Vec::with_capacity(hand.parents.len());
    for (i, parent) in hand.parents.iter().enumerate() {
        let r = euler_to_rotation(pose[i + 3]);
        let rotation = [
            [r[0][0], r[0][1], r[0][2], zero],
            [r[1][0], r[1][1], r[1][2], zero],
            [r[2][0], r[2][1], r[2][2], zero],
            [zero, zero, zero, one],
        ];
        let base = hand.base_relatives[i].map(|row| row.map(|x| zero.lift(x)));
        let relative = mat4_mul(&base, &rotation);
        absolutes.push(match parent {
            Some(p) => mat4_mul(&absolutes[*p], &relative),
            None => relative,
        });
    }
    let transforms: Vec<Mat4<S>> = absolutes
        .iter()
        .zip(&hand.inverse_base_absolutes)
        .map(|(a, inverse)| mat4_mul_numbers(a, inverse))
        .collect();

    let mut global = angle_axis_to_rotation(pose[0]);
    for row in global.iter_mut() {
        for (entry, &scale) in row.iter_mut().zip(&pose[1]) {
            *entry *= scale;
        }
    }
    let (mut moved, mut weights) = (Vec::new(), Vec::new());
    hand.base_positions
        .iter()
        .zip(&hand.skin)
        .map(|(rest, skin)| {
            let mut position = [0, 1, 2].map(|coordinate| {
                moved.clear();
                weights.clear();
                for &(bone, weight) in skin {
                    moved.push(S::dot_numbers(&transforms[bone][coordinate], rest));
                    weights.push(weight);
                }
                if moved.is_empty() {
                    zero
                } else {
                    S::dot_numbers(&moved, &weights)
                }
            });
            if hand.is_mirrored {
                position[0] = -position[0];
            }
            [0, 1, 2].map(|i| S::dot(&global[i], &position) + pose[2][i])
        })
        .collect()
}

/// The residuals `point - vertex` (three a point), the vertex being the corresponding one,
/// or with `us`, the point at barycentric coordinates `(u0, u1, 1 - u0 - u1)` on the
/// corresponding triangle.
fn objective<S: Fused>(hand: &Hand, theta: &[S], us: Option<&[[S; 2]]>) -> Vec<S>
where
    f64: Sub<S, Output = S>,
{
    let pose = pose_params(theta, hand.parents.len());
    let vertices = skinned_vertices(hand, &pose);
    let mut residuals = Vec::with_capacity(3 * hand.points.len());
    for (i, (point, &c)) in hand.points.iter().zip(&hand.correspondences).enumerate() {
        for j in 0..3 {
            let on_hand = match us {
                None => vertices[c][j],
                Some(us) => {
                    let [u0, u1] = us[i];
                    let [a, b, v] = hand.triangles[c].map(|v| vertices[v][j]);
                    u0 * a + u1 * b + (1.0 - u0 - u1) * v
                }
            };
            residuals.push(point[j] - on_hand);
        }
    }
    residuals
}

pub fn evaluate(function: &str, json: &Json) -> Result<Evaluated, String> {
    let (inp, runs) = input::<Input>(json)?;
    let theta = inp.theta;
    if theta.len() != 26 {
        return Err(format!("ht: θ has 26 entries, got {}", theta.len()));
    }
    let hand = Hand::new(inp.data)?;
    let us: Vec<[f64; 2]> = inp
        .us
        .iter()
        .map(|u| {
            u.get(..2)
                .map(|u| [u[0], u[1]])
                .ok_or("ht: a u has 2 coordinates")
        })
        .collect::<Result<_, _>>()?;
    let complicated = !us.is_empty();
    if complicated && us.len() != hand.points.len() {
        return Err("ht: one u a point".into());
    }
    match function {
        "objective" => timed(runs, || {
            objective(&hand, &theta, complicated.then_some(&us[..]))
        }),
        "jacobian" => {
            // Columns: δ0 and δ1 (see the module docs) with the complicated inputs, then θ.
            let at: Vec<f64> = if complicated {
                [0.0, 0.0].iter().chain(&theta).copied().collect()
            } else {
                theta.clone()
            };
            timed(runs, || {
                tapegrad::jacobian_forward(
                    |v: &[Dual]| {
                        if complicated {
                            let moved: Vec<[Dual; 2]> =
                                us.iter().map(|u| [v[0] + u[0], v[1] + u[1]]).collect();
                            objective(&hand, &v[2..], Some(&moved))
                        } else {
                            objective(&hand, v, None)
                        }
                    },
                    &at,
                )
            })
        }
        _ => Err(no_function("ht", function)),
    }
}
