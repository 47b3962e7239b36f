//! How a new network's weights are drawn.

use super::rng::Rng;

/// The distribution of a new network's weights; biases start at 0.
///
/// All three draw from a uniform distribution `[-limit, limit)`; they differ in the limit.
/// Scaling the limit with the number of inputs keeps the size of the signal roughly the same
/// from layer to layer, so deep or wide networks start neither saturated nor silent.
/// Weights come from a seeded generator (xoshiro256++ seeded by SplitMix64, written out in the
/// crate), so the same seed gives the same network, bit for bit, in every version of the
/// crate and on every platform.
///
/// ```
/// use tapegrad::nn::Init;
///
/// assert_eq!(Init::Uniform.limit(16, 16), 1.0);
/// assert_eq!(Init::Xavier.limit(4, 2), 1.0); // sqrt(6 / (4 + 2))
/// assert_eq!(Init::He.limit(6, 16), 1.0); // sqrt(6 / 6)
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Init {
    /// `limit = 1`, whatever the layer's size: micrograd's choice.
    Uniform,
    /// Glorot and Bengio's `limit = sqrt(6 / (inputs + outputs))`, for tanh and sigmoid
    /// layers (PyTorch's `xavier_uniform_`).
    Xavier,
    /// He et al.'s `limit = sqrt(6 / inputs)`, for ReLU layers (PyTorch's
    /// `kaiming_uniform_` with ReLU's gain).
    He,
}

impl Init {
    /// The half-width of the range weights are drawn from, for a layer with `inputs` inputs
    /// and `outputs` neurons.
    ///
    /// ```
    /// use tapegrad::nn::Init;
    ///
    /// assert!((Init::He.limit(2, 16) - 3f64.sqrt()).abs() < 1e-15);
    /// ```
    pub fn limit(self, inputs: usize, outputs: usize) -> f64 {
        match self {
            Init::Uniform => 1.0,
            Init::Xavier => (6.0 / (inputs + outputs) as f64).sqrt(),
            Init::He => (6.0 / inputs as f64).sqrt(),
        }
    }

    /// `inputs` weights for one neuron of a layer of `outputs` neurons.
    pub(crate) fn weights(self, inputs: usize, outputs: usize, rng: &mut Rng) -> Vec<f64> {
        let limit = self.limit(inputs, outputs);
        (0..inputs).map(|_| rng.uniform(-limit, limit)).collect()
    }
}
