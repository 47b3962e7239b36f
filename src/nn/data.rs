//! Small data sets for learning to train networks: XOR, two moons, and a spiral.

use std::f64::consts::PI;

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

/// Points with one target each: the inputs of point `i` are `dims` numbers, its target one.
///
/// What a target means is the data set's choice: a label 0 or 1, -1 or +1, a class index
/// (as `f64`), or a number to regress on.
///
/// ```
/// use tapegrad::nn::Dataset;
///
/// let data = Dataset::new(2, vec![0.0, 1.0, 2.0, 3.0], vec![-1.0, 1.0]);
/// assert_eq!(data.len(), 2);
/// assert_eq!(data.input(1), [2.0, 3.0]);
/// assert_eq!(data.target(1), 1.0);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Dataset {
    dims: usize,
    /// Row-major: point `i` is `inputs[i * dims..(i + 1) * dims]`.
    inputs: Vec<f64>,
    targets: Vec<f64>,
}

impl Dataset {
    /// A data set of `targets.len()` points, whose inputs are `inputs` cut into rows of
    /// `dims` numbers.
    ///
    /// ```
    /// let xor = tapegrad::nn::Dataset::new(
    ///     2,
    ///     vec![0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0],
    ///     vec![0.0, 1.0, 1.0, 0.0],
    /// );
    /// assert_eq!(xor, tapegrad::nn::xor());
    /// ```
    ///
    /// # Panics
    /// If `dims` is 0, `inputs` does not hold `dims` numbers per target, or `dims` times the
    /// number of targets overflows `usize`.
    #[track_caller]
    pub fn new(dims: usize, inputs: Vec<f64>, targets: Vec<f64>) -> Self {
        assert!(dims > 0, "a data set needs at least one input per point");
        // Checked in release builds too: a product that wrapped could match `inputs.len()`.
        let Some(needed) = dims.checked_mul(targets.len()) else {
            panic!(
                "{} targets with {dims} inputs each need more input numbers than fit in memory",
                targets.len()
            )
        };
        assert_eq!(
            inputs.len(),
            needed,
            "{} targets with {dims} inputs each need {needed} input numbers, got {}",
            targets.len(),
            inputs.len()
        );
        Dataset {
            dims,
            inputs,
            targets,
        }
    }

    /// How many points there are.
    ///
    /// ```
    /// assert_eq!(tapegrad::nn::moons(100, 0.1, 0).len(), 100);
    /// ```
    pub fn len(&self) -> usize {
        self.targets.len()
    }

    /// Whether there are no points.
    ///
    /// ```
    /// assert!(tapegrad::nn::moons(0, 0.1, 0).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.targets.is_empty()
    }

    /// How many inputs each point has.
    ///
    /// ```
    /// assert_eq!(tapegrad::nn::xor().dims(), 2);
    /// ```
    pub fn dims(&self) -> usize {
        self.dims
    }

    /// The inputs of point `i`.
    ///
    /// ```
    /// assert_eq!(tapegrad::nn::xor().input(2), [1.0, 0.0]);
    /// ```
    ///
    /// # Panics
    /// If `i >= self.len()`.
    #[track_caller]
    pub fn input(&self, i: usize) -> &[f64] {
        assert!(
            i < self.len(),
            "point {i} is out of range: the data set has {} points",
            self.len()
        );
        &self.inputs[i * self.dims..(i + 1) * self.dims]
    }

    /// The target of point `i`.
    ///
    /// ```
    /// assert_eq!(tapegrad::nn::xor().target(2), 1.0);
    /// ```
    ///
    /// # Panics
    /// If `i >= self.len()`.
    #[track_caller]
    pub fn target(&self, i: usize) -> f64 {
        assert!(
            i < self.len(),
            "point {i} is out of range: the data set has {} points",
            self.len()
        );
        self.targets[i]
    }

    /// Every target, in order.
    ///
    /// ```
    /// assert_eq!(tapegrad::nn::xor().targets(), [0.0, 1.0, 1.0, 0.0]);
    /// ```
    pub fn targets(&self) -> &[f64] {
        &self.targets
    }

    /// The points in order, as `(inputs, target)`.
    ///
    /// ```
    /// let ones = tapegrad::nn::xor().iter().filter(|&(_, t)| t == 1.0).count();
    /// assert_eq!(ones, 2);
    /// ```
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&[f64], f64)> {
        self.inputs
            .chunks_exact(self.dims)
            .zip(self.targets.iter().copied())
    }
}

/// The four points of XOR, targets 0 or 1: `(0,0) -> 0, (0,1) -> 1, (1,0) -> 1, (1,1) -> 0`.
///
/// No straight line separates the 1s from the 0s, so a network needs a hidden layer to learn
/// it.
///
/// ```
/// let xor = tapegrad::nn::xor();
/// assert_eq!(xor.input(3), [1.0, 1.0]);
/// assert_eq!(xor.target(3), 0.0);
/// ```
pub fn xor() -> Dataset {
    Dataset::new(
        2,
        vec![0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0],
        vec![0.0, 1.0, 1.0, 0.0],
    )
}

