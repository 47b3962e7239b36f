//! The data sets follow their published recipes: XOR's truth table, scikit-learn's
//! `make_moons` (half circles, evenly spaced, Gaussian noise of the given size) and CS231n's
//! spiral.
#![cfg(feature = "nn")]

use std::f64::consts::PI;

use tapegrad::nn::{self, Dataset};

#[test]
fn xor_is_the_truth_table() {
    let xor = nn::xor();
    for (x, t) in xor.iter() {
        let (a, b) = (x[0] == 1.0, x[1] == 1.0);
        assert_eq!(t == 1.0, a != b, "{x:?}");
    }
    assert_eq!(xor.len(), 4);
}

#[test]
fn noiseless_moons_lie_evenly_on_their_half_circles() {
    let n = 11; // 5 on the upper circle, 6 on the lower one
    let moons = nn::moons(n, 0.0, 0);
    assert_eq!(moons.len(), n);
    for i in 0..5 {
        let t = PI * i as f64 / 4.0;
        assert_eq!(moons.input(i), [t.cos(), t.sin()]);
        assert_eq!(moons.target(i), -1.0);
    }
    for i in 0..6 {
        let t = PI * i as f64 / 5.0;
        let [x, y] = [moons.input(5 + i)[0], moons.input(5 + i)[1]];
        // On the circle of radius 1 around (1, 0.5), lower half.
        assert!(((x - 1.0).hypot(y - 0.5) - 1.0).abs() < 1e-15);
        assert!(y <= 0.5 + 1e-15);
        assert!((x - (1.0 - t.cos())).abs() < 1e-15);
        assert_eq!(moons.target(5 + i), 1.0);
    }
}

#[test]
fn moons_noise_is_gaussian_with_the_given_deviation() {
    let (n, noise) = (4000, 0.1);
    let clean = nn::moons(n, 0.0, 0);
    let noisy = nn::moons(n, noise, 77);
    let residuals: Vec<f64> = (0..n)
        .flat_map(|i| {
            let (a, b) = (clean.input(i), noisy.input(i));
            [b[0] - a[0], b[1] - a[1]]
        })
        .collect();
    let count = residuals.len() as f64;
    let mean = residuals.iter().sum::<f64>() / count;
    let sd = (residuals.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / count).sqrt();
    // 8000 draws: the mean is within 4 standard errors (0.0045), the deviation within 5%.
    assert!(mean.abs() < 0.0045, "mean {mean}");
    assert!((sd / noise - 1.0).abs() < 0.05, "sd {sd}");
    // About 68% of a normal's draws fall within one deviation.
    let within = residuals.iter().filter(|r| r.abs() < noise).count() as f64 / count;
    assert!((within - 0.6827).abs() < 0.02, "within one sd: {within}");
    assert_eq!(noisy, nn::moons(n, noise, 77), "same seed, same points");
    assert_ne!(noisy, nn::moons(n, noise, 78));
}

#[test]
fn spiral_points_sit_at_their_radius_with_their_class() {
    let per_class = 50;
    let spiral = nn::spiral(per_class, 3, 0.2, 1);
    assert_eq!(spiral.len(), 150);
    for class in 0..3 {
        for i in 0..per_class {
            let k = class * per_class + i;
            let x = spiral.input(k);
            // Noise moves the angle only: the radius is exactly i / (N - 1).
            let r = i as f64 / (per_class - 1) as f64;
            assert!((x[0].hypot(x[1]) - r).abs() < 1e-12);
            assert_eq!(spiral.target(k), class);
        }
    }
    // Without noise, the angle is 4 class + 4 r.
    let clean = nn::spiral(per_class, 3, 0.0, 1);
    let last = clean.input(2 * per_class + per_class - 1);
    assert!((last[0] - 12f64.sin()).abs() < 1e-12 && (last[1] - 12f64.cos()).abs() < 1e-12);
}

#[test]
fn dataset_rows_follow_their_inputs() {
    let data = Dataset::new(3, (0..9).map(f64::from).collect(), vec![1.0, 2.0, 3.0]);
    let rows: Vec<(Vec<f64>, f64)> = data.iter().map(|(x, t)| (x.to_vec(), t)).collect();
    assert_eq!(rows[2], (vec![6.0, 7.0, 8.0], 3.0));
    assert_eq!(data.dims(), 3);
}

#[test]
#[should_panic(expected = "2 targets with 3 inputs each need 6 input numbers, got 5")]
fn dataset_with_a_ragged_input_panics() {
    Dataset::new(3, vec![0.0; 5], vec![1.0, 2.0]);
}
