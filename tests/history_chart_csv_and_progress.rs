//! A training history written as CSV and drawn as an SVG chart (through `tapegrad::chart`),
//! and the progress report: a line an epoch to a log, a bar redrawn in place on a terminal.
#![cfg(feature = "nn")]

use tapegrad::nn::{History, Progress};

fn three_epochs() -> History {
    let mut history = History::new();
    history.record(1.0, Some(1.25), &[("accuracy", 0.5), ("macro_f1", 0.4)]);
    history.record(0.5, Some(0.75), &[("accuracy", 0.75), ("macro_f1", 0.7)]);
    history.record(0.25, Some(0.875), &[("accuracy", 0.8), ("macro_f1", 0.75)]);
    history
}

#[test]
fn the_csv_has_a_header_and_a_row_an_epoch_that_read_back_to_the_numbers() {
    let csv = three_epochs().to_csv();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("epoch,train_loss,validation_loss,accuracy,macro_f1")
    );
    let rows: Vec<Vec<f64>> = lines
        .map(|row| row.split(',').map(|f| f.parse().unwrap()).collect())
        .collect();
    assert_eq!(
        rows,
        [
            [1.0, 1.0, 1.25, 0.5, 0.4],
            [2.0, 0.5, 0.75, 0.75, 0.7],
            [3.0, 0.25, 0.875, 0.8, 0.75]
        ]
    );
}

#[test]
fn the_chart_draws_both_losses_by_epoch_on_a_log_axis() {
    let history = three_epochs();
    let chart = history.chart("run");
    let names: Vec<&str> = chart.series().iter().map(|s| s.name()).collect();
    assert_eq!(names, ["training loss", "validation loss"]);
    assert_eq!(
        chart.series()[0].points(),
        [(1.0, 1.0), (2.0, 0.5), (3.0, 0.25)]
    );
    assert_eq!(chart.x_label(), "epoch");
    let svg = chart.to_svg();
    assert!(svg.contains("loss (log scale)") && svg.contains(">run</text>"));
    assert_eq!(svg.matches("<polyline").count(), 2);
    let metrics = history.metrics_chart("run");
    assert_eq!(metrics.series()[1].points()[2], (3.0, 0.75));
    assert_eq!(history.best_epoch(), Some(2));
}

#[test]
fn epochs_without_a_validation_loss_leave_its_field_empty_and_its_curve_out() {
    let mut history = History::new();
    history.record(0.5, None, &[]);
    history.record(0.4, None, &[]);
    assert_eq!(
        history.to_csv(),
        "epoch,train_loss,validation_loss\n1,0.5,\n2,0.4,\n"
    );
    assert_eq!(history.chart("t").series().len(), 1);
    assert_eq!(history.best_epoch(), None);
}

#[test]
#[should_panic(expected = "every epoch records the metrics of the first")]
fn a_metric_missing_from_a_later_epoch_panics() {
    let mut history = History::new();
    history.record(0.5, None, &[("accuracy", 0.5)]);
    history.record(0.4, None, &[]);
}

#[test]
fn a_log_gets_one_line_an_epoch() {
    let history = three_epochs();
    let mut log = Vec::new();
    let mut progress = Progress::to_writer(3, &mut log, false);
    let mut partial = History::new();
    for k in 0..3 {
        let metrics = [
            ("accuracy", history.metric("accuracy").unwrap()[k]),
            ("macro_f1", history.metric("macro_f1").unwrap()[k]),
        ];
        partial.record(
            history.train_losses()[k],
            history.validation_losses()[k],
            &metrics,
        );
        progress.report(&partial).unwrap();
    }
    progress.finish().unwrap();
    let text = String::from_utf8(log).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(
        lines[1].starts_with(
            "epoch 2/3  train loss 0.5000  validation loss 0.7500  accuracy 0.7500  macro_f1 0.7000  ("
        ),
        "{}",
        lines[1]
    );
    assert!(lines[1].ends_with(" s)"));
    assert!(!text.contains('\r'));
}

#[test]
fn a_terminal_gets_one_bar_redrawn_in_place_and_ended_by_finish() {
    let history = three_epochs();
    let mut screen = Vec::new();
    let mut progress = Progress::to_writer(6, &mut screen, true);
    progress.report(&history).unwrap();
    progress.finish().unwrap();
    let text = String::from_utf8(screen).unwrap();
    // 3 epochs of 6: half the bar.
    assert!(
        text.starts_with("\r[##########----------] epoch 3/6  train loss 0.2500"),
        "{text:?}"
    );
    assert!(text.ends_with("\x1b[K\n"), "{text:?}");
    assert_eq!(text.matches('\n').count(), 1);
}