/// Two interleaving half circles, scikit-learn's `make_moons` recipe: `n / 2` points (rounded
/// down) evenly spaced on the upper half circle `(cos t, sin t)`, `t` in `[0, pi]`, with
/// target -1, and the rest on the lower one `(1 - cos t, 1 - sin t - 0.5)` with target +1 (the
/// labels micrograd's demo uses); then Gaussian noise of standard deviation `noise` added to
/// every coordinate. The same seed gives the same points, bit for bit.
///
/// ```
/// let moons = tapegrad::nn::moons(100, 0.1, 1337);
/// assert_eq!(moons.len(), 100);
/// assert_eq!(moons.targets().iter().filter(|&&t| t == 1.0).count(), 50);
/// assert_eq!(moons, tapegrad::nn::moons(100, 0.1, 1337));
/// // Without noise, the first point is the start of the upper circle.
/// assert_eq!(tapegrad::nn::moons(10, 0.0, 0).input(0), [1.0, 0.0]);
/// ```
///
/// # Panics
/// If `n` points of 2 inputs do not fit in memory (the message says how much they need).
#[track_caller]
pub fn moons(n: usize, noise: f64, seed: u64) -> Dataset {
    let upper = n / 2;
    let lower = n - upper;
    let mut gaussian = Gaussian::new(seed);
    let (mut inputs, mut targets) = room_for(|| format!("moons({n}, ..)"), Some(n), 2);
    let circles = linspace(0.0, PI, upper)
        .map(|t| ([t.cos(), t.sin()], -1.0))
        .chain(linspace(0.0, PI, lower).map(|t| ([1.0 - t.cos(), 1.0 - t.sin() - 0.5], 1.0)));
    for ([x, y], target) in circles {
        inputs.push(x + noise * gaussian.sample());
        inputs.push(y + noise * gaussian.sample());
        targets.push(target);
    }
    Dataset::new(2, inputs, targets)
}

/// A spiral with `classes` arms of `points_per_class` points each (CS231n's recipe): for
/// arm `j`, point `i` has radius `r = i / (points_per_class - 1)` and angle
/// `4 j + 4 r + noise * N(0, 1)` (radians), and sits at `(r sin(angle), r cos(angle))`. Its
/// target is the class index `j` (as `f64`). No linear model separates the arms.
///
/// ```
/// let spiral = tapegrad::nn::spiral(100, 3, 0.2, 0);
/// assert_eq!(spiral.len(), 300);
/// assert_eq!(spiral.target(299), 2.0);
/// ```
///
/// # Panics
/// If `points_per_class * classes` points of 2 inputs do not fit in memory (the message says
/// how much they need).
#[track_caller]
pub fn spiral(points_per_class: usize, classes: usize, noise: f64, seed: u64) -> Dataset {
    let mut gaussian = Gaussian::new(seed);
    let (mut inputs, mut targets) = room_for(
        || format!("spiral({points_per_class}, {classes}, ..)"),
        points_per_class.checked_mul(classes),
        2,
    );
    for class in 0..classes {
        for r in linspace(0.0, 1.0, points_per_class) {
            let angle = 4.0 * class as f64 + 4.0 * r + noise * gaussian.sample();
            inputs.push(r * angle.sin());
            inputs.push(r * angle.cos());
            targets.push(class as f64);
        }
    }
    Dataset::new(2, inputs, targets)
}

/// Empty inputs and targets with room for `points` points of `dims` inputs each, for the
/// data set that `call` names; `points` is `None` when counting them overflowed.
///
/// # Panics
/// If the numbers cannot be counted in a `usize`, or the allocator refuses the room: a data
/// set is made in memory at once, and asking for fewer points is what to do.
#[track_caller]
pub(super) fn room_for(
    call: impl Fn() -> String,
    points: Option<usize>,
    dims: usize,
) -> (Vec<f64>, Vec<f64>) {
    let Some((points, numbers)) = points.and_then(|p| Some((p, p.checked_mul(dims)?))) else {
        panic!(
            "{}: the points' numbers are more than a usize can count; ask for fewer points",
            call()
        )
    };
    let (mut inputs, mut targets) = (Vec::new(), Vec::new());
    if inputs.try_reserve_exact(numbers).is_err() || targets.try_reserve_exact(points).is_err() {
        let bytes = (numbers as u128 + points as u128) * size_of::<f64>() as u128;
        panic!(
            "{}: {points} points of {dims} inputs and a target need {bytes} bytes, which the \
             allocator refused; ask for fewer points",
            call()
        )
    }
    (inputs, targets)
}

/// `count` evenly spaced numbers from `start` to `end` inclusive, as numpy's `linspace`
/// (just `start` when `count` is 1).
fn linspace(start: f64, end: f64, count: usize) -> impl Iterator<Item = f64> {
    let step = if count > 1 {
        (end - start) / (count - 1) as f64
    } else {
        0.0
    };
    (0..count).map(move |i| start + i as f64 * step)
}

/// Standard normal numbers by the Box–Muller transform: two uniforms give two independent
/// normals; the second is kept for the next call.
struct Gaussian {
    rng: StdRng,
    spare: Option<f64>,
}

impl Gaussian {
    fn new(seed: u64) -> Self {
        Gaussian {
            rng: StdRng::seed_from_u64(seed),
            spare: None,
        }
    }

    fn sample(&mut self) -> f64 {
        if let Some(z) = self.spare.take() {
            return z;
        }
        // 1 - u is in (0, 1], so the logarithm is finite.
        let u1 = 1.0 - self.rng.random::<f64>();
        let u2: f64 = self.rng.random();
        let radius = (-2.0 * u1.ln()).sqrt();
        let (sin, cos) = (2.0 * PI * u2).sin_cos();
        self.spare = Some(radius * sin);
        radius * cos
    }
}
