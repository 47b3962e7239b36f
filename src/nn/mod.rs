//! Neural networks on the tape: neurons, layers, MLPs, losses, optimizers, data sets, and
//! saving and loading, with every gradient computed by the tape's backward pass.
//!
//! # How a parameter lives across steps
//!
//! A parameter is a plain `f64` inside the model ([`Neuron`], [`Layer`], [`Mlp`]); between
//! steps it is nothing else. Each training step gives it a short second life on a tape:
//!
//! 1. **Clear the tape.** [`Tape::clear`](crate::Tape::clear) forgets the last step's nodes
//!    and keeps their memory. It needs `&mut`, so the borrow checker guarantees that no value
//!    of the last step is still around.
//! 2. **Bind.** [`Module::bind`] records every parameter as a leaf, one after another, and
//!    returns them as a [`Run`]: for each layer, each neuron, its weights and then its bias.
//! 3. **Forward.** Each point's inputs become leaves ([`Run::vars`]) and
//!    [`Module::forward`] records the network on them: one `w·x + b` node per neuron (its
//!    weights, its bias and its inputs sit in consecutive nodes, so the tape stores the
//!    neuron as one fused node) and one node per activation. A [`loss`] function turns the
//!    outputs into one number.
//! 4. **Backward.** [`Value::backward`](crate::Value::backward) on the loss gives every node
//!    its gradient; [`Run::grads_into`] copies the parameters' gradients into a buffer.
//! 5. **Update.** An [`Optimizer`] changes the `f64`s in the model through
//!    [`Module::parameters_mut`]. Its own state (momentum, Adam's moments) lives in the
//!    optimizer, indexed like the parameters.
//!
//! The tape, the gradient buffer and the optimizer's state are the same from step to step, so
//! once the tape has held the longest step a step allocates nothing, and memory stays flat
//! however long the training runs. (Most losses record the same nodes at every step, so that
//! is the first step; softmax cross-entropy records two nodes fewer at a point whose class
//! already scores highest.)
//!
//! # A tour
//!
//! Learning XOR, which needs a hidden layer (see `examples/xor.rs` for why):
//!
//! ```
//! use tapegrad::Tape;
//! use tapegrad::nn::{self, Activation, Adam, Init, Mlp, Module, Optimizer, Run, loss};
//!
//! let data = nn::xor();
//! let mut model = Mlp::new(
//!     2,
//!     &[(4, Activation::Tanh), (1, Activation::Identity)],
//!     Init::Xavier,
//!     1,
//! );
//! let mut adam = Adam::new(0.1);
//! let mut tape = Tape::new();
//! let mut grads = Vec::new();
//! for _ in 0..300 {
//!     tape.clear();
//!     let params = model.bind(&tape);
//!     let total = tape.sum(data.iter().map(|(x, target)| {
//!         let logit = model.forward(params, Run::vars(&tape, x)).get(0);
//!         loss::binary_cross_entropy_with_logits(logit, target)
//!     })) / data.len() as f64;
//!     total.backward();
//!     params.grads_into(&mut grads);
//!     adam.step(model.parameters_mut(), &grads);
//! }
//! for (x, target) in data.iter() {
//!     let logit = model.predict(x)[0];
//!     assert_eq!(logit > 0.0, target == 1.0);
//! }
//! // Saliency: how the prediction at (0, 1) changes with each input.
//! let saliency = model.input_gradient(&[0.0, 1.0], 0);
//! assert_eq!(saliency.len(), 2);
//! ```
//!
//! The pieces:
//!
//! - Models: [`Neuron`], [`Layer`], [`Mlp`] share the [`Module`] trait, which a layer of
//!   one's own implements too; [`Activation`] per layer; [`Init`] for the first weights, from
//!   a seed. Every random number (weights, data sets, shuffles, dropout masks) comes from
//!   xoshiro256++ seeded by SplitMix64, written out in the crate, so the same seed gives the
//!   same numbers in every version and on every platform.
//! - Losses in [`loss`]: squared error and MSE, binary cross-entropy on logits, hinge,
//!   softmax cross-entropy, L1 and L2 penalties; [`Dropout`] while training.
//! - Optimizers: [`Sgd`] (momentum, weight decay), [`Adam`] (coupled weight decay),
//!   [`AdamW`] (decoupled weight decay); learning-rate [`Schedule`]s.
//! - Data: [`xor`], [`moons`], [`spiral`], as [`Dataset`]s; [`Dataset::split`],
//!   [`Dataset::batches`], [`Dataset::subset`]; targets of any type, class labels as
//!   `usize` ([`spiral`]'s, [`Dataset::into_classes`]); [`Dataset::try_new`] for numbers
//!   from outside, with a [`DataError`].
//! - Evaluation without a tape: [`Module::evaluate`], [`Mlp::predict`],
//!   [`Mlp::predictions`], [`Mlp::accuracy`], [`Mlp::mean_loss`]; [`argmax`], [`softmax`].
//! - Files: [`Mlp::save`], [`Mlp::load`] (errors: [`LoadError`]); with an optimizer's state,
//!   to resume training: [`Mlp::save_with_optimizer`], [`Mlp::load_with_optimizer`]
//!   ([`Resumable`]).
//! - Names: [`Module::named_parameters`], the parameters by name in binding order (pairs,
//!   like PyTorch's `named_parameters()`), with the names model files use.
//! - Trait objects: `Box<dyn Module>` and `Box<dyn Optimizer>`, to choose a model or an
//!   optimizer at run time.
//! - Threads: [`DataParallel`] splits a batch's gradient across rayon's threads, dropout
//!   included, with the same numbers for any number of threads.
//! - Saliency: [`Mlp::input_gradient`].

mod adamw;
mod checkpoint;
mod data;
mod dropout;
mod eval;
mod init;
mod io;
mod labels;
mod layer;
mod load_error;
pub mod loss;
mod mlp;
mod module;
mod optim;
mod parallel;
mod parameters;
mod rng;
mod run;
mod schedule;
mod subsets;

pub use crate::{Activation, LeakySlope};
pub use adamw::AdamW;
pub use checkpoint::Resumable;
pub use data::{DataError, Dataset, moons, spiral, xor};
pub use dropout::Dropout;
pub use eval::{argmax, softmax};
pub use init::Init;
pub use labels::Label;
pub use layer::{Layer, Neuron};
pub use load_error::{LoadError, LoadProblem};
pub use mlp::Mlp;
pub use module::Module;
pub use optim::{Adam, Optimizer, Sgd};
pub use parallel::DataParallel;
pub use parameters::ParametersMut;
pub use run::{Run, RunIter};
pub use schedule::Schedule;
pub use subsets::Batches;
