//! `loss::no_penalty` makes `DataParallel` compute the mean loss alone.
#![cfg(feature = "nn")]

use tapegrad::Tape;
use tapegrad::nn::{self, Activation, DataParallel, Init, Mlp, Module, Run, loss};

#[test]
fn no_penalty_gives_the_mean_loss_alone() {
    let data = nn::moons(40, 0.1, 3);
    let model = Mlp::new(
        2,
        &[(6, Activation::Tanh), (1, Activation::Identity)],
        Init::Xavier,
        2,
    );

    // The mean squared error on one tape, with no penalty term at all.
    let tape = Tape::new();
    let params = model.bind(&tape);
    let mean =
        tape.sum(data.iter().map(|(x, t)| {
            loss::squared_error(model.forward(params, Run::vars(&tape, x)).get(0), t)
        })) / data.len() as f64;
    mean.backward();
    let mut want = Vec::new();
    params.grads_into(&mut want);

    // 40 points are too few to split by the measured rule; split too when told to.
    let ways = (1..=3).flat_map(|threads| {
        [
            DataParallel::new(threads),
            DataParallel::new(threads).split_batches_from(1),
        ]
    });
    for (k, mut parallel) in ways.enumerate() {
        let threads = parallel.threads();
        let mut grads = Vec::new();
        let got = parallel.loss_and_gradient(
            &model,
            &data,
            |out, t| loss::squared_error(out.get(0), t),
            loss::no_penalty,
            &mut grads,
        );
        assert!(
            (got - mean.data()).abs() <= 1e-12,
            "{threads} threads, way {k}: {got} vs {}",
            mean.data()
        );
        assert_eq!(grads.len(), want.len());
        for (g, w) in grads.iter().zip(&want) {
            assert!(
                (g - w).abs() <= 1e-12,
                "{threads} threads, way {k}: {g} vs {w}"
            );
        }
    }
}
