//! Line charts: axes with round-numbered ticks, axis labels, a title and a legend.

use std::fmt::Write;

use super::{escape, nice_ticks, span, tick_label};

/// Picture size and margins, in SVG units (pixels when shown at 100%).
const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 440.0;
const LEFT: f64 = 80.0;
const RIGHT: f64 = 180.0;
const TOP: f64 = 44.0;
const BOTTOM: f64 = 56.0;

/// Colours for the series, in order (matplotlib's first four "tab" colours, then two more).
const COLOURS: [&str; 6] = [
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
];

/// Dash patterns, in order, so that curves that lie on top of each other still show: solid
/// for the first three series, then dashed and dotted.
const DASHES: [&str; 6] = ["none", "none", "none", "7 4", "2 3", "9 3 2 3"];

/// One named curve of a [`LineChart`]: `(x, y)` points, drawn in the order given.
///
/// ```
/// let mut chart = tapegrad::chart::LineChart::new("t", "x", "y");
/// chart.add("line", [(0.0, 1.0), (1.0, 3.0)]);
/// let series = &chart.series()[0];
/// assert_eq!((series.name(), series.points()), ("line", &[(0.0, 1.0), (1.0, 3.0)][..]));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    name: String,
    points: Vec<(f64, f64)>,
}

impl Series {
    /// The name the legend shows.
    ///
    /// ```
    /// let mut chart = tapegrad::chart::LineChart::new("t", "x", "y");
    /// chart.add_steps("training loss", &[1.0, 0.5]);
    /// assert_eq!(chart.series()[0].name(), "training loss");
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The points, as given.
    ///
    /// ```
    /// let mut chart = tapegrad::chart::LineChart::new("t", "x", "y");
    /// chart.add_steps("loss", &[1.0, 0.5]);
    /// assert_eq!(chart.series()[0].points(), [(0.0, 1.0), (1.0, 0.5)]);
    /// ```
    pub fn points(&self) -> &[(f64, f64)] {
        &self.points
    }
}

/// A chart of one or more curves that share their axes, drawn as SVG.
///
/// The axes run from a round tick at or below the smallest value to one at or above the
/// largest, so no point leaves the frame; a logarithmic `y` axis
/// ([`with_log_y`](LineChart::with_log_y)) spans whole decades, for losses that fall by
/// orders of magnitude. Each curve gets a colour (and, from the fourth on, a dash pattern)
/// and a line in the legend.
///
/// ```
/// use tapegrad::chart::LineChart;
///
/// let mut chart = LineChart::new("Two runs", "epoch", "loss").with_log_y();
/// chart.add("training", [(1.0, 0.8), (2.0, 0.2), (3.0, 0.05)]);
/// chart.add("validation", [(1.0, 0.9), (2.0, 0.4), (3.0, 0.3)]);
/// let svg = chart.to_svg();
/// assert!(svg.contains(">validation</text>"));
/// assert!(svg.contains("loss (log scale)"));
/// std::fs::write(std::env::temp_dir().join("two-runs.svg"), svg)?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct LineChart {
    title: String,
    x_label: String,
    y_label: String,
    log_y: bool,
    series: Vec<Series>,
}

impl LineChart {
    /// A chart with no curves yet and a linear `y` axis: its title, then the labels of the
    /// `x` and `y` axes.
    ///
    /// ```
    /// let chart = tapegrad::chart::LineChart::new("XOR", "step", "loss");
    /// assert_eq!((chart.title(), chart.x_label(), chart.y_label()), ("XOR", "step", "loss"));
    /// assert!(chart.series().is_empty());
    /// ```
    pub fn new(title: &str, x_label: &str, y_label: &str) -> Self {
        LineChart {
            title: title.to_owned(),
            x_label: x_label.to_owned(),
            y_label: y_label.to_owned(),
            log_y: false,
            series: Vec::new(),
        }
    }

    /// The same chart with a logarithmic `y` axis. Points with `y <= 0` are then left out, as
    /// a logarithm cannot place them.
    ///
    /// ```
    /// let chart = tapegrad::chart::LineChart::new("t", "x", "y").with_log_y();
    /// assert!(chart.is_log_y());
    /// ```
    pub fn with_log_y(self) -> Self {
        LineChart {
            log_y: true,
            ..self
        }
    }

    /// Adds a curve through `points`, `(x, y)` pairs drawn in the order given.
    ///
    /// ```
    /// let mut chart = tapegrad::chart::LineChart::new("t", "x", "y");
    /// chart.add("square", (0..5).map(|i| (i as f64, (i * i) as f64)));
    /// assert_eq!(chart.series()[0].points().len(), 5);
    /// ```
    pub fn add(&mut self, name: &str, points: impl IntoIterator<Item = (f64, f64)>) {
        self.series.push(Series {
            name: name.to_owned(),
            points: points.into_iter().collect(),
        });
    }

    /// Adds a curve of one value a step: `values[k]` at `x = k`.
    ///
    /// ```
    /// let mut chart = tapegrad::chart::LineChart::new("t", "step", "loss");
    /// chart.add_steps("loss", &[0.7, 0.4, 0.1]);
    /// assert_eq!(chart.series()[0].points()[2], (2.0, 0.1));
    /// ```
    pub fn add_steps(&mut self, name: &str, values: &[f64]) {
        self.add(name, values.iter().enumerate().map(|(k, &v)| (k as f64, v)));
    }

