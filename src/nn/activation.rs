//! The nonlinearity a layer applies to each neuron's `w·x + b`.

use std::fmt;

use crate::value::Value;

/// What a neuron does to its weighted sum `z = w·x + b`. Chosen per layer.
///
/// Without a nonlinearity between them, layers compose to a single affine map, so a deep
/// network would be no more expressive than one layer; the activation is what lets a network
/// bend its decision boundary.
///
/// ```
/// use tapegrad::{Tape, nn::Activation};
///
/// let tape = Tape::new();
/// let z = tape.var(-2.0);
/// assert_eq!(Activation::Relu.apply(z).data(), 0.0);
/// assert_eq!(Activation::LeakyRelu(0.1).apply(z).data(), -0.2);
/// assert_eq!(Activation::Identity.apply(z).data(), -2.0);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Activation {
    /// `max(z, 0)`: the usual choice for hidden layers.
    Relu,
    /// `tanh(z)`, in `(-1, 1)`.
    Tanh,
    /// `1 / (1 + e^-z)`, in `(0, 1)`.
    Sigmoid,
    /// `z` itself: for output layers whose scores go to a loss (hinge, cross-entropy on
    /// logits, squared error).
    Identity,
    /// `z` for positive `z`, `slope * z` elsewhere, so that a neuron at rest still passes a
    /// gradient.
    LeakyRelu(f64),
}

impl Activation {
    /// Applies the activation to `z`, recording one node (none for [`Identity`](Self::Identity)).
    ///
    /// ```
    /// use tapegrad::{Tape, nn::Activation};
    ///
    /// let tape = Tape::new();
    /// let z = tape.var(0.0);
    /// let y = Activation::Sigmoid.apply(z);
    /// y.backward();
    /// assert_eq!((y.data(), z.grad()), (0.5, 0.25));
    /// ```
    #[inline]
    pub fn apply<'t>(self, z: Value<'t>) -> Value<'t> {
        match self {
            Activation::Relu => z.relu(),
            Activation::Tanh => z.tanh(),
            Activation::Sigmoid => z.sigmoid(),
            Activation::Identity => z,
            Activation::LeakyRelu(slope) => z.leaky_relu(slope),
        }
    }
}

/// The name used in saved models: `relu`, `tanh`, `sigmoid`, `identity`, or
/// `leaky_relu(<slope>)` with the slope written so that it reads back exactly.
///
/// ```
/// use tapegrad::nn::Activation;
///
/// assert_eq!(Activation::Tanh.to_string(), "tanh");
/// assert_eq!(Activation::LeakyRelu(0.01).to_string(), "leaky_relu(0.01)");
/// ```
impl fmt::Display for Activation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Activation::Relu => f.write_str("relu"),
            Activation::Tanh => f.write_str("tanh"),
            Activation::Sigmoid => f.write_str("sigmoid"),
            Activation::Identity => f.write_str("identity"),
            Activation::LeakyRelu(slope) => write!(f, "leaky_relu({slope:?})"),
        }
    }
}
