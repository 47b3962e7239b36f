#!/usr/bin/env python3
"""The stored numbers of tests/seeded_streams_are_fixed.rs, computed apart from the crate.

A transcription of the published algorithms (SplitMix64 seeding xoshiro256++, the top 53
bits of an output as a number in [0, 1)) and of the recipes the crate documents (`Init`'s
uniform draw, `moons`' Box-Muller noise on scikit-learn's half circles), in Python's own
integers and floats. Run it to print the numbers the test holds:

    python3 tests/reference/seeded_streams.py
"""
import math

MASK = (1 << 64) - 1


def splitmix64(state):
    state = (state + 0x9E3779B97F4A7C15) & MASK
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return state, z ^ (z >> 31)


def rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & MASK


class Xoshiro256PlusPlus:
    def __init__(self, seed):
        self.s = []
        for _ in range(4):
            seed, out = splitmix64(seed)
            self.s.append(out)

    def next(self):
        s = self.s
        result = (rotl((s[0] + s[3]) & MASK, 23) + s[0]) & MASK
        t = (s[1] << 17) & MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
        return result

    def unit(self):
        return (self.next() >> 11) * 2.0**-53


def mlp_weights(inputs, widths, limit, seed):
    """Every weight of a new Mlp in binding order, each drawn from [-limit, limit)."""
    rng = Xoshiro256PlusPlus(seed)
    weights = []
    fan_in = inputs
    for outputs in widths:
        for _ in range(outputs):
            bound = limit(fan_in, outputs)
            weights.append([-bound + (bound - -bound) * rng.unit() for _ in range(fan_in)])
        fan_in = outputs
    return weights


def moons(n, noise, seed):
    rng = Xoshiro256PlusPlus(seed)
    spare = []

    def gaussian():
        if spare:
            return spare.pop()
        u1 = 1.0 - rng.unit()
        u2 = rng.unit()
        radius = math.sqrt(-2.0 * math.log(u1))
        angle = 2.0 * math.pi * u2
        spare.append(radius * math.sin(angle))
        return radius * math.cos(angle)

    def linspace(start, end, count):
        step = (end - start) / (count - 1) if count > 1 else 0.0
        return [start + i * step for i in range(count)]

    upper = n // 2
    circles = [(math.cos(t), math.sin(t)) for t in linspace(0.0, math.pi, upper)]
    circles += [(1.0 - math.cos(t), 1.0 - math.sin(t) - 0.5) for t in linspace(0.0, math.pi, n - upper)]
    points = []
    for x, y in circles:
        gx = gaussian()
        gy = gaussian()
        points.append((x + noise * gx, y + noise * gy))
    return points


if __name__ == "__main__":
    xavier = lambda fan_in, fan_out: math.sqrt(6.0 / (fan_in + fan_out))
    print("Mlp::new(2, [3 tanh, 1 identity], Xavier, 7):")
    for neuron in mlp_weights(2, [3, 1], xavier, 7):
        print("   ", [repr(w) for w in neuron])
    print("moons(6, 0.1, 1337), the first three points:")
    for x, y in moons(6, 0.1, 1337)[:3]:
        print("   ", repr(x), repr(y))