    /// The title.
    ///
    /// ```
    /// assert_eq!(tapegrad::chart::LineChart::new("XOR", "x", "y").title(), "XOR");
    /// ```
    pub fn title(&self) -> &str {
        &self.title
    }

    /// The label of the `x` axis.
    ///
    /// ```
    /// assert_eq!(tapegrad::chart::LineChart::new("t", "epoch", "y").x_label(), "epoch");
    /// ```
    pub fn x_label(&self) -> &str {
        &self.x_label
    }

    /// The label of the `y` axis (the picture adds "(log scale)" to it on a log axis).
    ///
    /// ```
    /// assert_eq!(tapegrad::chart::LineChart::new("t", "x", "loss").y_label(), "loss");
    /// ```
    pub fn y_label(&self) -> &str {
        &self.y_label
    }

    /// Whether the `y` axis is logarithmic.
    ///
    /// ```
    /// assert!(!tapegrad::chart::LineChart::new("t", "x", "y").is_log_y());
    /// ```
    pub fn is_log_y(&self) -> bool {
        self.log_y
    }

    /// The curves, in the order they were added.
    ///
    /// ```
    /// let mut chart = tapegrad::chart::LineChart::new("t", "x", "y");
    /// chart.add_steps("a", &[1.0]);
    /// chart.add_steps("b", &[2.0]);
    /// let names: Vec<&str> = chart.series().iter().map(|s| s.name()).collect();
    /// assert_eq!(names, ["a", "b"]);
    /// ```
    pub fn series(&self) -> &[Series] {
        &self.series
    }

    /// The chart as an SVG document, 720 x 440. Points that are not finite (a loss that blew
    /// up) are left out, and so are `y <= 0` on a log axis; a chart with no point left draws
    /// its axes over `[0, 1]`. A long curve is thinned to about one point per pixel column,
    /// its first and last points always kept.
    ///
    /// ```
    /// let mut chart = tapegrad::chart::LineChart::new("t", "x", "y");
    /// chart.add("line", [(0.0, 1.0), (10.0, 0.0)]);
    /// let svg = chart.to_svg();
    /// // The plot runs from (80, 44) to (540, 384); y grows upward.
    /// assert!(svg.contains(r#"<polyline points="80.0,44.0 540.0,384.0""#));
    /// ```
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

    /// Shows the chart under a notebook cell: evcxr's Jupyter kernel calls this method on a
    /// cell's last expression. It prints the SVG, and a line per curve as plain text for
    /// front ends without pictures, between evcxr's markers.
    ///
    /// ```
    /// let mut chart = tapegrad::chart::LineChart::new("XOR", "step", "loss");
    /// chart.add_steps("loss", &[0.7, 0.1]);
    /// chart.evcxr_display(); // prints EVCXR_BEGIN_CONTENT image/svg+xml ...
    /// ```
    pub fn evcxr_display(&self) {
        print!("{}", self.evcxr_output());
    }

    /// What [`evcxr_display`](LineChart::evcxr_display) prints.
    pub(crate) fn evcxr_output(&self) -> String {
        let mut text = format!("{}: {} against {}", self.title, self.y_label, self.x_label);
        for s in &self.series {
            let _ = write!(text, "\n  {}: {} points", s.name, s.points.len());
            if let (Some(first), Some(last)) = (s.points.first(), s.points.last()) {
                let _ = write!(text, ", from {:?} to {:?}", first, last);
            }
        }
        crate::notebook::evcxr_output(&[("image/svg+xml", &self.to_svg()), ("text/plain", &text)])
    }
}

/// A chart of one loss curve, one point a step, on a log axis: the picture most training
/// loops want.
///
/// ```
/// let losses: Vec<f64> = (0..100).map(|k| 1.0 / (1.0 + k as f64)).collect();
/// let chart = tapegrad::chart::loss_curve("XOR", &losses);
/// assert_eq!(chart.series()[0].name(), "training loss");
/// assert!(chart.to_svg().contains("(log scale)"));
/// ```
pub fn loss_curve(title: &str, losses: &[f64]) -> LineChart {
    let mut chart = LineChart::new(title, "step", "loss").with_log_y();
    chart.add_steps("training loss", losses);
    chart
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

#[cfg(test)]
mod tests {
    use super::LineChart;

    #[test]
    fn the_notebook_display_is_the_svg_then_a_text_summary() {
        let mut chart = LineChart::new("XOR", "step", "loss");
        chart.add_steps("loss", &[0.5, 0.25]);
        let out = chart.evcxr_output();
        let svg = chart.to_svg();
        let expected = format!(
            "EVCXR_BEGIN_CONTENT image/svg+xml\n{}\nEVCXR_END_CONTENT\n\
             EVCXR_BEGIN_CONTENT text/plain\nXOR: loss against step\n  \
             loss: 2 points, from (0.0, 0.5) to (1.0, 0.25)\nEVCXR_END_CONTENT\n",
            svg.trim_end()
        );
        assert_eq!(out, expected);
    }
}
