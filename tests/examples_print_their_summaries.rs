//! The teaching examples run here as they run for a newcomer (`cargo run --example ...`),
//! minus the printing: their summary lines carry the numbers the README promises.
#![cfg(all(feature = "nn", feature = "teach"))]
// Examples include the shared micrograd expression or the shared chart module, so this file,
// which includes several examples, loads each more than once.
#![allow(clippy::duplicate_mod)]

#[allow(dead_code)] // `main` is the example's, not called here
#[path = "../examples/trace.rs"]
mod trace_example;

#[allow(dead_code)]
#[path = "../examples/graph.rs"]
mod graph_example;

#[allow(dead_code)]
#[path = "../examples/tutorial_xor.rs"]
mod tutorial_xor_example;

#[allow(dead_code)]
#[path = "../examples/overfitting.rs"]
mod overfitting_example;

#[allow(dead_code)]
#[path = "../examples/activations.rs"]
mod activations_example;

#[allow(dead_code)]
#[path = "../examples/classifier.rs"]
mod classifier_example;

#[cfg(feature = "csv")]
#[allow(dead_code)]
#[path = "../examples/tabular.rs"]
mod tabular_example;

/// The `key=value` pairs of a summary line that starts with `name:`.
fn fields<'a>(line: &'a str, name: &str) -> Vec<(&'a str, &'a str)> {
    let rest = line
        .strip_prefix(name)
        .and_then(|r| r.strip_prefix(':'))
        .unwrap_or_else(|| panic!("`{line}` is not a `{name}:` summary line"));
    rest.split_whitespace()
        .map(|kv| kv.split_once('=').expect("key=value"))
        .collect()
}

#[test]
fn trace_example_ends_with_micrograd_gradients_and_the_neuron_output() {
    let report = trace_example::report();
    let last = report.lines().last().unwrap();
    let fields = fields(last, "trace");
    let keys: Vec<&str> = fields.iter().map(|(k, _)| *k).collect();
    assert_eq!(keys, ["a_grad", "b_grad", "neuron_o"]);
    let number = |i: usize| fields[i].1.parse::<f64>().unwrap();
    // micrograd's README: 138.8338 and 645.5773; the lecture neuron: tanh(n) = 1/√2.
    assert!((number(0) - 138.8338).abs() < 1e-4);
    assert!((number(1) - 645.5773).abs() < 1e-4);
    assert!((number(2) - std::f64::consts::FRAC_1_SQRT_2).abs() < 1e-4);
    // Both tables are there, each ending with its inputs' gradients.
    assert_eq!(report.matches("gradients of the inputs").count(), 2);
    assert!(report.contains("#0 a  138.833819"), "{report}");
}

