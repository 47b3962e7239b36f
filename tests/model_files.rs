//! Saving and loading models: a round trip is exact to the bit, and every kind of damaged
//! file gives a typed error naming the line and the problem, never a panic and never a
//! model that differs from what the file says.
#![cfg(feature = "nn")]

use proptest::prelude::*;
use tapegrad::nn::{Activation, Init, Layer, LoadError, LoadProblem, Mlp, Module, Neuron};

fn model() -> Mlp {
    Mlp::new(
        3,
        &[
            (4, Activation::Relu),
            (2, Activation::leaky_relu(0.01)),
            (3, Activation::Tanh),
            (1, Activation::Sigmoid),
            (2, Activation::Identity),
        ],
        Init::He,
        99,
    )
}

/// A small model's file: inputs 1, one layer of one relu neuron.
const SMALL: &str = "tapegrad-mlp 1\ninputs 1\nlayer 1 relu\nlayer1.neuron1.w1 0.5\n\
                     layer1.neuron1.b -0.25\nend\n";

fn bits(model: &Mlp) -> Vec<u64> {
    model.parameters().into_iter().map(f64::to_bits).collect()
}

fn problem_at(text: &str) -> (usize, LoadProblem) {
    match Mlp::from_text(text) {
        Err(LoadError::Invalid { line, problem }) => (line, problem),
        other => panic!("expected an error for {text:?}, got {other:?}"),
    }
}

fn expected(expected: &str, found: &str) -> LoadProblem {
    LoadProblem::Expected {
        expected: expected.into(),
        found: found.into(),
    }
}

#[test]
fn round_trip_is_bit_exact() {
    let original = model();
    let loaded = Mlp::from_text(&original.to_text()).unwrap();
    assert_eq!(bits(&loaded), bits(&original));
    assert_eq!(loaded, original);
}

#[test]
fn files_spell_activations_in_their_own_syntax_not_by_display() {
    let mlp = Mlp::new(
        2,
        &[
            (2, Activation::leaky_relu(0.01)),
            (2, Activation::Relu),
            (1, Activation::Sigmoid),
        ],
        Init::He,
        0,
    );
    let text = mlp.to_text();
    assert!(text.contains("\nlayer 2 leaky_relu(0.01)\nlayer 2 relu\nlayer 1 sigmoid\n"));
    // The names people read differ, and do not reach the file.
    assert_eq!(
        Activation::leaky_relu(0.01).to_string(),
        "leaky ReLU (slope 0.01)"
    );
    assert_eq!(Activation::Relu.to_string(), "ReLU");
    assert_eq!(Mlp::from_text(&text).unwrap(), mlp);
}

#[test]
fn round_trip_keeps_awkward_numbers() {
    let awkward = [
        -0.0,
        5e-324,
        f64::MIN_POSITIVE,
        f64::MAX,
        -f64::MAX,
        0.1 + 0.2,
        1.0 / 3.0,
        -1.234_567_891_234_567_8e208,
    ];
    let neuron = Neuron::from_parameters(awkward[..7].to_vec(), awkward[7], Activation::Tanh);
    let original = Mlp::from_layers(vec![Layer::from_neurons(vec![neuron])]);
    let loaded = Mlp::from_text(&original.to_text()).unwrap();
    assert_eq!(bits(&loaded), bits(&original));
}

#[test]
fn a_non_finite_parameter_is_a_load_error_naming_its_line() {
    for (bad, written) in [
        (f64::NAN, "NaN"),
        (f64::INFINITY, "inf"),
        (f64::NEG_INFINITY, "-inf"),
    ] {
        let neuron = Neuron::from_parameters(vec![0.5, bad], 1.0, Activation::Relu);
        let text = Mlp::from_layers(vec![Layer::from_neurons(vec![neuron])]).to_text();
        let line = 1 + text
            .lines()
            .position(|l| l.starts_with("layer1.neuron1.w2"))
            .unwrap();
        assert_eq!(
            problem_at(&text),
            (
                line,
                LoadProblem::NotFinite {
                    name: "layer1.neuron1.w2".into(),
                    text: written.into()
                }
            )
        );
        let message = Mlp::from_text(&text).unwrap_err().to_string();
        assert_eq!(
            message,
            format!(
                "line {line}: parameter `layer1.neuron1.w2` is `{written}`: a model's \
                 parameters must be finite numbers"
            )
        );
    }
}

