"""The moons benchmark as a JAX user writes it: one jit-compiled training step, float64, CPU.

Same model, loss and schedule as torch_moons.py; the compilation (first call) is not timed.
Usage: python jax_moons.py [steps]
"""
import sys
import time

import jax

jax.config.update("jax_enable_x64", True)
jax.config.update("jax_platforms", "cpu")
import jax.numpy as jnp  # noqa: E402

from moons import moons, summary  # noqa: E402

steps = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
points, labels = moons()
x, y = jnp.asarray(points), jnp.asarray(labels)

key = jax.random.PRNGKey(0)
params = []
for fan_in, fan_out in [(2, 16), (16, 16), (16, 1)]:
    key, sub = jax.random.split(key)
    params.append((jax.random.uniform(sub, (fan_in, fan_out), minval=-1.0, maxval=1.0),
                   jnp.zeros(fan_out)))


def scores(params, x):
    for layer, (w, b) in enumerate(params):
        x = x @ w + b
        if layer < len(params) - 1:
            x = jax.nn.relu(x)
    return x[:, 0]


def loss_fn(params):
    hinge = jnp.mean(jax.nn.relu(1.0 - y * scores(params, x)))
    l2 = sum(jnp.sum(w * w) + jnp.sum(b * b) for w, b in params)
    return hinge + 1e-4 * l2


@jax.jit
def step(params, lr):
    loss, grads = jax.value_and_grad(loss_fn)(params)
    return jax.tree_util.tree_map(lambda p, g: p - lr * g, params, grads), loss


step(params, 1.0)[1].block_until_ready()  # compile
start = time.perf_counter()
for k in range(steps):
    params, loss = step(params, 1.0 - 0.9 * k / steps)
loss.block_until_ready()
seconds = time.perf_counter() - start
accuracy = float(jnp.mean((scores(params, x) > 0) == (y > 0)))
summary("jax", steps, seconds, float(loss), accuracy)