#[test]
fn graph_example_writes_the_dot_file_it_reports() {
    let dir = std::env::temp_dir().join(format!("tapegrad-graph-example-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let summary = graph_example::write_graph(&dir).unwrap();
    let fields = fields(&summary, "graph");
    // micrograd's expression records 27 nodes on a tape (2 inputs, then 5 for c, 15 for d,
    // 5 for e to g), and g depends on all of them.
    assert_eq!(fields[0], ("nodes", "27"));
    assert_eq!(fields[1], ("dot", "graph.dot"));
    let dot = std::fs::read_to_string(dir.join("graph.dot")).unwrap();
    assert_eq!(dot.matches("shape=record").count(), 27);
    // 27 values are more than a left-to-right drawing fits on a screen: top to bottom, where a
    // record's fields need no braces to lie side by side.
    assert!(dot.contains("rankdir=TB;"), "{dot}");
    assert!(
        dot.contains(r##"label="#0 a | data -4 | grad 138.833819""##),
        "{dot}"
    );
    assert!(
        dot.contains(r##"label="#1 b | data 2 | grad 645.577259""##),
        "{dot}"
    );
    match fields[2] {
        ("svg", "graph.svg") => assert!(dir.join("graph.svg").exists()),
        ("svg", "none") => assert!(!dir.join("graph.svg").exists()),
        other => panic!("unexpected {other:?}"),
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The numbers of a summary line's fields, in order, after checking their names.
fn numbers(line: &str, name: &str, keys: &[&str]) -> Vec<f64> {
    let fields = fields(line, name);
    let found: Vec<&str> = fields.iter().map(|(k, _)| *k).collect();
    assert_eq!(found, keys, "{line}");
    fields
        .iter()
        .map(|(k, v)| {
            v.parse()
                .unwrap_or_else(|_| panic!("{k}={v} is not a number in `{line}`"))
        })
        .collect()
}

#[test]
fn tutorial_xor_shows_the_hand_gradient_wrong_and_xor_needing_a_hidden_layer() {
    let outcome = tutorial_xor_example::run();
    let numbers = numbers(
        &outcome.summary,
        "tutorial_xor",
        &[
            "hand_gradient_error",
            "no_hidden_accuracy",
            "hidden_accuracy",
        ],
    );
    // The tutorial's formula X^T((2Ŷ-1)(1-Ŷ))/n is not the loss's gradient...
    assert!(numbers[0] > 1e-3, "{}", outcome.summary);
    // ...the tape's is: finite differences and the closed form X^T(Ŷ-Y)/n agree with it.
    assert!(outcome.gradcheck_passes, "{}", outcome.report);
    assert!(outcome.closed_form_error < 1e-12, "{}", outcome.report);
    // One straight line gets at most 3 of XOR's 4 points; a hidden layer gets all 4.
    assert!(numbers[1] <= 0.75, "{}", outcome.summary);
    assert_eq!(numbers[2], 1.0, "{}", outcome.summary);
    assert_eq!(outcome.no_hidden_losses.len(), 10_000);
}

#[test]
fn overfitting_shows_a_gap_that_a_remedy_narrows() {
    use overfitting_example::Setting;
    let test = overfitting_example::test_points();
    let keys = [
        "setting",
        "train_accuracy",
        "test_accuracy",
        "train_loss",
        "test_loss",
    ];
    let mut unregularised_test = f64::NAN;
    let mut best_remedy_test: f64 = 0.0;
    for setting in Setting::ALL {
        let summary = overfitting_example::run(setting, overfitting_example::SEED, &test, false)
            .0
            .summary();
        let fields = fields(&summary, "overfitting");
        assert_eq!(fields.iter().map(|(k, _)| *k).collect::<Vec<_>>(), keys);
        assert_eq!(fields[0].1, setting.name());
        let number = |i: usize| fields[i].1.parse::<f64>().unwrap();
        let (train, test) = (number(1), number(2));
        assert!(number(3).is_finite() && number(4).is_finite(), "{summary}");
        if setting == Setting::Unregularised {
            assert!(train - test >= 0.05, "no visible overfitting: {summary}");
            unregularised_test = test;
        } else {
            best_remedy_test = best_remedy_test.max(test);
        }
    }
    assert!(
        best_remedy_test > unregularised_test,
        "no remedy raised test accuracy above {unregularised_test}"
    );
}

#[test]
fn every_activation_trains_the_same_way_twice_from_the_same_seed() {
    let data = activations_example::data();
    for (name, activation) in activations_example::ACTIVATIONS {
        let first = activations_example::run(name, activation, &data, 100);
        let second = activations_example::run(name, activation, &data, 100);
        // Bit for bit: every loss along the way, and what was measured after.
        assert_eq!(first, second, "{name}");
        let summary = first.summary();
        let fields = fields(&summary, "activations");
        let keys: Vec<&str> = fields.iter().map(|(k, _)| *k).collect();
        assert_eq!(keys, ["activation", "steps_to_fit", "final_loss"]);
        assert_eq!(fields[0].1, name);
        assert!(
            fields[1].1 == "never" || fields[1].1.parse::<usize>().unwrap() < 100,
            "{summary}"
        );
        assert!(
            fields[2].1.parse::<f64>().unwrap() < first.losses[0],
            "{summary}"
        );
    }
}

/// A fresh directory under the system's temporary one, for an example's files.
fn scratch_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("tapegrad-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn classifier_example_stops_early_and_saves_its_best_model() {
    use tapegrad::nn::{AdamW, Mlp, Optimizer};

    let dir = scratch_dir("classifier-example");
    let summary = classifier_example::train_classifier(&dir, |_| {}).unwrap();
    let fields = fields(&summary, "classifier");
    let keys: Vec<&str> = fields.iter().map(|(k, _)| *k).collect();
    assert_eq!(keys, ["epochs", "best_epoch", "test_accuracy"]);
    let epochs: usize = fields[0].1.parse().unwrap();
    let best_epoch: usize = fields[1].1.parse().unwrap();
    let test_accuracy: f64 = fields[2].1.parse().unwrap();
    // Training stops 15 epochs after the best validation loss, before its 150 epochs are up.
    assert_eq!(epochs, best_epoch + 15, "{summary}");
    assert!(epochs < 150, "{summary}");
    // Three spiral arms: a linear classifier gets a third to a half right.
    assert!(test_accuracy >= 0.9, "{summary}");

    let csv = classifier_example::read_csv(&dir.join("classifier.csv")).unwrap();
    assert_eq!((csv.len(), csv.dims(), csv.class_count()), (600, 2, 3));
    let (model, opt) = Mlp::load_with_optimizer::<AdamW>(dir.join("classifier-model.txt")).unwrap();
    assert!(model.accuracy(&csv) >= 0.9);
    assert!(opt.steps() > 0);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn classifier_example_names_the_line_of_a_bad_csv_row() {
    let dir = scratch_dir("classifier-csv");
    let path = dir.join("bad.csv");
    let error_for = |text: &str| {
        std::fs::write(&path, text).unwrap();
        match classifier_example::read_csv(&path) {
            Err(classifier_example::Error::Csv { line, problem }) => (line, problem),
            other => panic!("expected a CSV error for {text:?}, got {other:?}"),
        }
    };
    assert_eq!(
        error_for("x,y\n"),
        (1, "expected the header `x,y,class`, found `x,y`".into())
    );
    assert_eq!(error_for(""), (1, "the file is empty".into()));
    let header = "x,y,class\n0.5,0.25,1\n";
    assert_eq!(
        error_for(&format!("{header}0.5,0.25\n")),
        (3, "expected 3 fields, found 2".into())
    );
    assert_eq!(
        error_for(&format!("{header}\n0.5,abc,1\n")),
        (4, "`abc` is not a finite number".into())
    );
    assert_eq!(
        error_for(&format!("{header}0.5,inf,1\n")),
        (3, "`inf` is not a finite number".into())
    );
    assert_eq!(
        error_for(&format!("{header}0.5,0.5,3\n")),
        (3, "`3` is not a class (0 to 2)".into())
    );
    assert!(matches!(
        classifier_example::read_csv(&dir.join("missing.csv")),
        Err(classifier_example::Error::Io(_))
    ));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[cfg(feature = "csv")]
#[test]
fn tabular_example_stops_early_reloads_its_best_epoch_and_reports_its_test_metrics() {
    use tapegrad::nn::{AdamW, Checkpoint, Dataset, Progress, argmax};

    let dir = scratch_dir("tabular-example");
    let quiet = Progress::to_writer(300, std::io::sink(), false);
    let summary = tabular_example::train_tabular(&dir, quiet, |_| {}).unwrap();
    let fields = fields(&summary, "tabular");
    let keys: Vec<&str> = fields.iter().map(|(k, _)| *k).collect();
    assert_eq!(keys, ["epochs", "best_epoch", "test_accuracy", "macro_f1"]);
    let epochs: usize = fields[0].1.parse().unwrap();
    let best_epoch: usize = fields[1].1.parse().unwrap();
    let test_accuracy: f64 = fields[2].1.parse().unwrap();
    let macro_f1: f64 = fields[3].1.parse().unwrap();
    // Early stopping: 20 epochs after the best, well before the 300 allowed.
    assert_eq!(epochs, best_epoch + 20, "{summary}");
    assert!(epochs < 300, "{summary}");

    // The history's CSV has a row an epoch, and its lowest validation loss is the best epoch.
    let history = std::fs::read_to_string(dir.join("tabular-history.csv")).unwrap();
    let rows: Vec<Vec<f64>> = history
        .lines()
        .skip(1)
        .map(|row| row.split(',').map(|f| f.parse().unwrap()).collect())
        .collect();
    assert_eq!(rows.len(), epochs);
    let lowest = rows
        .iter()
        .min_by(|a, b| a[2].partial_cmp(&b[2]).unwrap())
        .unwrap();
    assert_eq!(lowest[0] as usize, best_epoch);
    let svg = std::fs::read_to_string(dir.join("tabular-history.svg")).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains(">validation loss</text>"));

    // The checkpoint is the best epoch's, with the training split's standardiser: each
    // mean is the plain average of that column over the training rows.
    let checkpoint = Checkpoint::<AdamW>::load(dir.join("tabular-checkpoint.txt")).unwrap();
    assert_eq!(checkpoint.epoch, best_epoch);
    let data = Dataset::<usize>::from_csv(dir.join("tabular.csv"), &["species"]).unwrap();
    assert_eq!((data.len(), data.dims(), data.class_count()), (344, 4, 3));
    let (train, rest) = data.split(0.7, 1);
    let (_, test) = rest.split(0.5, 2);
    let standardize = checkpoint.standardize.unwrap();
    for (column, &mean) in standardize.means().iter().enumerate() {
        let by_hand = train.iter().map(|(x, _)| x[column]).sum::<f64>() / train.len() as f64;
        assert!(
            (mean - by_hand).abs() < 1e-9 * by_hand.abs(),
            "column {column}"
        );
    }

    // Accuracy and macro F1 on the test split, counted here from the reloaded model's scores.
    let (mut right, mut tp, mut fp, mut fn_) = (0, [0.0; 3], [0.0; 3], [0.0; 3]);
    for (x, class) in test.iter() {
        let predicted = argmax(&checkpoint.model.predict(&standardize.point(x)));
        if predicted == class {
            right += 1;
            tp[class] += 1.0;
        } else {
            fp[predicted] += 1.0;
            fn_[class] += 1.0;
        }
    }
    let f1 = |c: usize| 2.0 * tp[c] / (2.0 * tp[c] + fp[c] + fn_[c]);
    let expected_f1 = (f1(0) + f1(1) + f1(2)) / 3.0;
    let expected_accuracy = right as f64 / test.len() as f64;
    assert!(
        (test_accuracy - expected_accuracy).abs() <= 5e-4,
        "{summary}"
    );
    assert!((macro_f1 - expected_f1).abs() <= 5e-4, "{summary}");
    // Penguins' species are told apart by their bills and flippers: few mistakes.
    assert!(test_accuracy >= 0.9 && macro_f1 >= 0.85, "{summary}");
    std::fs::remove_dir_all(&dir).unwrap();
}