#[test]
fn save_and_load_through_a_file() {
    let original = model();
    let path = std::env::temp_dir().join(format!("tapegrad-model-{}.txt", std::process::id()));
    original.save(&path).unwrap();
    let loaded = Mlp::load(&path);
    std::fs::remove_file(&path).unwrap();
    assert_eq!(bits(&loaded.unwrap()), bits(&original));
}

#[test]
fn file_names_parameters_in_binding_order() {
    let text = Mlp::from_text(SMALL).unwrap().to_text();
    let names: Vec<&str> = text
        .lines()
        .filter(|l| l.contains('.') && !l.starts_with('#'))
        .map(|l| l.split(' ').next().unwrap())
        .collect();
    assert_eq!(names, ["layer1.neuron1.w1", "layer1.neuron1.b"]);
    let model = Mlp::from_text(SMALL).unwrap();
    assert_eq!(model.parameters(), [0.5, -0.25]);
}

#[test]
fn comments_blank_lines_and_crlf_are_accepted() {
    let text = "# saved by hand\r\ntapegrad-mlp 1\r\n\r\ninputs 1\r\n  layer 1 relu  \r\n\
                # the parameters\r\nlayer1.neuron1.w1 0.5\r\nlayer1.neuron1.b -0.25\r\nend";
    assert_eq!(
        Mlp::from_text(text).unwrap(),
        Mlp::from_text(SMALL).unwrap()
    );
}

#[test]
fn missing_file_is_an_io_error() {
    let err = Mlp::load("/definitely/not/here.txt").unwrap_err();
    assert!(matches!(err, LoadError::Io(_)));
    assert_eq!(err.line(), None);
}

#[test]
fn empty_file() {
    assert_eq!(
        problem_at(""),
        (
            1,
            LoadProblem::UnexpectedEnd {
                expected: "`tapegrad-mlp 1`".into()
            }
        )
    );
}

#[test]
fn not_a_model_file() {
    assert_eq!(
        problem_at("hello world\n"),
        (
            1,
            LoadProblem::NotAModel {
                found: "hello world".into()
            }
        )
    );
}

#[test]
fn future_format_version() {
    assert_eq!(
        problem_at("tapegrad-mlp 2\ninputs 1\n"),
        (1, LoadProblem::Version { found: "2".into() })
    );
}

#[test]
fn missing_inputs_line() {
    assert_eq!(
        problem_at("tapegrad-mlp 1\nlayer 1 relu\n"),
        (2, expected("`inputs <count>`", "layer 1 relu"))
    );
}

#[test]
fn zero_or_negative_or_fractional_sizes() {
    for size in ["0", "-3", "2.5", "two", "99999999999999999999999"] {
        let text = format!("tapegrad-mlp 1\ninputs {size}\n");
        assert_eq!(
            problem_at(&text),
            (2, LoadProblem::Size { text: size.into() }),
            "inputs {size}"
        );
        let text = format!("tapegrad-mlp 1\ninputs 2\nlayer {size} relu\n");
        assert_eq!(
            problem_at(&text),
            (3, LoadProblem::Size { text: size.into() })
        );
    }
}

#[test]
fn unknown_activation() {
    for name in [
        "relux",
        "leaky_relu",
        "leaky_relu(x)",
        "leaky_relu(0.1",
        "RELU",
    ] {
        let text = format!("tapegrad-mlp 1\ninputs 2\nlayer 3 {name}\n");
        assert_eq!(
            problem_at(&text),
            (3, LoadProblem::Activation { text: name.into() })
        );
    }
}

#[test]
fn no_layers() {
    assert_eq!(
        problem_at("tapegrad-mlp 1\ninputs 2\nlayer1.neuron1.w1 0.5\n"),
        (
            3,
            expected("`layer <neurons> <activation>`", "layer1.neuron1.w1 0.5")
        )
    );
}

#[test]
fn truncated_before_a_parameter() {
    let text = "tapegrad-mlp 1\ninputs 1\nlayer 1 relu\nlayer1.neuron1.w1 0.5\n";
    assert_eq!(
        problem_at(text),
        (
            5,
            LoadProblem::UnexpectedEnd {
                expected: "parameter `layer1.neuron1.b <value>`".into()
            }
        )
    );
}

