//! A model's parameters, borrowed to be updated: what [`Module::parameters_mut`] returns and
//! what an optimizer's step takes.
//!
//! [`Module::parameters_mut`]: super::Module::parameters_mut

use std::cell::RefCell;
use std::fmt;
use std::vec;

/// Every parameter of a model, borrowed to be changed, in binding order: what
/// [`Module::parameters_mut`](super::Module::parameters_mut) returns, to pass to
/// [`Optimizer::step`](super::Optimizer::step) or to change by hand.
///
/// The references are gathered once, into memory kept from one call to the next on the
/// thread, so that a training step allocates nothing for them.
///
/// ```
/// use tapegrad::nn::{Activation, Module, Neuron};
///
/// let mut neuron = Neuron::from_parameters(vec![2.0, -1.0], 0.5, Activation::Tanh);
/// let mut params = neuron.parameters_mut();
/// assert_eq!(params.len(), 3);
/// for p in &mut params {
///     *p *= 2.0;
/// }
/// drop(params);
/// assert_eq!(neuron.parameters(), [4.0, -2.0, 1.0]);
/// ```
pub struct ParametersMut<'a>(vec::IntoIter<&'a mut f64>);

thread_local! {
    /// The memory of the last `ParametersMut`s dropped on this thread, empty. Two can be
    /// alive at once (an optimizer's step gathers the references of the `ParametersMut` it
    /// is given once more, to count them), so it keeps a few.
    static SPARE: RefCell<Vec<Vec<&'static mut f64>>> = const { RefCell::new(Vec::new()) };
}

/// How many vectors [`SPARE`] keeps.
const KEPT: usize = 4;

impl<'a> ParametersMut<'a> {
    /// The references `fill` pushes, in memory recycled from the last `ParametersMut`.
    pub(crate) fn gather(fill: impl FnOnce(&mut Vec<&'a mut f64>)) -> Self {
        let spare = SPARE.with_borrow_mut(Vec::pop).unwrap_or_default();
        let mut refs = recycle(spare);
        fill(&mut refs);
        ParametersMut(refs.into_iter())
    }

    /// The parameters left, as a slice, for [`Optimizer::update`](super::Optimizer::update).
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Module, Neuron};
    ///
    /// let mut neuron = Neuron::from_parameters(vec![2.0], 0.5, Activation::Tanh);
    /// let mut params = neuron.parameters_mut();
    /// *params.as_mut_slice()[1] = 0.0;
    /// drop(params);
    /// assert_eq!(neuron.bias(), 0.0);
    /// ```
    pub fn as_mut_slice(&mut self) -> &mut [&'a mut f64] {
        self.0.as_mut_slice()
    }
}

impl<'a> Iterator for ParametersMut<'a> {
    type Item = &'a mut f64;
    fn next(&mut self) -> Option<&'a mut f64> {
        self.0.next()
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl DoubleEndedIterator for ParametersMut<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back()
    }
}

impl ExactSizeIterator for ParametersMut<'_> {}

/// Shows the numbers left, as `ParametersMut[1.0, 2.0]`.
///
/// ```
/// use tapegrad::nn::{Activation, Module, Neuron};
///
/// let mut neuron = Neuron::from_parameters(vec![2.0], 0.5, Activation::Tanh);
/// assert_eq!(format!("{:?}", neuron.parameters_mut()), "ParametersMut[2.0, 0.5]");
/// ```
impl fmt::Debug for ParametersMut<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ParametersMut")?;
        f.debug_list().entries(self.0.as_slice()).finish()
    }
}

impl Drop for ParametersMut<'_> {
    fn drop(&mut self) {
        let memory = recycle(std::mem::take(&mut self.0));
        SPARE.with_borrow_mut(|spare| {
            if spare.len() < KEPT {
                spare.push(memory);
            }
        });
    }
}

/// The memory of `refs`, emptied, for references of another lifetime. Collecting a vector's
/// own iterator into a vector of elements of the same size reuses its memory (std's in-place
/// collection), so this allocates nothing; were std ever to stop doing so, each step would
/// allocate (`tests/training_memory_is_flat.rs` would say) and still be correct.
fn recycle<'a, 'b>(
    refs: impl IntoIterator<Item = &'a mut f64, IntoIter = vec::IntoIter<&'a mut f64>>,
) -> Vec<&'b mut f64> {
    refs.into_iter()
        .take(0)
        .map(|_| unreachable!("take(0) yields nothing"))
        .collect()
}
