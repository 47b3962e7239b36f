//! "The same seed gives the same network, bit for bit" held against stored numbers: the first
//! weights of a seeded `Mlp` and the first points of a seeded `moons`, as fixed by the
//! published algorithms (SplitMix64 seeding xoshiro256++) and the documented recipes.
//!
//! The numbers were computed once by `tests/reference/seeded_streams.py`, a Python
//! transcription of those algorithms and recipes that shares no code with the crate. A
//! change to any of them (the generator, the way a number in `[0, 1)` is made, the order of
//! the draws) fails here, on every platform and in every later version.
#![cfg(feature = "nn")]

use tapegrad::nn::{self, Activation, Init, Mlp};

#[test]
fn a_seeded_mlp_has_the_stored_weights() {
    let mlp = Mlp::new(
        2,
        &[(3, Activation::Tanh), (1, Activation::Identity)],
        Init::Xavier,
        7,
    );
    let weights: Vec<&[f64]> = mlp
        .layers()
        .iter()
        .flat_map(|layer| layer.neurons().iter().map(|n| n.weights()))
        .collect();
    let stored: [&[f64]; 4] = [
        &[-0.9741564756002725, -0.7183581710682924],
        &[0.4766854139067087, -0.15947529575567976],
        &[1.0158271165456383, -0.07513945238787745],
        &[0.5484581331182712, -0.41680657193721704, 1.181444386856378],
    ];
    assert_eq!(weights, stored);
    let biases = mlp
        .layers()
        .iter()
        .flat_map(|l| l.neurons())
        .map(|n| n.bias());
    assert!(biases.into_iter().all(|b| b == 0.0));
}

#[test]
fn a_seeded_moons_has_the_stored_points() {
    let data = nn::moons(6, 0.1, 1337);
    let stored = [
        [1.0992404004477725, -0.042724103693561055],
        [-0.05476937552608617, 0.8225625981155996],
        [-0.8479062487792675, -0.11862973978201934],
    ];
    for (i, point) in stored.iter().enumerate() {
        assert_eq!(data.input(i), point, "point {i}");
    }
}