#[test]
fn truncated_inside_the_last_number() {
    // Cut after "-0.2" of "-0.25": every number still parses, but `end` is missing.
    let cut = &SMALL[..SMALL.find("-0.25").unwrap() + 4];
    assert_eq!(
        problem_at(cut),
        (
            6,
            LoadProblem::UnexpectedEnd {
                expected: "`end`".into()
            }
        )
    );
}

#[test]
fn truncated_at_every_byte() {
    let text = model().to_text();
    for cut in 0..text.len() - 1 {
        let err = Mlp::from_text(&text[..cut]).unwrap_err();
        assert!(err.line().is_some(), "cut at {cut}: {err}");
    }
}

#[test]
fn bad_number() {
    let text = SMALL.replace("0.5", "0.5.1");
    assert_eq!(
        problem_at(&text),
        (
            4,
            LoadProblem::Number {
                text: "0.5.1".into()
            }
        )
    );
}

#[test]
fn unknown_parameter_name() {
    let text = SMALL.replace("neuron1.w1", "neuron1.weight1");
    assert_eq!(
        problem_at(&text),
        (
            4,
            expected(
                "parameter `layer1.neuron1.w1 <value>`",
                "layer1.neuron1.weight1 0.5"
            )
        )
    );
}

#[test]
fn parameters_out_of_order() {
    let text = "tapegrad-mlp 1\ninputs 1\nlayer 1 relu\nlayer1.neuron1.b -0.25\n\
                layer1.neuron1.w1 0.5\nend\n";
    assert_eq!(
        problem_at(text),
        (
            4,
            expected(
                "parameter `layer1.neuron1.w1 <value>`",
                "layer1.neuron1.b -0.25"
            )
        )
    );
}

#[test]
fn duplicated_parameter_line() {
    let text = SMALL.replace(
        "layer1.neuron1.w1 0.5\n",
        "layer1.neuron1.w1 0.5\nlayer1.neuron1.w1 0.5\n",
    );
    assert_eq!(
        problem_at(&text),
        (
            5,
            expected(
                "parameter `layer1.neuron1.b <value>`",
                "layer1.neuron1.w1 0.5"
            )
        )
    );
}

#[test]
fn extra_value_on_a_parameter_line() {
    let text = SMALL.replace("0.5", "0.5 0.6");
    assert_eq!(
        problem_at(&text),
        (
            4,
            expected(
                "parameter `layer1.neuron1.w1 <value>`",
                "layer1.neuron1.w1 0.5 0.6"
            )
        )
    );
}

#[test]
fn architecture_wider_than_the_parameters() {
    // The header says two neurons; the file has the parameters of one.
    let text = SMALL.replace("layer 1 relu", "layer 2 relu");
    assert_eq!(
        problem_at(&text),
        (6, expected("parameter `layer1.neuron2.w1 <value>`", "end"))
    );
}

#[test]
fn architecture_narrower_than_the_parameters() {
    let wide = "tapegrad-mlp 1\ninputs 2\nlayer 1 relu\nlayer1.neuron1.w1 0.5\n\
                layer1.neuron1.w2 0.5\nlayer1.neuron1.b 0.0\nend\n";
    let text = wide.replace("inputs 2", "inputs 1");
    assert_eq!(
        problem_at(&text),
        (
            5,
            expected(
                "parameter `layer1.neuron1.b <value>`",
                "layer1.neuron1.w2 0.5"
            )
        )
    );
}

#[test]
fn extra_line_after_end() {
    let text = format!("{SMALL}layer1.neuron1.w2 1.0\n");
    assert_eq!(
        problem_at(&text),
        (
            7,
            LoadProblem::AfterEnd {
                found: "layer1.neuron1.w2 1.0".into()
            }
        )
    );
}

#[test]
fn missing_end_line_replaced_by_something_else() {
    let text = SMALL.replace("end", "fin");
    assert_eq!(
        problem_at(&text),
        (6, expected("`end` (the model is complete)", "fin"))
    );
}

