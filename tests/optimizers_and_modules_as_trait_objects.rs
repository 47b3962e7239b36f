//! `Box<dyn Optimizer>` and `Box<dyn Module>` are optimizers and modules: both chosen from a
//! configuration at run time train a network as the concrete types do, to the bit.
#![cfg(feature = "nn")]

use tapegrad::nn::{
    self, Activation, Adam, AdamW, DataParallel, Init, Layer, Mlp, Module, Optimizer, Sgd, loss,
};

/// What a configuration file might say.
struct Config {
    optimizer: &'static str,
    hidden: Option<usize>,
}

fn optimizer(config: &Config) -> Box<dyn Optimizer> {
    match config.optimizer {
        "sgd" => Box::new(Sgd::new(0.1).with_momentum(0.9)),
        "adam" => Box::new(Adam::new(0.05)),
        "adamw" => Box::new(AdamW::new(0.05, 1e-2)),
        other => panic!("unknown optimizer {other}"),
    }
}

fn model(config: &Config) -> Box<dyn Module + Sync> {
    match config.hidden {
        Some(width) => Box::new(Mlp::new(
            2,
            &[(width, Activation::Tanh), (1, Activation::Identity)],
            Init::Xavier,
            3,
        )),
        None => Box::new(Layer::new(2, 1, Activation::Identity, Init::Xavier, 3)),
    }
}

/// Ten steps of hinge loss on the moons; returns the parameters' bits and the losses.
fn train<M: Module + Sync, O: Optimizer>(model: &mut M, opt: &mut O) -> (Vec<u64>, Vec<f64>) {
    let data = nn::moons(30, 0.1, 0);
    let mut parallel = DataParallel::new(1);
    let mut grads = Vec::new();
    let mut losses = Vec::new();
    for _ in 0..10 {
        let l = parallel.loss_and_gradient(
            &*model,
            &data,
            |out, label| loss::hinge(out.get(0), label),
            |p| loss::l2(p) * 1e-4,
            &mut grads,
        );
        opt.step(model.parameters_mut(), &grads);
        losses.push(l);
    }
    let bits = model.parameters().iter().map(|p| p.to_bits()).collect();
    (bits, losses)
}

#[test]
fn boxed_optimizers_and_modules_train_as_the_concrete_ones_do() {
    for (name, hidden) in [("sgd", Some(4)), ("adam", None), ("adamw", Some(3))] {
        let config = Config {
            optimizer: name,
            hidden,
        };
        let (mut boxed_model, mut boxed_opt) = (model(&config), optimizer(&config));
        let boxed = train(&mut boxed_model, &mut boxed_opt);
        assert!(boxed.1[9] < boxed.1[0], "{name}: {:?}", boxed.1);

        let concrete = match (name, hidden) {
            ("sgd", Some(w)) => train(
                &mut Mlp::new(
                    2,
                    &[(w, Activation::Tanh), (1, Activation::Identity)],
                    Init::Xavier,
                    3,
                ),
                &mut Sgd::new(0.1).with_momentum(0.9),
            ),
            ("adam", None) => train(
                &mut Layer::new(2, 1, Activation::Identity, Init::Xavier, 3),
                &mut Adam::new(0.05),
            ),
            _ => train(
                &mut Mlp::new(
                    2,
                    &[(3, Activation::Tanh), (1, Activation::Identity)],
                    Init::Xavier,
                    3,
                ),
                &mut AdamW::new(0.05, 1e-2),
            ),
        };
        assert_eq!(boxed, concrete, "{name}");
    }
}

#[test]
fn a_boxed_module_evaluates_names_and_binds_as_its_content() {
    let mlp = Mlp::new(
        2,
        &[(3, Activation::Relu), (2, Activation::Identity)],
        Init::He,
        1,
    );
    let boxed: Box<dyn Module> = Box::new(mlp.clone());
    assert_eq!(boxed.parameter_names(), mlp.parameter_names());
    assert_eq!(boxed.named_parameters(), mlp.named_parameters());
    let (mut a, mut b) = (Vec::new(), Vec::new());
    boxed.evaluate(&[0.5, 1.5], &mut a);
    mlp.evaluate(&[0.5, 1.5], &mut b);
    assert_eq!(a, b);
    assert_eq!((boxed.inputs(), boxed.outputs()), (2, 2));
}

#[test]
#[should_panic(expected = "the optimizer got 1 parameters and 2 gradients")]
fn a_boxed_optimizer_checks_its_sizes() {
    let mut opt: Box<dyn Optimizer> = Box::new(Adam::default());
    let mut x = 0.0;
    opt.update(&mut [&mut x], &[1.0, 2.0]);
}
