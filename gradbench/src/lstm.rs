//! `lstm`: the loss of ADBench's LSTM (diagonal weights) predicting a text one character
//! ahead (`objective`), and its gradient by every weight and bias (`jacobian`): one recording
//! on a reused tape and one backward sweep.
//!
//! Recorded op by op: a cell's two updates as statements (`Tape::statement_of` on 9 and 4
//! inputs, two nodes where op by op records twelve) measured 1.0 to 1.5 times slower
//! (`benches/README.md`).

use serde::Deserialize;
use serde_json::Value as Json;
use tapegrad::{Scalar, Tape};

use crate::fused::Fused;
use crate::protocol::{Evaluated, input, no_function, timed};
use crate::reverse::gradient;

#[derive(Deserialize)]
struct Input {
    main_params: Vec<Vec<f64>>,
    extra_params: Vec<Vec<f64>>,
    state: Vec<Vec<f64>>,
    sequence: Vec<Vec<f64>>,
}

/// The sizes and the data: `layers` layers of `b` cells, a text of `c` characters of `b`
/// bits each, and the initial state.
pub struct Text {
    layers: usize,
    b: usize,
    /// `2 layers x b`: each layer's hidden values, then its cells.
    state: Vec<f64>,
    /// `c x b`, a character a row.
    sequence: Vec<f64>,
}

/// One layer's gates for cell `i`: forget `f`, input `g`, output `o` and change `c`, each
/// `σ(x w + b)` (`tanh` for the change), with `x` the layer's input for `f` and `o` and its
/// hidden value for `g` and `c`; then `cell = cell f + g c` and `hidden = o tanh(cell)`.
/// `params` is the layer's `8b` numbers: the four gates' weights, then their biases.
fn layer<S: Scalar>(b: usize, params: &[S], hidden: &mut [S], cell: &mut [S], input: &[S]) {
    let (weight, bias) = params.split_at(4 * b);
    for i in 0..b {
        let forget = input[i].mul_add(weight[i], bias[i]).sigmoid();
        let ingate = hidden[i].mul_add(weight[b + i], bias[b + i]).sigmoid();
        let outgate = input[i]
            .mul_add(weight[2 * b + i], bias[2 * b + i])
            .sigmoid();
        let change = hidden[i].mul_add(weight[3 * b + i], bias[3 * b + i]).tanh();
        cell[i] = cell[i].mul_add(forget, ingate * change);
        hidden[i] = outgate * cell[i].tanh();
    }
}

/// The loss `-(1 / ((c-1) b)) Σ_t Σ_i y_{t+1,i} (ŷ_ti - log(2 + Σ_j exp ŷ_tj))`, where `ŷ_t`
/// is the prediction from characters `0..=t`: the character scaled by the input weights, run
/// through the layers, then scaled and shifted by the output weights and biases.
/// `main` is `2 layers x 4b` (per layer, a row of weights and a row of biases), `extra` is
/// `3 x b` (input weights, output weights, output biases), both row after row.
pub fn objective<S: Fused>(t: &Text, main: &[S], extra: &[S]) -> S {
    let (b, layers) = (t.b, t.layers);
    let (in_weight, rest) = extra.split_at(b);
    let (out_weight, out_bias) = rest.split_at(b);
    let mut state: Vec<S> = t.state.iter().map(|&s| main[0].lift(s)).collect();
    let mut prediction = Vec::with_capacity(b);
    let mut normalized = Vec::with_capacity(b);
    let mut steps = Vec::with_capacity(t.sequence.len() / b);
    let characters: Vec<&[f64]> = t.sequence.chunks(b).collect();
    for pair in characters.windows(2) {
        let (current, next) = (pair[0], pair[1]);
        prediction.clear();
        prediction.extend(current.iter().zip(in_weight).map(|(&x, &w)| w * x));
        for l in 0..layers {
            let params = &main[8 * b * l..][..8 * b];
            // The first layer reads the scaled character, each other the hidden values of
            // the layer below, already updated for this character.
            let (below, this) = state.split_at_mut(2 * b * l);
            let (hidden, cell) = this[..2 * b].split_at_mut(b);
            let input: &[S] = if l == 0 {
                &prediction
            } else {
                &below[2 * b * (l - 1)..][..b]
            };
            layer(b, params, hidden, cell, input);
        }
        let top = &state[2 * b * (layers - 1)..][..b];
        for i in 0..b {
            prediction[i] = top[i].mul_add(out_weight[i], out_bias[i]);
        }
        let lse = (prediction.iter().map(|p| p.exp()).sum::<S>() + 2.0).ln();
        normalized.clear();
        normalized.extend(prediction.iter().map(|&p| p - lse));
        steps.push(S::dot_numbers(&normalized, next));
    }
    let count = ((characters.len() - 1) * b) as f64;
    -steps.iter().copied().sum::<S>() / count
}

pub fn evaluate(function: &str, json: &Json) -> Result<Evaluated, String> {
    let (inp, runs) = input::<Input>(json)?;
    let layers = inp.main_params.len() / 2;
    let b = inp.main_params.first().map_or(0, |row| row.len() / 4);
    if layers == 0 || b == 0 || inp.sequence.len() < 2 {
        return Err("lstm: needs a layer, a cell and two characters".into());
    }
    let text = Text {
        layers,
        b,
        state: inp.state.concat(),
        sequence: inp.sequence.concat(),
    };
    let (main, extra) = (inp.main_params.concat(), inp.extra_params.concat());
    match function {
        "objective" => timed(runs, || objective(&text, &main, &extra)),
        "jacobian" => {
            // Both groups of parameters, in the order of the answer.
            let params: Vec<f64> = main.iter().chain(&extra).copied().collect();
            let mut tape = Tape::new();
            timed(runs, || {
                gradient(&mut tape, &params, |p| {
                    let (main, extra) = p.split_at(main.len());
                    objective(&text, main, extra)
                })
            })
        }
        _ => Err(no_function("lstm", function)),
    }
}

#[cfg(test)]
mod reference_tests {
    //! Against GradBench's hand-written reference (its `manual` tool) on a small input.
    use crate::protocol::assert_evaluates_to;

    const INPUT: &str = r#"{"main_params":[[0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8],[0.9,0.1,0.2,0.3,0.4,0.5,0.6,0.7]],"extra_params":[[0.3,0.6],[0.2,0.8],[0.5,0.1]],"state":[[0.4,0.3],[0.2,0.7]],"sequence":[[1,0],[0,1],[1,1],[0,0]]}"#;

    #[test]
    fn objective_matches_the_reference() {
        let expected = r#"0.5894016654105989"#;
        assert_evaluates_to(super::evaluate, "objective", INPUT, expected, 1e-9);
    }

    #[test]
    fn jacobian_matches_the_reference() {
        let expected = r#"[2.3465312987513622e-05,-0.002051494847296884,-7.574718258166376e-05,-0.003600739194232736,0.00034958513946580904,-0.0047370533033377635,-0.00016763971089314277,-0.005358888510461166,-0.0003706681893172476,-0.011003568225800323,-0.0003224165750271074,-0.010778070526433451,-0.0006421206269296228,-0.023506759854062472,-0.0006688820544573353,-0.01622910174640028,0.0005904636701055195,-0.005420884919103391,-0.004910860730987482,-0.0824806303616639,-0.0023240451303856344,-0.18293904727277346]"#;
        assert_evaluates_to(super::evaluate, "jacobian", INPUT, expected, 1e-9);
    }
}