#[test]
fn invalid_utf8() {
    let mut bytes = SMALL.as_bytes().to_vec();
    let at = SMALL.find("relu").unwrap();
    bytes[at] = 0xff;
    let err = Mlp::from_bytes(&bytes).unwrap_err();
    assert_eq!(err.line(), Some(3));
    assert_eq!(err.problem(), Some(&LoadProblem::NotUtf8));
}

#[test]
fn huge_declared_sizes_fail_at_the_end_of_the_file_without_allocating_them() {
    let text = "tapegrad-mlp 1\ninputs 18446744073709551615\nlayer 18446744073709551615 relu\n\
                layer1.neuron1.w1 0.5\n";
    let (line, problem) = problem_at(text);
    assert_eq!(line, 5);
    assert!(matches!(problem, LoadProblem::UnexpectedEnd { .. }));
}

#[test]
fn long_bad_lines_are_quoted_short() {
    let text = format!("{}\n", "x".repeat(10_000));
    let err = Mlp::from_text(&text).unwrap_err();
    assert!(err.to_string().len() < 200, "{err}");
}

/// What an intact file says, read independently of the loader: the inputs, each layer's
/// size and activation name, and each parameter line's name and value.
struct Said {
    inputs: String,
    layers: Vec<(String, String)>,
    parameters: Vec<(String, f64)>,
}

fn what_the_text_says(text: &str) -> Said {
    let mut said = Said {
        inputs: String::new(),
        layers: Vec::new(),
        parameters: Vec::new(),
    };
    for line in text.lines().map(str::trim) {
        if line.starts_with('#') {
            continue;
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["inputs", n] => said.inputs = n.to_string(),
            ["layer", n, activation] => said.layers.push((n.to_string(), activation.to_string())),
            [name, value] if name.contains('.') => {
                said.parameters
                    .push((name.to_string(), value.parse().unwrap()));
            }
            _ => {}
        }
    }
    said
}

fn parameter_names(model: &Mlp) -> Vec<String> {
    let mut names = Vec::new();
    for (l, layer) in model.layers().iter().enumerate() {
        for j in 0..layer.outputs() {
            for i in 0..layer.inputs() {
                names.push(format!("layer{}.neuron{}.w{}", l + 1, j + 1, i + 1));
            }
            names.push(format!("layer{}.neuron{}.b", l + 1, j + 1));
        }
    }
    names
}

/// How the format's description spells an activation.
fn spelled_in_files(activation: Activation) -> String {
    match activation {
        Activation::Relu => "relu".into(),
        Activation::Tanh => "tanh".into(),
        Activation::Sigmoid => "sigmoid".into(),
        Activation::Identity => "identity".into(),
        Activation::LeakyRelu(slope) => format!("leaky_relu({:?})", slope.get()),
        other => panic!("no spelling for {other}"),
    }
}

/// A loaded model must be exactly what its text says.
fn assert_model_is_what_the_text_says(model: &Mlp, text: &str) {
    let said = what_the_text_says(text);
    assert_eq!(said.inputs.parse::<usize>().unwrap(), model.inputs());
    let layers: Vec<(String, String)> = model
        .layers()
        .iter()
        .map(|l| (l.outputs().to_string(), spelled_in_files(l.activation())))
        .collect();
    let said_layers: Vec<(String, String)> = said
        .layers
        .iter()
        .map(|(n, a)| (n.parse::<usize>().unwrap().to_string(), a.clone()))
        .collect();
    assert_eq!(said_layers.len(), layers.len());
    for ((n, a), (model_n, model_a)) in said_layers.iter().zip(&layers) {
        assert_eq!(n, model_n);
        let slope = |s: &str| {
            s.strip_prefix("leaky_relu(")
                .map(|r| r.trim_end_matches(')').parse::<f64>().unwrap())
        };
        match (slope(a), slope(model_a)) {
            (Some(x), Some(y)) => assert_eq!(x.to_bits(), y.to_bits()),
            _ => assert_eq!(a, model_a),
        }
    }
    let names = parameter_names(model);
    let values: Vec<f64> = model.parameters();
    assert_eq!(said.parameters.len(), values.len());
    for ((name, value), (model_name, model_value)) in
        said.parameters.iter().zip(names.iter().zip(&values))
    {
        assert_eq!(name, model_name);
        assert!(
            value.to_bits() == model_value.to_bits() || (value.is_nan() && model_value.is_nan()),
            "{name}: the text says {value}, the model has {model_value}"
        );
    }
}

