//! What `f64` code reaches for besides the math methods: `f64`'s `bool` methods on a `Value`,
//! and a zero on a tape to accumulate onto.
//!
//! `let mut total = 0.0; total += v;` cannot compile when `v` is a `Value` (the `0.0` would
//! have to become a value, on `v`'s tape); start from [`Tape::zero`] or from
//! [`Scalar::lift`](crate::Scalar::lift) instead.

use crate::fast::Tape;
use crate::value::Value;

impl Tape {
    /// A constant 0 on this tape: the start of an accumulation, which works for any number
    /// of terms, none included.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let xs = [tape.var(1.0), tape.var(2.0)];
    /// let mut total = tape.zero();
    /// for &x in &xs {
    ///     total += x * x;
    /// }
    /// total.backward();
    /// assert_eq!((total.data(), xs[1].grad()), (5.0, 4.0));
    /// ```
    pub fn zero(&self) -> Value<'_> {
        self.constant(0.0)
    }
}

/// `f64`'s `bool` methods, reading the number (they record nothing).
impl Value<'_> {
    /// Whether the number is NaN.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// assert!(tape.var(-1.0).sqrt().is_nan());
    /// ```
    #[inline]
    pub fn is_nan(self) -> bool {
        self.data().is_nan()
    }

    /// Whether the number is neither infinite nor NaN.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// assert!(tape.var(1.0).is_finite());
    /// ```
    #[inline]
    pub fn is_finite(self) -> bool {
        self.data().is_finite()
    }

    /// Whether the number is `+inf` or `-inf`.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// assert!(tape.var(0.0).ln().is_infinite());
    /// ```
    #[inline]
    pub fn is_infinite(self) -> bool {
        self.data().is_infinite()
    }

    /// Whether the number has a negative sign (`-0.0` included), as [`f64::is_sign_negative`].
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// assert!(tape.var(-0.0).is_sign_negative());
    /// ```
    #[inline]
    pub fn is_sign_negative(self) -> bool {
        self.data().is_sign_negative()
    }

    /// Whether the number has a positive sign (`+0.0` included), as [`f64::is_sign_positive`].
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// assert!(tape.var(0.0).is_sign_positive());
    /// ```
    #[inline]
    pub fn is_sign_positive(self) -> bool {
        self.data().is_sign_positive()
    }
}
