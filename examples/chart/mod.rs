//! Line charts as SVG, for the examples' loss curves: axes with round-numbered ticks, axis
//! labels, a title and a legend, in one self-contained file that any browser opens.
//!
//! Shared by the examples that draw curves (`xor`, `moons`, `spiral`, `tutorial_xor`,
//! `activations`, `overfitting`) and tested in `tests/svg_chart.rs`. Written here rather than
//! taken from a plotting crate so that a first `cargo run --example` compiles nothing more.

use std::fmt::Write;

/// Picture size and margins, in SVG units (pixels when shown at 100%).
const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 440.0;
const LEFT: f64 = 80.0;
const RIGHT: f64 = 180.0;
const TOP: f64 = 44.0;
const BOTTOM: f64 = 56.0;

/// Colours for the series, in order (matplotlib's first four "tab" colours, then two more).
pub const COLOURS: [&str; 6] = [
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
];

/// Two classes' colours as RGB, red for +1 and blue for -1 (the `moons` example's).
pub const RED: [f64; 3] = [214.0, 39.0, 40.0];
pub const BLUE: [f64; 3] = [31.0, 119.0, 180.0];

/// `colour` mixed with white, as an SVG colour: all of it at `amount` 1, none at 0.
pub fn shade(colour: [f64; 3], amount: f64) -> String {
    let [r, g, b] = colour.map(|c| (255.0 - amount * (255.0 - c)).round() as u8);
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// Dash patterns, in order, so that curves that lie on top of each other still show: solid
/// for the first three series, then dashed and dotted.
const DASHES: [&str; 6] = ["none", "none", "none", "7 4", "2 3", "9 3 2 3"];

/// One named curve: `(x, y)` points in order of `x`.
pub struct Series {
    pub name: String,
    pub points: Vec<(f64, f64)>,
}

/// A chart of one or more curves sharing their axes.
pub struct LineChart {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    /// A logarithmic `y` axis: loss curves span decades. Points with `y <= 0` are then left
    /// out, as a logarithm cannot place them.
    pub log_y: bool,
    pub series: Vec<Series>,
}

impl LineChart {
    /// A chart with no curves yet and a linear `y` axis.
    pub fn new(title: &str, x_label: &str, y_label: &str) -> Self {
        LineChart {
            title: title.to_owned(),
            x_label: x_label.to_owned(),
            y_label: y_label.to_owned(),
            log_y: false,
            series: Vec::new(),
        }
    }

    /// The same chart with a logarithmic `y` axis.
    pub fn with_log_y(self) -> Self {
        LineChart {
            log_y: true,
            ..self
        }
    }

    /// Adds a curve.
    pub fn add(&mut self, name: &str, points: impl IntoIterator<Item = (f64, f64)>) {
        self.series.push(Series {
            name: name.to_owned(),
            points: points.into_iter().collect(),
        });
    }

    /// Adds a curve of one value a step: `values[k]` at `x = k`.
    pub fn add_steps(&mut self, name: &str, values: &[f64]) {
        self.add(name, values.iter().enumerate().map(|(k, &v)| (k as f64, v)));
    }

    /// The chart as an SVG document. Points that are not finite (a loss that blew up) are
    /// left out, and so are `y <= 0` on a log axis; a chart with no point left draws its
    /// axes over `[0, 1]`.
    pub fn to_svg(&self) -> String {
        let series: Vec<Vec<(f64, f64)>> = self
            .series
            .iter()
            .map(|s| {
                s.points
                    .iter()
                    .copied()
                    .filter(|&(x, y)| x.is_finite() && y.is_finite() && (!self.log_y || y > 0.0))
                    .collect()
            })
            .collect();
        let all = || series.iter().flatten();
        let (x_lo, x_hi) = span(all().map(|p| p.0));
        let (y_lo, y_hi) = if self.log_y {
            let (lo, hi) = span(all().map(|p| p.1.log10()));
            (lo.floor(), hi.ceil().max(lo.floor() + 1.0))
        } else {
            span(all().map(|p| p.1))
        };
        let x_ticks = nice_ticks(x_lo, x_hi, 6);
        let y_ticks = if self.log_y {
            (y_lo as i32..=y_hi as i32).map(f64::from).collect()
        } else {
            nice_ticks(y_lo, y_hi, 6)
        };
        // The axes run from the first tick to the last, so the data never leaves the frame.
        let (x0, x1) = (x_ticks[0], x_ticks[x_ticks.len() - 1]);
        let (y0, y1) = (y_ticks[0], y_ticks[y_ticks.len() - 1]);
        let plot_w = WIDTH - LEFT - RIGHT;
        let plot_h = HEIGHT - TOP - BOTTOM;
        let px = |x: f64| LEFT + (x - x0) / (x1 - x0) * plot_w;
        let py = |y: f64| TOP + (y1 - y) / (y1 - y0) * plot_h;

        let mut svg = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{HEIGHT}\" \
             viewBox=\"0 0 {WIDTH} {HEIGHT}\" font-family=\"sans-serif\" font-size=\"12\">\n\
             <rect width=\"{WIDTH}\" height=\"{HEIGHT}\" fill=\"white\"/>\n\
             <text x=\"{}\" y=\"24\" font-size=\"15\" text-anchor=\"middle\">{}</text>\n",
            LEFT + plot_w / 2.0,
            escape(&self.title)
        );
        for &t in &x_ticks {
            let x = px(t);
            let _ = writeln!(
                svg,
                "<line x1=\"{x:.1}\" y1=\"{TOP}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#e5e5e5\"/>\
                 <text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                TOP + plot_h,
                TOP + plot_h + 16.0,
                tick_label(t)
            );
        }
        for &t in &y_ticks {
            let y = py(t);
            let label = if self.log_y {
                tick_label(10f64.powf(t))
            } else {
                tick_label(t)
            };
            let _ = writeln!(
                svg,
                "<line x1=\"{LEFT}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"#e5e5e5\"/>\
                 <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{label}</text>",
                LEFT + plot_w,
                LEFT - 6.0,
                y + 4.0
            );
        }
        let _ = writeln!(
            svg,
            "<rect x=\"{LEFT}\" y=\"{TOP}\" width=\"{plot_w}\" height=\"{plot_h}\" fill=\"none\" \
             stroke=\"#333\"/>\n\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>\n\
             <text transform=\"translate(18 {:.1}) rotate(-90)\" text-anchor=\"middle\">{}{}</text>",
            LEFT + plot_w / 2.0,
            HEIGHT - 14.0,
            escape(&self.x_label),
            TOP + plot_h / 2.0,
            escape(&self.y_label),
            if self.log_y { " (log scale)" } else { "" }
        );
        for (k, (points, s)) in series.iter().zip(&self.series).enumerate() {
            let colour = COLOURS[k % COLOURS.len()];
            let dash = DASHES[k % DASHES.len()];
            let y_of = |y: f64| if self.log_y { y.log10() } else { y };
            let mut path = String::new();
            for &(x, y) in thin(points, plot_w as usize) {
                let _ = write!(path, "{:.1},{:.1} ", px(x), py(y_of(y)));
            }
            let _ = writeln!(
                svg,
                "<polyline points=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" \
                 stroke-dasharray=\"{dash}\"/>",
                path.trim_end()
            );
            let ly = TOP + 10.0 + 20.0 * k as f64;
            let lx = LEFT + plot_w + 14.0;
            let _ = writeln!(
                svg,
                "<line x1=\"{lx}\" y1=\"{ly}\" x2=\"{}\" y2=\"{ly}\" stroke=\"{colour}\" \
                 stroke-width=\"3\" stroke-dasharray=\"{dash}\"/><text x=\"{}\" y=\"{}\">{}</text>",
                lx + 22.0,
                lx + 28.0,
                ly + 4.0,
                escape(&s.name)
            );
        }
        svg.push_str("</svg>\n");
        svg
    }
}