/// One way of damaging a file.
#[derive(Clone, Debug)]
enum Damage {
    Truncate(usize),
    DeleteByte(usize),
    ReplaceByte(usize, u8),
    InsertByte(usize, u8),
    DeleteLine(usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
}

fn damage() -> impl Strategy<Value = Damage> {
    // Printable bytes and digits most often, so that many damaged files still parse.
    let byte = prop_oneof![
        (b'0'..=b'9'),
        Just(b'.'),
        Just(b'-'),
        Just(b'e'),
        Just(b' '),
        Just(b'\n'),
        any::<u8>()
    ];
    prop_oneof![
        any::<usize>().prop_map(Damage::Truncate),
        any::<usize>().prop_map(Damage::DeleteByte),
        (any::<usize>(), byte.clone()).prop_map(|(i, b)| Damage::ReplaceByte(i, b)),
        (any::<usize>(), byte).prop_map(|(i, b)| Damage::InsertByte(i, b)),
        any::<usize>().prop_map(Damage::DeleteLine),
        any::<usize>().prop_map(Damage::DuplicateLine),
        (any::<usize>(), any::<usize>()).prop_map(|(i, j)| Damage::SwapLines(i, j)),
    ]
}

fn apply(text: &str, damage: &Damage) -> Vec<u8> {
    let mut bytes = text.as_bytes().to_vec();
    let mut lines: Vec<&str> = text.lines().collect();
    // Earlier damage may have left nothing to pick a byte or a line from.
    let needs_a_line = matches!(
        damage,
        Damage::DeleteLine(_) | Damage::DuplicateLine(_) | Damage::SwapLines(..)
    );
    let inserts = matches!(damage, Damage::InsertByte(..));
    if (bytes.is_empty() && !inserts) || (lines.is_empty() && needs_a_line) {
        return bytes;
    }
    let lines_to_bytes = |lines: Vec<&str>| (lines.join("\n") + "\n").into_bytes();
    match *damage {
        Damage::Truncate(i) => bytes.truncate(i % bytes.len()),
        Damage::DeleteByte(i) => {
            bytes.remove(i % bytes.len());
        }
        Damage::ReplaceByte(i, b) => {
            let i = i % bytes.len();
            bytes[i] = b;
        }
        Damage::InsertByte(i, b) => bytes.insert(i % (bytes.len() + 1), b),
        Damage::DeleteLine(i) => {
            lines.remove(i % lines.len());
            bytes = lines_to_bytes(lines);
        }
        Damage::DuplicateLine(i) => {
            let i = i % lines.len();
            lines.insert(i, lines[i]);
            bytes = lines_to_bytes(lines);
        }
        Damage::SwapLines(i, j) => {
            let n = lines.len();
            lines.swap(i % n, j % n);
            bytes = lines_to_bytes(lines);
        }
    }
    bytes
}

fn small_model() -> Mlp {
    Mlp::new(
        2,
        &[(3, Activation::leaky_relu(0.1)), (1, Activation::Identity)],
        Init::Xavier,
        5,
    )
}

proptest! {
    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = Mlp::from_bytes(&bytes);
    }

    #[test]
    fn random_lines_after_a_valid_header_never_panic(
        lines in proptest::collection::vec("[a-z0-9. ()-]{0,24}", 0..12)
    ) {
        let text = format!("tapegrad-mlp 1\ninputs 1\nlayer 1 relu\n{}", lines.join("\n"));
        let _ = Mlp::from_text(&text);
    }

    #[test]
    fn damaged_files_load_only_as_what_they_say(
        damages in proptest::collection::vec(damage(), 1..4)
    ) {
        let original = small_model().to_text();
        let mut bytes = original.clone().into_bytes();
        for d in &damages {
            let text = String::from_utf8_lossy(&bytes).into_owned();
            bytes = apply(&text, d);
        }
        match Mlp::from_bytes(&bytes) {
            Ok(model) => {
                let text = std::str::from_utf8(&bytes).expect("a loaded file is UTF-8");
                assert_model_is_what_the_text_says(&model, text);
            }
            Err(err) => prop_assert!(err.line().is_some(), "{err}"),
        }
    }
}
