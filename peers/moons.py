"""The two-moons data of the benchmarks, by scikit-learn's make_moons recipe.

Outer half circle (cos t, sin t) and inner one (1 - cos t, 1 - sin t - 0.5) for t evenly spaced
over [0, pi], Gaussian noise of the given standard deviation, labels -1 (outer) and +1 (inner).
"""
import numpy as np


def moons(n=100, noise=0.1, seed=0):
    outer, inner = n // 2, n - n // 2
    t_outer = np.linspace(0.0, np.pi, outer)
    t_inner = np.linspace(0.0, np.pi, inner)
    points = np.concatenate([
        np.stack([np.cos(t_outer), np.sin(t_outer)], axis=1),
        np.stack([1.0 - np.cos(t_inner), 1.0 - np.sin(t_inner) - 0.5], axis=1),
    ])
    points += np.random.default_rng(seed).normal(0.0, noise, size=points.shape)
    labels = np.concatenate([-np.ones(outer), np.ones(inner)])
    return points, labels


def summary(name, steps, seconds, loss, accuracy):
    """The line compare.py reads."""
    print(f"{name}: steps={steps} loss={loss:.4f} accuracy={accuracy:.2f} "
          f"us_per_step={seconds / steps * 1e6:.1f}")
