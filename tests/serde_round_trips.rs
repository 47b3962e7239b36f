//! The `serde` feature: a model, the optimizers (their state included), a standardiser and
//! a history go through JSON (serde_json with `float_roundtrip`) and come back equal, bit
//! for bit, and training goes on from them as if nothing had happened; data that would break
//! a type's invariants is an error.
#![cfg(feature = "nn")]
#![cfg(feature = "serde")]

use tapegrad::nn::{
    Activation, Adam, AdamW, History, Init, Mlp, Module, Optimizer, Sgd, Standardize,
};

fn round_trip<T: serde::Serialize + serde::de::DeserializeOwned>(value: &T) -> T {
    let json = serde_json::to_string(value).unwrap();
    serde_json::from_str(&json).unwrap()
}

fn model() -> Mlp {
    Mlp::new(
        3,
        &[
            (5, Activation::leaky_relu(0.01)),
            (4, Activation::Sigmoid),
            (2, Activation::Identity),
        ],
        Init::Xavier,
        9,
    )
}

/// Steps `opt` three times on `model`, then checks that a copy made through JSON takes the
/// same next step.
fn assert_resumes<O: Optimizer + Clone + serde::Serialize + serde::de::DeserializeOwned>(
    mut opt: O,
) {
    let mut model = model();
    for k in 0..3 {
        let grads: Vec<f64> = (0..model.parameter_count())
            .map(|i| ((i * 7 + k) % 5) as f64 - 2.0)
            .collect();
        opt.step(model.parameters_mut(), &grads);
    }
    let mut copy = round_trip(&opt);
    assert_eq!(copy.steps(), opt.steps());
    let (mut a, mut b) = (round_trip(&model), model.clone());
    assert_eq!(a, b);
    let grads = vec![0.25; a.parameter_count()];
    opt.step(a.parameters_mut(), &grads);
    copy.step(b.parameters_mut(), &grads);
    assert_eq!(a, b);
}

#[test]
fn models_come_back_bit_for_bit() {
    let mlp = model();
    let back = round_trip(&mlp);
    assert_eq!(back, mlp);
    let bits = |m: &Mlp| {
        m.parameters()
            .iter()
            .map(|p| p.to_bits())
            .collect::<Vec<u64>>()
    };
    assert_eq!(bits(&back), bits(&mlp));
}

#[test]
fn optimizers_come_back_with_their_state() {
    assert_resumes(Sgd::new(0.1).with_momentum(0.9).with_weight_decay(1e-3));
    assert_resumes(Adam::new(0.01).with_weight_decay(1e-4));
    assert_resumes(AdamW::new(0.01, 0.1));
}

#[test]
fn standardisers_and_histories_come_back_equal() {
    let standardize = Standardize::new(vec![0.1 + 0.2, -3.0], vec![1.0 / 3.0, 2.5]);
    assert_eq!(round_trip(&standardize), standardize);
    let mut history = History::new();
    history.record(0.9, Some(1.0), &[("accuracy", 0.5)]);
    history.record(0.4, None, &[("accuracy", 0.75)]);
    assert_eq!(round_trip(&history), history);
}

#[test]
fn data_that_breaks_an_invariant_is_an_error() {
    let cases = [
        (r#"{"layers": []}"#, "an Mlp needs at least one layer"),
        (r#"{"layers": [[]]}"#, "layer 1 has no neurons"),
        (
            r#"{"layers": [[{"weights": [1.0], "bias": 0.0, "activation": "relu"},
                            {"weights": [1.0, 2.0], "bias": 0.0, "activation": "relu"}]]}"#,
            "layer 1 neuron 2 has 2 weights, but neuron 1 has 1 (at least 1)",
        ),
        (
            r#"{"layers": [[{"weights": [1.0], "bias": 0.0, "activation": "relu"},
                            {"weights": [1.0], "bias": 0.0, "activation": "tanh"}]]}"#,
            "layer 1 neuron 2's activation is tanh, but neuron 1's is relu",
        ),
        (
            r#"{"layers": [[{"weights": [1.0], "bias": 0.0, "activation": "relux"}]]}"#,
            "unknown activation `relux`",
        ),
    ];
    for (json, message) in cases {
        let err = serde_json::from_str::<Mlp>(json).unwrap_err().to_string();
        assert!(err.starts_with(message), "{err}");
    }
    let history = r#"{"train_loss": [0.5, 0.4], "validation_loss": [null], "metrics": []}"#;
    let err = serde_json::from_str::<History>(history)
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("2 training losses but 1 validation losses"),
        "{err}"
    );
    let scale = r#"{"means": [0.0, 1.0], "scales": [1.0, -1.0]}"#;
    let err = serde_json::from_str::<Standardize>(scale)
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("input 1's mean must be finite and its scale finite and above 0"),
        "{err}"
    );
}
