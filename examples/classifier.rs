//! A classifier trained as a practitioner trains one: data read from a CSV file, split into
//! training, validation and test sets; shuffled mini-batches; softmax cross-entropy; AdamW
//! with a cosine learning-rate schedule; early stopping on the validation loss, keeping the
//! best model; its accuracy on the test set, measured once at the end; and the model saved
//! with its optimizer's state, so that training could resume from it.
//!
//! The data are three interleaved spiral arms (two coordinates and a class a row), which the
//! example writes to `classifier.csv` and reads back as any data from outside: a bad file
//! gives an error naming its line, not a panic. The model goes to `classifier-model.txt`.
//!
//! Run with `cargo run --release --example classifier`. Ends with one line for scripts:
//! `classifier: epochs=<n> best_epoch=<m> test_accuracy=<a>`.

use std::fmt;
use std::path::Path;
use std::process::ExitCode;

use tapegrad::nn::{
    self, Activation, AdamW, Dataset, Init, Mlp, Module, Optimizer, Run, Schedule, loss,
};
use tapegrad::{Tape, Value};

const CLASSES: usize = 3;
const BATCH: usize = 32;
const MAX_EPOCHS: usize = 150;
/// Epochs without a better validation loss before training stops.
const PATIENCE: usize = 15;

fn main() -> ExitCode {
    if let Some(arg) = std::env::args().nth(1) {
        eprintln!("classifier: unknown argument `{arg}`\nusage: classifier");
        return ExitCode::from(2);
    }
    match train_classifier(Path::new("."), |line| println!("{line}")) {
        Ok(summary) => {
            println!("{summary}");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("classifier: {err}");
            ExitCode::FAILURE
        }
    }
}

/// Writes the data set to `dir/classifier.csv`, reads it back, trains, tests, and saves the
/// best model with its optimizer to `dir/classifier-model.txt`; reports each epoch to `log`
/// and returns the summary line (`tests/examples_print_their_summaries.rs` calls this too).
pub fn train_classifier(dir: &Path, mut log: impl FnMut(&str)) -> Result<String, Error> {
    let csv = dir.join("classifier.csv");
    std::fs::write(&csv, to_csv(&nn::spiral(200, CLASSES, 0.4, 0)))?;
    let data = read_csv(&csv)?;
    log(&format!("read {} rows from {}", data.len(), csv.display()));

    let (train, rest) = data.split(0.7, 1);
    let (validation, test) = rest.split(0.5, 2);
    let mut model = Mlp::new(
        2,
        &[
            (32, Activation::Relu),
            (32, Activation::Relu),
            (CLASSES, Activation::Identity),
        ],
        Init::He,
        0,
    );
    let steps_per_epoch = train.len().div_ceil(BATCH);
    let schedule = Schedule::cosine(0.01, 0.0005, MAX_EPOCHS * steps_per_epoch);
    let mut opt = AdamW::new(schedule.at(0), 1e-4);

    let mut tape = Tape::new();
    let mut grads = Vec::new();
    let mut best = (f64::INFINITY, 0, model.clone(), opt.clone());
    let mut epochs = 0;
    for epoch in 1..=MAX_EPOCHS {
        epochs = epoch;
        for batch in train.batches(BATCH, epoch as u64) {
            opt.set_learning_rate(schedule.at(opt.steps() as usize));
            tape.clear();
            let params = model.bind(&tape);
            let total = tape.sum(batch.iter().map(|(x, class)| {
                cross_entropy(model.forward(params, Run::vars(&tape, x)), class)
            })) / batch.len() as f64;
            total.backward();
            params.grads_into(&mut grads);
            opt.step(model.parameters_mut(), &grads);
        }

        let validation_loss = model.mean_loss(&validation, cross_entropy);
        if validation_loss < best.0 {
            best = (validation_loss, epoch, model.clone(), opt.clone());
        }
        if epoch % 10 == 0 {
            log(&format!(
                "epoch {epoch:3}  train loss {:.4}  validation loss {validation_loss:.4}  \
                 validation accuracy {:.3}",
                model.mean_loss(&train, cross_entropy),
                model.accuracy(&validation),
            ));
        }
        if epoch - best.1 >= PATIENCE {
            log(&format!(
                "no better validation loss for {PATIENCE} epochs: stopping, back to epoch {}",
                best.1
            ));
            break;
        }
    }

    let (_, best_epoch, model, opt) = best;
    let test_accuracy = model.accuracy(&test);
    let saved = dir.join("classifier-model.txt");
    model.save_with_optimizer(&opt, &saved)?;
    log(&format!(
        "saved the model of epoch {best_epoch} and its AdamW state ({} steps) to {}",
        opt.steps(),
        saved.display()
    ));
    Ok(format!(
        "classifier: epochs={epochs} best_epoch={best_epoch} test_accuracy={test_accuracy:.3}"
    ))
}

/// Softmax cross-entropy of the class scores against the class (a target of the data set).
fn cross_entropy<'t>(scores: Run<'t>, class: usize) -> Value<'t> {
    loss::softmax_cross_entropy(scores, class)
}

/// The data set as CSV text: a header, then one row a point, its inputs then its class.
/// Numbers are written in Rust's shortest form that reads back to the same `f64`.
fn to_csv(data: &Dataset<usize>) -> String {
    let mut out = String::from("x,y,class\n");
    for (x, class) in data.iter() {
        out += &format!("{:?},{:?},{class}\n", x[0], x[1]);
    }
    out
}

/// Reads a CSV file with the header `x,y,class` and one point a row.
pub fn read_csv(path: &Path) -> Result<Dataset<usize>, Error> {
    let text = std::fs::read_to_string(path)?;
    let mut lines = text.lines().enumerate().map(|(i, line)| (i + 1, line));
    match lines.next() {
        Some((_, "x,y,class")) => {}
        Some((line, found)) => {
            return Err(Error::Csv {
                line,
                problem: format!("expected the header `x,y,class`, found `{found}`"),
            });
        }
        None => {
            return Err(Error::Csv {
                line: 1,
                problem: "the file is empty".into(),
            });
        }
    }
    let (mut inputs, mut classes) = (Vec::new(), Vec::new());
    for (line, row) in lines.filter(|(_, row)| !row.trim().is_empty()) {
        let bad = |problem: String| Error::Csv { line, problem };
        let fields: Vec<&str> = row.split(',').map(str::trim).collect();
        let [x, y, class] = fields[..] else {
            return Err(bad(format!("expected 3 fields, found {}", fields.len())));
        };
        for field in [x, y] {
            match field.parse::<f64>() {
                Ok(number) if number.is_finite() => inputs.push(number),
                _ => return Err(bad(format!("`{field}` is not a finite number"))),
            }
        }
        match class.parse::<usize>() {
            Ok(class) if class < CLASSES => classes.push(class),
            _ => {
                return Err(bad(format!(
                    "`{class}` is not a class (0 to {})",
                    CLASSES - 1
                )));
            }
        }
    }
    Ok(Dataset::new(2, inputs, classes))
}

/// What can go wrong: reading or writing a file, or a CSV file that does not hold the data.
#[derive(Debug)]
pub enum Error {
    /// A file could not be read or written.
    Io(std::io::Error),
    /// The CSV file is not a header and rows of two numbers and a class.
    Csv {
        /// Counted from 1.
        line: usize,
        problem: String,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io(err) => write!(f, "{err}"),
            Error::Csv { line, problem } => write!(f, "CSV line {line}: {problem}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<std::io::Error> for Error {
    fn from(err: std::io::Error) -> Self {
        Error::Io(err)
    }
}
