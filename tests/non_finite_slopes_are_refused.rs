//! A leaky relu whose slope is NaN or infinite has no useful output, so it is refused: a model
//! file that has one is a load error naming its line, and building a network with one panics
//! with a message that says what to do.
#![cfg(feature = "nn")]

use tapegrad::nn::{Activation, Init, Layer, LoadError, LoadProblem, Mlp, Neuron};

const SLOPES: [&str; 5] = ["nan", "NaN", "inf", "-inf", "infinity"];

fn file_with_slope(slope: &str) -> String {
    format!(
        "tapegrad-mlp 1\ninputs 1\nlayer 1 relu\nlayer 1 leaky_relu({slope})\n\
         layer1.neuron1.w1 1\nlayer1.neuron1.b 0\nlayer2.neuron1.w1 1\nlayer2.neuron1.b 0\nend\n"
    )
}

fn assert_slope_error_on_line_4(result: Result<Mlp, LoadError>, slope: &str) {
    match result {
        Err(LoadError::Invalid { line, problem }) => {
            assert_eq!(line, 4, "slope {slope}");
            assert_eq!(
                problem,
                LoadProblem::Slope {
                    text: format!("leaky_relu({slope})")
                }
            );
        }
        other => panic!("slope {slope}: expected a load error on line 4, got {other:?}"),
    }
}

#[test]
fn a_model_text_with_a_non_finite_slope_is_an_error_naming_its_line() {
    for slope in SLOPES {
        assert_slope_error_on_line_4(Mlp::from_text(&file_with_slope(slope)), slope);
    }
}

#[test]
fn model_bytes_with_a_non_finite_slope_are_an_error_naming_their_line() {
    for slope in SLOPES {
        assert_slope_error_on_line_4(Mlp::from_bytes(file_with_slope(slope).as_bytes()), slope);
    }
}

#[test]
fn a_model_file_with_a_non_finite_slope_is_an_error_naming_its_line() {
    let path = std::env::temp_dir().join(format!("tapegrad-nan-slope-{}.txt", std::process::id()));
    std::fs::write(&path, file_with_slope("nan")).unwrap();
    let loaded = Mlp::load(&path);
    std::fs::remove_file(&path).unwrap();
    assert_slope_error_on_line_4(loaded, "nan");
}

#[test]
fn the_slope_error_says_what_a_slope_must_be() {
    let err = Mlp::from_text(&file_with_slope("nan")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "line 4: `leaky_relu(nan)` has no usable slope: a leaky relu's slope must be a finite number"
    );
}

#[test]
fn finite_slopes_still_load() {
    for slope in ["0.01", "-2.5", "0", "1e300"] {
        assert!(
            Mlp::from_text(&file_with_slope(slope)).is_ok(),
            "slope {slope}"
        );
    }
}

#[test]
#[should_panic(expected = "a leaky relu's slope must be a finite number, not NaN or infinite")]
fn a_layer_with_a_nan_slope_panics_saying_so() {
    Layer::new(2, 3, Activation::leaky_relu(f64::NAN), Init::He, 0);
}

#[test]
#[should_panic(expected = "a leaky relu's slope must be a finite number, not NaN or infinite")]
fn an_mlp_with_an_infinite_slope_panics_saying_so() {
    Mlp::new(
        2,
        &[
            (3, Activation::leaky_relu(f64::INFINITY)),
            (1, Activation::Identity),
        ],
        Init::He,
        0,
    );
}

#[test]
#[should_panic(expected = "a leaky relu's slope must be a finite number, not NaN or infinite")]
fn a_neuron_with_an_infinite_slope_panics_saying_so() {
    Neuron::from_parameters(vec![1.0], 0.0, Activation::leaky_relu(f64::NEG_INFINITY));
}
