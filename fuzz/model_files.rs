//! Any bytes given to the model loader give a model or a `LoadError`, never a panic; a model
//! that loads writes back to text that loads to the same model, bit for bit, and predicts.

use tapegrad::nn::{Mlp, Module};

/// Loads the bytes as a model, checking what must hold; panics if a check fails.
pub fn check(bytes: &[u8]) {
    let Ok(model) = Mlp::from_bytes(bytes) else {
        return;
    };
    let again = Mlp::from_text(&model.to_text()).expect("a saved model loads again");
    let shape = |m: &Mlp| -> Vec<String> {
        m.layers()
            .iter()
            .map(|l| format!("{} {} {}", l.inputs(), l.outputs(), l.activation()))
            .collect()
    };
    assert_eq!(shape(&model), shape(&again));
    let (before, after) = (model.parameters(), again.parameters());
    assert_eq!(before.len(), after.len());
    for (a, b) in before.iter().zip(&after) {
        assert!(a.is_finite(), "a model loaded with the parameter {a}");
        assert_eq!(a.to_bits(), b.to_bits(), "{a} became {b}");
    }
    let outputs = model.predict(&vec![0.5; model.inputs()]);
    assert_eq!(outputs.len(), model.outputs());
}
