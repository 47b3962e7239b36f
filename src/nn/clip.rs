//! Gradient clipping by global norm: one scale for every gradient, so that a step never
//! moves further than a bound however steep the loss is where it stands.

/// Scales `grads` down, all by the same factor, so that their global norm (the Euclidean norm
/// of all of them together, `sqrt(sum g_i²)`) is at most about `max_norm`; returns the norm
/// they had. As PyTorch's `clip_grad_norm_`: the factor is `max_norm / (norm + 1e-6)`,
/// applied when it is below 1, so clipped gradients come out a hair under `max_norm`, and the
/// direction of the step is kept.
///
/// A NaN or infinite norm leaves the gradients as they are (no factor would make them
/// finite); the returned norm says so, and the caller can skip the step.
///
/// ```
/// use tapegrad::nn::clip_grad_norm;
///
/// let mut grads = [3.0, 4.0]; // norm 5
/// let norm = clip_grad_norm(&mut grads, 1.0);
/// assert_eq!(norm, 5.0);
/// let scale = 1.0 / (5.0 + 1e-6);
/// assert_eq!(grads, [3.0 * scale, 4.0 * scale]);
///
/// let mut small = [0.3, 0.4]; // norm 0.5: left as it is
/// assert_eq!(clip_grad_norm(&mut small, 1.0), 0.5);
/// assert_eq!(small, [0.3, 0.4]);
/// ```
///
/// # Panics
/// If `max_norm` is negative or NaN.
#[track_caller]
pub fn clip_grad_norm(grads: &mut [f64], max_norm: f64) -> f64 {
    assert!(
        max_norm >= 0.0,
        "clip_grad_norm needs a max_norm of 0 or more, got {max_norm}"
    );
    let norm = grads.iter().map(|g| g * g).sum::<f64>().sqrt();
    let factor = max_norm / (norm + 1e-6);
    if norm.is_finite() && factor < 1.0 {
        grads.iter_mut().for_each(|g| *g *= factor);
    }
    norm
}
