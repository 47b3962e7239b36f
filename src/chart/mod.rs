//! Pictures of numbers, as SVG: a [`LineChart`] of curves (a loss per step or per epoch) and
//! a [`DecisionBoundary`] of a two-input classifier over the plane.
//!
//! Each picture is one self-contained SVG document (`to_svg`), which any browser opens, and
//! shows itself under a notebook cell on evcxr's Jupyter kernel (`evcxr_display`;
//! `notebooks/backprop.ipynb` draws a loss curve and a decision boundary). Nothing here knows
//! about tapes or networks: a chart takes numbers and closures, so the examples,
//! [`nn`](crate::nn) and your own code draw with it alike. It sits beside [`teach`](crate::teach)
//! rather than in it for that reason: `teach` shows a recording, a chart shows any numbers.
//!
//! ```
//! use tapegrad::chart::LineChart;
//!
//! let losses = [0.9, 0.5, 0.3, 0.2];
//! let mut chart = LineChart::new("training", "step", "loss").with_log_y();
//! chart.add_steps("loss", &losses);
//! let svg = chart.to_svg();
//! assert!(svg.starts_with("<svg"));
//! assert!(svg.contains(">training</text>"));
//! ```
//!
//! Written here rather than taken from a plotting crate so that a first build compiles nothing
//! more: the two pictures take a few hundred lines.

mod boundary;
mod line;

pub use boundary::{DecisionBoundary, side_by_side};
pub use line::{LineChart, Series, loss_curve};

/// Two classes' colours as RGB: red for a positive label or score, blue for the rest
/// (matplotlib's "tab" red and blue).
const RED: [f64; 3] = [214.0, 39.0, 40.0];
const BLUE: [f64; 3] = [31.0, 119.0, 180.0];

/// `colour` mixed with white, as an SVG colour: all of it at `amount` 1, none at 0.
fn shade(colour: [f64; 3], amount: f64) -> String {
    let [r, g, b] = colour.map(|c| (255.0 - amount * (255.0 - c)).round() as u8);
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// Round-numbered ticks that cover `[lo, hi]`: about `count` of them, spaced 1, 2 or 5 times
/// a power of ten, the first at or below `lo` and the last at or above `hi`.
fn nice_ticks(lo: f64, hi: f64, count: usize) -> Vec<f64> {
    let (lo, hi) = if hi > lo {
        (lo, hi)
    } else {
        // One value only: a unit-wide range around it.
        (lo - 0.5, lo + 0.5)
    };
    let rough = (hi - lo) / count.max(1) as f64;
    let power = 10f64.powf(rough.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|&s| s >= rough)
        .unwrap_or(10.0 * power);
    let first = (lo / step).floor() as i64;
    let last = (hi / step).ceil() as i64;
    // Multiples of `step` as `i * step`, so that 0.1 * 3 prints as 0.3 (see `tick_label`).
    (first..=last).map(|i| i as f64 * step).collect()
}

/// A tick's number, short: no trailing zeros, no rounding noise such as `0.30000000000000004`.
fn tick_label(x: f64) -> String {
    if x == 0.0 {
        return "0".to_owned();
    }
    if x.abs() >= 1e5 || x.abs() < 1e-3 {
        return format!("{x:e}");
    }
    let text = format!("{x:.6}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    text.to_owned()
}

/// Text for SVG content and attributes: `&`, `<`, `>` and `"` as entities.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The smallest and largest of some numbers; `(0, 1)` if there are none.
fn span(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if lo > hi { (0.0, 1.0) } else { (lo, hi) }
}

#[cfg(test)]
mod tests {
    use super::{BLUE, RED, escape, nice_ticks, shade, tick_label};

    fn assert_close(actual: &[f64], expected: &[f64]) {
        assert_eq!(actual.len(), expected.len(), "{actual:?} vs {expected:?}");
        for (a, e) in actual.iter().zip(expected) {
            assert!((a - e).abs() < 1e-9, "{actual:?} vs {expected:?}");
        }
    }

    #[test]
    fn ticks_are_one_two_or_five_times_a_power_of_ten_and_cover_the_range() {
        assert_close(&nice_ticks(0.0, 1.0, 5), &[0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        assert_close(
            &nice_ticks(0.0, 9999.0, 6),
            &[0.0, 2000.0, 4000.0, 6000.0, 8000.0, 10000.0],
        );
        // A width of 0.75 in about 6 steps: 0.125 a step, rounded up to 0.2.
        assert_close(
            &nice_ticks(-0.3, 0.45, 6),
            &[-0.4, -0.2, 0.0, 0.2, 0.4, 0.6],
        );
        // A single value gets a unit-wide range around it.
        let ticks = nice_ticks(3.2, 3.2, 6);
        assert!(
            ticks[0] <= 2.7 && *ticks.last().unwrap() >= 3.7,
            "{ticks:?}"
        );
    }

    #[test]
    fn tick_labels_are_short_and_free_of_rounding_noise() {
        assert_eq!(tick_label(0.1 + 0.2), "0.3");
        assert_eq!(tick_label(2000.0), "2000");
        assert_eq!(tick_label(0.0), "0");
        assert_eq!(tick_label(-1.5), "-1.5");
        assert_eq!(tick_label(1e-4), "1e-4");
    }

    #[test]
    fn text_is_escaped_for_svg() {
        assert_eq!(escape("a<b & \"c\">"), "a&lt;b &amp; &quot;c&quot;&gt;");
    }

    #[test]
    fn shades_mix_a_colour_with_white() {
        assert_eq!(shade(RED, 1.0), "#d62728");
        assert_eq!(shade(BLUE, 0.0), "#ffffff");
        // Halfway from 255 to 31 is 143, to 119 is 187, to 180 is 217.5 (rounds up).
        assert_eq!(shade(BLUE, 0.5), "#8fbbda");
    }
}
