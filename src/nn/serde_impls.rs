//! `Serialize` and `Deserialize` for the types a training run saves (the `serde` feature),
//! beside the text formats, which stay the documented and checked ones.
//!
//! The optimizers derive both. An [`Mlp`], a [`Standardize`] and a [`History`] go through a
//! plain shadow of their fields, checked on the way in, so that deserializing cannot build
//! one that breaks its invariants (layers that do not fit together, a scale of 0, columns of
//! different lengths): it fails with the data format's error, saying what is wrong.
//!
//! Every number is written as the `f64` it is; whether it reads back bit for bit is the
//! format's affair (serde_json does with its `float_roundtrip` feature).

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::io::{activation_from_file, activation_in_file};
use super::{History, Layer, Mlp, Neuron, Standardize};

/// An [`Mlp`] as serde sees it: its layers, each a list of neurons with their weights, bias
/// and activation (spelled as in model files: `relu`, `leaky_relu(0.01)`, ...).
#[derive(Serialize, Deserialize)]
#[serde(rename = "Mlp", deny_unknown_fields)]
struct MlpFields {
    layers: Vec<Vec<NeuronFields>>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename = "Neuron", deny_unknown_fields)]
struct NeuronFields {
    weights: Vec<f64>,
    bias: f64,
    activation: String,
}

/// A model's layers, written as `{"layers": [[{"weights": [..], "bias": .., "activation":
/// "relu"}, ..], ..]}` in JSON; reading checks what [`Mlp::from_text`] checks: at least one
/// layer, one neuron a layer, one weight a neuron, finite parameters, known activations, the
/// same inputs and activation across a layer, and each layer taking the last one's outputs.
///
/// ```
/// use tapegrad::nn::{Activation, Init, Mlp};
///
/// let mlp = Mlp::new(2, &[(3, Activation::leaky_relu(0.1)), (1, Activation::Identity)], Init::He, 0);
/// let json = serde_json::to_string(&mlp)?;
/// assert!(json.contains("\"activation\":\"leaky_relu(0.1)\""));
/// assert_eq!(serde_json::from_str::<Mlp>(&json)?, mlp);
/// # Ok::<(), serde_json::Error>(())
/// ```
impl Serialize for Mlp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let layers = self.layers().iter().map(|layer| {
            let neurons = layer.neurons().iter().map(|neuron| NeuronFields {
                weights: neuron.weights().to_vec(),
                bias: neuron.bias(),
                activation: activation_in_file(neuron.activation()),
            });
            neurons.collect()
        });
        MlpFields {
            layers: layers.collect(),
        }
        .serialize(serializer)
    }
}

/// Reads what [`Serialize`] writes, checked.
///
/// ```
/// use tapegrad::nn::Mlp;
///
/// let json = r#"{"layers": [[{"weights": [1.0, 2.0], "bias": 0.0, "activation": "relu"}],
///                           [{"weights": [1.0, 2.0], "bias": 0.0, "activation": "relu"}]]}"#;
/// let err = serde_json::from_str::<Mlp>(json).unwrap_err();
/// assert!(err.to_string().starts_with("layer 2's neurons take 2 inputs, but layer 1 has 1 outputs"));
/// ```
impl<'de> Deserialize<'de> for Mlp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let fields = MlpFields::deserialize(deserializer)?;
        mlp_from_fields(fields).map_err(D::Error::custom)
    }
}

/// The model of `fields`, or what is wrong with them.
fn mlp_from_fields(fields: MlpFields) -> Result<Mlp, String> {
    if fields.layers.is_empty() {
        return Err("an Mlp needs at least one layer".to_owned());
    }
    let mut layers = Vec::with_capacity(fields.layers.len());
    let mut fan_in = None;
    for (l, neurons) in fields.layers.into_iter().enumerate() {
        let l = l + 1;
        let Some(first) = neurons.first() else {
            return Err(format!("layer {l} has no neurons"));
        };
        let (inputs, activation) = (first.weights.len(), first.activation.clone());
        if let Some(outputs) = fan_in {
            if inputs != outputs {
                return Err(format!(
                    "layer {l}'s neurons take {inputs} inputs, but layer {} has {outputs} outputs",
                    l - 1
                ));
            }
        }
        fan_in = Some(neurons.len());
        let mut layer = Vec::with_capacity(neurons.len());
        for (j, neuron) in neurons.into_iter().enumerate() {
            let j = j + 1;
            if neuron.weights.is_empty() || neuron.weights.len() != inputs {
                return Err(format!(
                    "layer {l} neuron {j} has {} weights, but neuron 1 has {inputs} (at least 1)",
                    neuron.weights.len()
                ));
            }
            if neuron.activation != activation {
                return Err(format!(
                    "layer {l} neuron {j}'s activation is {}, but neuron 1's is {activation}: a \
                     layer shares its activation",
                    neuron.activation
                ));
            }
            if let Some(p) = neuron
                .weights
                .iter()
                .chain([&neuron.bias])
                .find(|p| !p.is_finite())
            {
                return Err(format!(
                    "layer {l} neuron {j} has the parameter {p}: a model's parameters must be \
                     finite numbers"
                ));
            }
            let activation =
                activation_from_file(&neuron.activation).map_err(|problem| problem.to_string())?;
            layer.push(Neuron::from_parameters(
                neuron.weights,
                neuron.bias,
                activation,
            ));
        }
        layers.push(Layer::from_neurons(layer));
    }
    Ok(Mlp::from_layers(layers))
}

