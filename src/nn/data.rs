//! Small data sets for learning to train networks: XOR, two moons, and a spiral.

use std::f64::consts::PI;

use super::rng::Rng;

/// Points with one target each: the inputs of point `i` are `dims` numbers, its target one
/// `T`.
///
/// What a target means is the data set's: a class index (`usize`: [`spiral`]'s, what
/// [`loss::softmax_cross_entropy`](super::loss::softmax_cross_entropy) takes), or an `f64`,
/// the default: a label 0 or 1, -1 or +1, or a number to regress on ([`xor`]'s and
/// [`moons`]' labels).
///
/// ```
/// use tapegrad::nn::Dataset;
///
/// let data = Dataset::new(2, vec![0.0, 1.0, 2.0, 3.0], vec![-1.0, 1.0]);
/// assert_eq!(data.len(), 2);
/// assert_eq!(data.input(1), [2.0, 3.0]);
/// assert_eq!(data.target(1), 1.0);
/// let classes = Dataset::new(1, vec![0.5, 0.7], vec![2_usize, 0]);
/// assert_eq!(classes.target(0), 2);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Dataset<T = f64> {
    dims: usize,
    /// Row-major: point `i` is `inputs[i * dims..(i + 1) * dims]`.
    inputs: Vec<f64>,
    targets: Vec<T>,
}

/// Why numbers do not make a [`Dataset`]: from [`Dataset::try_new`] and
/// [`Dataset::into_classes`].
///
/// ```
/// use tapegrad::nn::{DataError, Dataset};
///
/// let err = Dataset::try_new(2, vec![1.0, 2.0, 3.0], vec![0.0, 1.0]).unwrap_err();
/// assert_eq!(err, DataError::InputCount { dims: 2, targets: 2, inputs: 3 });
/// assert_eq!(err.to_string(), "2 targets with 2 inputs each need 4 input numbers, got 3");
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum DataError {
    /// A point needs at least one input.
    NoInputs,
    /// `inputs` does not hold `dims` numbers per target.
    InputCount {
        /// The inputs per point.
        dims: usize,
        /// How many targets there are.
        targets: usize,
        /// How many input numbers there are.
        inputs: usize,
    },
    /// A target is not a class index (a whole number from 0 up).
    NotAClass {
        /// The point, counted from 0.
        point: usize,
        /// Its target.
        target: f64,
    },
}

/// A sentence saying what is wrong.
///
/// ```
/// let bad = tapegrad::nn::Dataset::new(1, vec![0.0], vec![0.5]).into_classes().unwrap_err();
/// assert_eq!(
///     bad.to_string(),
///     "point 0's target 0.5 is not a class index (a whole number from 0 up)"
/// );
/// ```
impl std::fmt::Display for DataError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            DataError::NoInputs => f.write_str("a data set needs at least one input per point"),
            DataError::InputCount {
                dims,
                targets,
                inputs,
            } => match dims.checked_mul(targets) {
                Some(needed) => write!(
                    f,
                    "{targets} targets with {dims} inputs each need {needed} input numbers, \
                     got {inputs}"
                ),
                None => write!(
                    f,
                    "{targets} targets with {dims} inputs each need more input numbers than fit \
                     in memory"
                ),
            },
            DataError::NotAClass { point, target } => write!(
                f,
                "point {point}'s target {target} is not a class index (a whole number from 0 up)"
            ),
        }
    }
}

/// A `DataError` is an error.
///
/// ```
/// let err: Box<dyn std::error::Error> =
///     Box::new(tapegrad::nn::Dataset::try_new(0, vec![], vec![0.0]).unwrap_err());
/// assert!(err.to_string().contains("at least one input"));
/// ```
impl std::error::Error for DataError {}

impl<T: Copy> Dataset<T> {
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
    /// If `dims` is 0, or `inputs` does not hold `dims` numbers per target (the message gives
    /// the sizes): [`try_new`](Dataset::try_new) returns these as errors.
    #[track_caller]
    pub fn new(dims: usize, inputs: Vec<f64>, targets: Vec<T>) -> Self {
        Dataset::try_new(dims, inputs, targets).unwrap_or_else(|err| panic!("{err}"))
    }