/// A chart of one loss curve, one point a step, on a log axis.
pub fn loss_curve(title: &str, losses: &[f64]) -> String {
    let mut chart = LineChart::new(title, "step", "loss").with_log_y();
    chart.add_steps("training loss", losses);
    chart.to_svg()
}

/// Round-numbered ticks that cover `[lo, hi]`: about `count` of them, spaced 1, 2 or 5 times
/// a power of ten, the first at or below `lo` and the last at or above `hi`.
pub fn nice_ticks(lo: f64, hi: f64, count: usize) -> Vec<f64> {
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
pub fn tick_label(x: f64) -> String {
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

/// Text for SVG: `&`, `<`, `>` and `"` as entities.
pub fn escape(text: &str) -> String {
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

/// At most about `columns` of the points, evenly strided, always with the last: a curve of
/// 10,000 steps drawn on 460 pixel columns needs no more, and the file stays small.
fn thin(points: &[(f64, f64)], columns: usize) -> impl Iterator<Item = &(f64, f64)> {
    let stride = points.len().div_ceil(columns.max(1)).max(1);
    let last = points.len().saturating_sub(1);
    points
        .iter()
        .enumerate()
        .filter(move |&(i, _)| i % stride == 0 || i == last)
        .map(|(_, p)| p)
}
