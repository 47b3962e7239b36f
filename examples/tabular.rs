//! Tabular data end to end, as a practitioner works: a CSV file in, split three ways,
//! standardised on the training split, a classifier trained with dropout per layer, gradient
//! clipping, a warm-up and reduce-on-plateau schedule and early stopping, its history drawn
//! and written, its best epoch checkpointed (with the optimizer and the standardiser),
//! reloaded, and evaluated on the test split with a confusion matrix, per-class precision,
//! recall and F1.
//!
//! The data are penguins of three species measured four ways (bill length and depth in mm,
//! flipper length in mm, body mass in g), drawn by a seeded generator around the means and
//! standard deviations of the Palmer penguins (Gorman, Williams and Fraser, 2014), in their
//! proportions (152 Adélie, 68 Chinstrap, 124 Gentoo): the inputs' scales differ a
//! thousandfold, which is what the standardiser is for, and the classes are unbalanced,
//! which is what macro F1 is for. The example writes them to `tabular.csv` and reads them
//! back as any data from outside.
//!
//! Run with `cargo run --release --example tabular --features csv`. It writes
//! `tabular.csv`, `tabular-checkpoint.txt`, `tabular-history.csv` and `tabular-history.svg`
//! in the current directory, reports each epoch on standard error (a bar on a terminal),
//! and ends with one line for scripts:
//! `tabular: epochs=<n> best_epoch=<k> test_accuracy=<a> macro_f1=<f>`.

use std::f64::consts::PI;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use tapegrad::nn::{
    Activation, AdamW, Checkpoint, DataParallel, Dataset, Dropout, EarlyStopping, History, Init,
    Mlp, Module, Optimizer, Progress, Schedule, Standardize, Verdict, clip_grad_norm, loss,
};

/// Species names, by class.
const SPECIES: [&str; 3] = ["Adelie", "Chinstrap", "Gentoo"];
/// How many of each.
const COUNTS: [usize; 3] = [152, 68, 124];
/// Per species: the mean and standard deviation of bill length, bill depth, flipper length
/// and body mass (the Palmer penguins' figures, rounded).
const MEASURES: [[(f64, f64); 4]; 3] = [
    [(38.8, 2.7), (18.3, 1.2), (190.0, 6.5), (3700.0, 460.0)],
    [(48.8, 3.3), (18.4, 1.1), (196.0, 7.1), (3733.0, 384.0)],
    [(47.5, 3.1), (15.0, 1.0), (217.0, 6.5), (5076.0, 504.0)],
];
const HEADER: &str = "bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,species";

const MAX_EPOCHS: usize = 300;
const PATIENCE: usize = 20;
const BATCH: usize = 32;

fn main() -> ExitCode {
    if let Some(arg) = std::env::args().nth(1) {
        eprintln!("tabular: unknown argument `{arg}`\nusage: tabular");
        return ExitCode::from(2);
    }
    match train_tabular(Path::new("."), Progress::new(MAX_EPOCHS), |line| {
        println!("{line}")
    }) {
        Ok(summary) => {
            println!("{summary}");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("tabular: {err}");
            ExitCode::FAILURE
        }
    }
}