    /// [`new`](Dataset::new) for numbers from outside (a file, a user): an error instead of
    /// a panic when they do not fit.
    ///
    /// ```
    /// use tapegrad::nn::{DataError, Dataset};
    ///
    /// let ok = Dataset::try_new(1, vec![0.5, 1.5], vec![0_usize, 1])?;
    /// assert_eq!(ok.len(), 2);
    /// assert_eq!(Dataset::try_new(0, vec![], vec![1.0]), Err(DataError::NoInputs));
    /// # Ok::<(), DataError>(())
    /// ```
    ///
    /// # Errors
    /// [`DataError::NoInputs`] if `dims` is 0, [`DataError::InputCount`] if `inputs` does
    /// not hold `dims` numbers per target.
    pub fn try_new(dims: usize, inputs: Vec<f64>, targets: Vec<T>) -> Result<Self, DataError> {
        if dims == 0 {
            return Err(DataError::NoInputs);
        }
        // Checked: a product that wrapped could match `inputs.len()`.
        if dims.checked_mul(targets.len()) != Some(inputs.len()) {
            return Err(DataError::InputCount {
                dims,
                targets: targets.len(),
                inputs: inputs.len(),
            });
        }
        Ok(Dataset {
            dims,
            inputs,
            targets,
        })
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
    /// assert_eq!(tapegrad::nn::spiral(10, 3, 0.2, 0).target(25), 2);
    /// ```
    ///
    /// # Panics
    /// If `i >= self.len()`.
    #[track_caller]
    pub fn target(&self, i: usize) -> T {
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
    pub fn targets(&self) -> &[T] {
        &self.targets
    }

    /// The parts the data set was made of: `dims`, the inputs and the targets.
    pub(super) fn into_parts(self) -> (usize, Vec<f64>, Vec<T>) {
        (self.dims, self.inputs, self.targets)
    }

    /// The points in order, as `(inputs, target)`.
    ///
    /// ```
    /// let ones = tapegrad::nn::xor().iter().filter(|&(_, t)| t == 1.0).count();
    /// assert_eq!(ones, 2);
    /// ```
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&[f64], T)> {
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
/// target is the class `j`. No linear model separates the arms.
///
/// ```
/// let spiral = tapegrad::nn::spiral(100, 3, 0.2, 0);
/// assert_eq!(spiral.len(), 300);
/// assert_eq!(spiral.target(299), 2);
/// ```
///
/// # Panics
/// If `points_per_class * classes` points of 2 inputs do not fit in memory (the message says
/// how much they need).
#[track_caller]
pub fn spiral(points_per_class: usize, classes: usize, noise: f64, seed: u64) -> Dataset<usize> {
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
            targets.push(class);
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
pub(super) fn room_for<T>(
    call: impl Fn() -> String,
    points: Option<usize>,
    dims: usize,
) -> (Vec<f64>, Vec<T>) {
    let Some((points, numbers)) = points.and_then(|p| Some((p, p.checked_mul(dims)?))) else {
        panic!(
            "{}: the points' numbers are more than a usize can count; ask for fewer points",
            call()
        )
    };
    let (mut inputs, mut targets) = (Vec::new(), Vec::new());
    if inputs.try_reserve_exact(numbers).is_err() || targets.try_reserve_exact(points).is_err() {
        let bytes =
            numbers as u128 * size_of::<f64>() as u128 + points as u128 * size_of::<T>() as u128;
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
    rng: Rng,
    spare: Option<f64>,
}

impl Gaussian {
    fn new(seed: u64) -> Self {
        Gaussian {
            rng: Rng::seeded(seed),
            spare: None,
        }
    }

    fn sample(&mut self) -> f64 {
        if let Some(z) = self.spare.take() {
            return z;
        }
        // 1 - u is in (0, 1], so the logarithm is finite.
        let u1 = 1.0 - self.rng.unit();
        let u2 = self.rng.unit();
        let radius = (-2.0 * u1.ln()).sqrt();
        let (sin, cos) = (2.0 * PI * u2).sin_cos();
        self.spare = Some(radius * sin);
        radius * cos
    }
}
