//! What a data set's target can be: one number, a class, or several numbers.

/// A target of a [`Dataset`](super::Dataset) that is made of numbers: an `f64` (a label or a
/// number to regress on), a `usize` (a class), or an array `[f64; K]` of `K` numbers (a point
/// of multi-output regression, which [`loss::mse`](super::loss::mse) takes whole). CSV files
/// (`Dataset::from_csv`, with the `csv` feature) and
/// [`Mlp::regression_metrics`](super::Mlp::regression_metrics) read targets through it.
///
/// The trait is sealed: the crate implements it for these types.
///
/// ```
/// use tapegrad::nn::Target;
///
/// assert_eq!(<[f64; 3]>::WIDTH, 3);
/// assert_eq!([1.0, 2.0].number(1), 2.0);
/// assert_eq!(usize::from_numbers(&[2.0]), Some(2));
/// assert_eq!(usize::from_numbers(&[2.5]), None); // not a class
/// ```
pub trait Target: Copy + sealed::Sealed {
    /// How many numbers a target is made of.
    const WIDTH: usize;

    /// Number `j` of the target (`j` below [`WIDTH`](Target::WIDTH)).
    ///
    /// # Panics
    /// If `j` is not below [`WIDTH`](Target::WIDTH).
    fn number(&self, j: usize) -> f64;

    /// The target made of `numbers` ([`WIDTH`](Target::WIDTH) of them), if they make one: a
    /// class is a whole number from 0 up.
    ///
    /// # Panics
    /// If `numbers` does not hold [`WIDTH`](Target::WIDTH) numbers.
    fn from_numbers(numbers: &[f64]) -> Option<Self>;
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for f64 {}
    impl Sealed for usize {}
    impl<const K: usize> Sealed for [f64; K] {}
}

impl Target for f64 {
    const WIDTH: usize = 1;

    #[track_caller]
    fn number(&self, j: usize) -> f64 {
        assert_eq!(j, 0, "a one-number target has only number 0");
        *self
    }

    #[track_caller]
    fn from_numbers(numbers: &[f64]) -> Option<Self> {
        let [x] = numbers else {
            panic!(
                "a one-number target is made of 1 number, got {}",
                numbers.len()
            )
        };
        Some(*x)
    }
}

impl Target for usize {
    const WIDTH: usize = 1;

    #[track_caller]
    fn number(&self, j: usize) -> f64 {
        assert_eq!(j, 0, "a class has only number 0");
        *self as f64
    }

    #[track_caller]
    fn from_numbers(numbers: &[f64]) -> Option<Self> {
        let [x] = numbers else {
            panic!("a class is made of 1 number, got {}", numbers.len())
        };
        super::labels::class_index(*x)
    }
}

impl<const K: usize> Target for [f64; K] {
    const WIDTH: usize = K;

    #[track_caller]
    fn number(&self, j: usize) -> f64 {
        self[j]
    }

    #[track_caller]
    fn from_numbers(numbers: &[f64]) -> Option<Self> {
        Some(
            numbers
                .try_into()
                .unwrap_or_else(|_| panic!("a target of {K} numbers got {}", numbers.len())),
        )
    }
}