/// The whole path, with its files in `dir`: reports epochs to `progress`, the test results
/// to `log`, and returns the summary line (`tests/examples_print_their_summaries.rs` calls
/// this too).
pub fn train_tabular<W: Write>(
    dir: &Path,
    mut progress: Progress<W>,
    mut log: impl FnMut(&str),
) -> Result<String, Box<dyn std::error::Error>> {
    // Data in: a CSV file, its target column named.
    let csv = dir.join("tabular.csv");
    std::fs::write(&csv, penguins_csv(2014))?;
    let data = Dataset::<usize>::from_csv(&csv, &["species"])?;
    let (train, rest) = data.split(0.7, 1);
    let (validation, test) = rest.split(0.5, 2);

    // Standardised on the training split alone, then applied to every split.
    let standardize = Standardize::fit(&train);
    let (train, validation) = (standardize.apply(&train), standardize.apply(&validation));

    let mut model = Mlp::new(
        data.dims(),
        &[
            (16, Activation::Relu),
            (16, Activation::Relu),
            (SPECIES.len(), Activation::Identity),
        ],
        Init::He,
        0,
    );
    let mut dropout = Dropout::per_layer(&[0.05, 0.2], 7);
    let mut opt = AdamW::new(0.0, 1e-3);
    let steps_per_epoch = train.len().div_ceil(BATCH);
    let mut schedule = Schedule::constant(0.01)
        .with_warmup(5 * steps_per_epoch)
        .reduce_on_plateau(0.5, 5);
    let mut early = EarlyStopping::new(PATIENCE);
    let mut history = History::new();
    let cross_entropy =
        DataParallel::loss(|scores, class: usize| loss::softmax_cross_entropy(scores, class));
    let mut parallel = DataParallel::new(1);
    let mut grads = Vec::new();
    let checkpoint_path = dir.join("tabular-checkpoint.txt");

    for epoch in 1..=MAX_EPOCHS {
        let mut train_loss = 0.0;
        for batch in train.batches(BATCH, epoch as u64) {
            let batch_loss = parallel.loss_and_gradient_with_dropout(
                &model,
                &batch,
                &mut dropout,
                cross_entropy,
                loss::no_penalty, // AdamW decays the weights
                &mut grads,
            );
            // The training loss as the batches saw it, dropout included: above the
            // validation loss, which the whole network is measured on.
            train_loss += batch_loss * batch.len() as f64 / train.len() as f64;
            clip_grad_norm(&mut grads, 5.0);
            schedule.step(&mut opt);
            opt.step(model.parameters_mut(), &grads);
        }
        let validation_loss = model.mean_loss(&validation, cross_entropy);
        let matrix = model.confusion_matrix(&validation);
        history.record(
            train_loss,
            Some(validation_loss),
            &[
                ("validation_accuracy", matrix.accuracy()),
                ("validation_macro_f1", matrix.macro_f1()),
            ],
        );
        progress.report(&history)?;
        schedule.observe(validation_loss);
        match early.observe(validation_loss, &model) {
            Verdict::Improved => {
                Checkpoint::new(model.clone(), opt.clone(), epoch, validation_loss)
                    .with_standardize(standardize.clone())
                    .save(&checkpoint_path)?;
            }
            Verdict::Wait => {}
            Verdict::Stop => break,
        }
    }
    progress.finish()?;
    history.save_csv(dir.join("tabular-history.csv"))?;
    history.save_svg(dir.join("tabular-history.svg"), "penguins: loss by epoch")?;

    // Reload the best epoch's checkpoint and evaluate on the raw test split, standardised by
    // the standardiser saved with the model.
    let checkpoint = Checkpoint::<AdamW>::load(&checkpoint_path)?;
    let standardize = checkpoint
        .standardize
        .ok_or("the checkpoint has no standardiser")?;
    let matrix = checkpoint.model.confusion_matrix(&standardize.apply(&test));
    log(&format!(
        "best epoch {} (validation loss {:.4}, {} optimizer steps, {} learning-rate reductions)",
        checkpoint.epoch,
        checkpoint.best_validation_loss,
        checkpoint.optimizer.steps(),
        schedule.reductions()
    ));
    log(&format!("test split, {} penguins:\n{matrix}", test.len()));
    Ok(format!(
        "tabular: epochs={} best_epoch={} test_accuracy={:.3} macro_f1={:.3}",
        history.epochs(),
        checkpoint.epoch,
        matrix.accuracy(),
        matrix.macro_f1()
    ))
}

/// The penguins as CSV text, drawn from a generator seeded with `seed`: a header, then a row
/// a penguin, its four measures (to the precision they are recorded at) and its species.
pub fn penguins_csv(seed: u64) -> String {
    let mut normal = Normal(seed);
    let mut out = format!("{HEADER}\n");
    for (species, &count) in COUNTS.iter().enumerate() {
        for _ in 0..count {
            let [bill, depth, flipper, mass] =
                MEASURES[species].map(|(mean, sd)| mean + sd * normal.sample());
            out += &format!(
                "{bill:.1},{depth:.1},{:.0},{:.0},{species}\n",
                flipper.round(),
                (mass / 25.0).round() * 25.0
            );
        }
    }
    out
}

/// Standard normal numbers from a 64-bit generator (SplitMix64), by the Box–Muller transform.
struct Normal(u64);

impl Normal {
    fn uniform(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }

    fn sample(&mut self) -> f64 {
        let (u1, u2) = (1.0 - self.uniform(), self.uniform());
        (-2.0 * u1.ln()).sqrt() * (2.0 * PI * u2).cos()
    }
}