#[derive(Serialize, Deserialize)]
#[serde(rename = "Standardize", deny_unknown_fields)]
struct StandardizeFields {
    means: Vec<f64>,
    scales: Vec<f64>,
}

/// The means and the scales, as `{"means": [..], "scales": [..]}` in JSON; reading checks
/// them as [`Standardize::new`] does, with an error instead of a panic.
///
/// ```
/// use tapegrad::nn::Standardize;
///
/// let standardize = Standardize::new(vec![1.5, -2.0], vec![0.5, 3.0]);
/// let json = serde_json::to_string(&standardize)?;
/// assert_eq!(json, r#"{"means":[1.5,-2.0],"scales":[0.5,3.0]}"#);
/// assert_eq!(serde_json::from_str::<Standardize>(&json)?, standardize);
/// assert!(serde_json::from_str::<Standardize>(r#"{"means":[0.0],"scales":[0.0]}"#).is_err());
/// # Ok::<(), serde_json::Error>(())
/// ```
impl Serialize for Standardize {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        StandardizeFields {
            means: self.means().to_vec(),
            scales: self.scales().to_vec(),
        }
        .serialize(serializer)
    }
}

/// Reads what [`Serialize`] writes, checked.
impl<'de> Deserialize<'de> for Standardize {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let StandardizeFields { means, scales } = StandardizeFields::deserialize(deserializer)?;
        if means.len() != scales.len() || means.is_empty() {
            return Err(D::Error::custom(format!(
                "a standardiser needs one mean and one scale for each input: got {} means and \
                 {} scales",
                means.len(),
                scales.len()
            )));
        }
        let valid = |(m, s): (&f64, &f64)| m.is_finite() && s.is_finite() && *s > 0.0;
        if let Some(i) = means.iter().zip(&scales).position(|pair| !valid(pair)) {
            return Err(D::Error::custom(format!(
                "input {i}'s mean must be finite and its scale finite and above 0, got mean {} \
                 and scale {}",
                means[i], scales[i]
            )));
        }
        Ok(Standardize::new(means, scales))
    }
}

#[derive(Serialize, Deserialize)]
#[serde(rename = "History", deny_unknown_fields)]
struct HistoryFields {
    train_loss: Vec<f64>,
    validation_loss: Vec<Option<f64>>,
    metrics: Vec<(String, Vec<f64>)>,
}

/// The losses and metrics by epoch, as `{"train_loss": [..], "validation_loss": [..],
/// "metrics": [["accuracy", [..]], ..]}` in JSON; reading checks that every column has one
/// value an epoch and that the metrics' names are usable.
///
/// ```
/// use tapegrad::nn::History;
///
/// let mut history = History::new();
/// history.record(0.5, None, &[("accuracy", 0.75)]);
/// let json = serde_json::to_string(&history)?;
/// assert_eq!(
///     json,
///     r#"{"train_loss":[0.5],"validation_loss":[null],"metrics":[["accuracy",[0.75]]]}"#
/// );
/// assert_eq!(serde_json::from_str::<History>(&json)?, history);
/// # Ok::<(), serde_json::Error>(())
/// ```
impl Serialize for History {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let metrics = self.metric_names().map(|name| {
            let values = self.metric(name).unwrap_or_default();
            (name.to_owned(), values.to_vec())
        });
        HistoryFields {
            train_loss: self.train_losses().to_vec(),
            validation_loss: self.validation_losses().to_vec(),
            metrics: metrics.collect(),
        }
        .serialize(serializer)
    }
}

/// Reads what [`Serialize`] writes, checked.
impl<'de> Deserialize<'de> for History {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let fields = HistoryFields::deserialize(deserializer)?;
        let epochs = fields.train_loss.len();
        if fields.validation_loss.len() != epochs {
            return Err(D::Error::custom(format!(
                "{epochs} training losses but {} validation losses: one each an epoch",
                fields.validation_loss.len()
            )));
        }
        for (name, values) in &fields.metrics {
            if values.len() != epochs {
                return Err(D::Error::custom(format!(
                    "{epochs} epochs but {} values of the metric `{name}`",
                    values.len()
                )));
            }
            if name.is_empty() || name.contains([',', '"', '\n', '\r']) {
                return Err(D::Error::custom(format!(
                    "a metric's name heads a CSV column: it must be non-empty, without commas, \
                     quotes or line breaks, got {name:?}"
                )));
            }
        }
        // The first epoch's record names the metrics: with none, nothing can keep the names.
        if epochs == 0 && !fields.metrics.is_empty() {
            return Err(D::Error::custom(
                "a history of no epochs has no metrics yet: its first epoch names them",
            ));
        }
        let mut history = History::new();
        for k in 0..epochs {
            let metrics: Vec<(&str, f64)> = (fields.metrics.iter())
                .map(|(name, values)| (name.as_str(), values[k]))
                .collect();
            history.record(fields.train_loss[k], fields.validation_loss[k], &metrics);
        }
        Ok(history)
    }
}
