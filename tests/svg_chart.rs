//! The examples' SVG line charts (`examples/chart/mod.rs`): round ticks, points where the axes
//! say they are, well-formed documents whatever the data.

#[allow(dead_code)] // the examples use the rest
#[path = "../examples/chart/mod.rs"]
mod chart;

use chart::{LineChart, escape, nice_ticks, tick_label};

/// Whether every element that opens also closes, in order (no attribute holds `<` or `>`,
/// which `escape` guarantees for text).
fn is_well_formed(svg: &str) -> bool {
    let mut open: Vec<&str> = Vec::new();
    let mut rest = svg;
    while let Some(start) = rest.find('<') {
        let Some(len) = rest[start..].find('>') else {
            return false;
        };
        let tag = &rest[start + 1..start + len];
        rest = &rest[start + len + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            if open.pop() != Some(name.trim()) {
                return false;
            }
        } else if !tag.ends_with('/') {
            open.push(tag.split_whitespace().next().unwrap_or(""));
        }
    }
    open.is_empty()
}

/// The `(x, y)` pairs of every polyline, in order.
fn polylines(svg: &str) -> Vec<Vec<(f64, f64)>> {
    svg.split("<polyline points=\"")
        .skip(1)
        .map(|rest| {
            let points = &rest[..rest.find('"').unwrap()];
            points
                .split_whitespace()
                .map(|p| {
                    let (x, y) = p.split_once(',').unwrap();
                    (x.parse().unwrap(), y.parse().unwrap())
                })
                .collect()
        })
        .collect()
}

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
    let chart = LineChart::new("loss < 1 & falling", "x", "y");
    let svg = chart.to_svg();
    assert!(svg.contains("loss &lt; 1 &amp; falling"), "{svg}");
    assert!(is_well_formed(&svg));
}

#[test]
fn points_land_where_the_ticks_say() {
    // x from 0 to 10 and y from 0 to 1 fill the plot from tick to tick: the plot area is
    // 460 wide from x = 80 and 340 high from y = 44, with y growing upward.
    let mut chart = LineChart::new("t", "x", "y");
    chart.add("line", [(0.0, 1.0), (5.0, 0.5), (10.0, 0.0)]);
    let svg = chart.to_svg();
    assert_eq!(
        polylines(&svg),
        [vec![(80.0, 44.0), (310.0, 214.0), (540.0, 384.0)]]
    );
    assert!(is_well_formed(&svg), "{svg}");
}

#[test]
fn a_log_axis_spans_whole_decades_and_drops_what_it_cannot_place() {
    let mut chart = LineChart::new("t", "step", "loss").with_log_y();
    chart.add(
        "loss",
        [(0.0, 1.0), (1.0, 0.0), (2.0, 0.01), (3.0, f64::NAN)],
    );
    let svg = chart.to_svg();
    assert!(svg.contains("(log scale)"));
    // Decades 0.01, 0.1 and 1: the first point at the top, the last kept one at the bottom.
    for label in [">0.01<", ">0.1<", ">1<"] {
        assert!(svg.contains(label), "{label} missing: {svg}");
    }
    let lines = polylines(&svg);
    assert_eq!(lines[0].len(), 2, "the zero and the NaN are left out");
    assert_eq!(lines[0][0].1, 44.0);
    assert_eq!(lines[0][1].1, 384.0);
}

#[test]
fn every_series_gets_a_curve_and_a_legend_entry() {
    let mut chart = LineChart::new("t", "x", "y");
    for name in ["sigmoid", "tanh", "relu", "leaky_relu"] {
        chart.add(name, [(0.0, 1.0), (1.0, 2.0)]);
    }
    let svg = chart.to_svg();
    assert_eq!(polylines(&svg).len(), 4);
    for name in ["sigmoid", "tanh", "relu", "leaky_relu"] {
        assert!(svg.contains(&format!(">{name}</text>")), "{name}");
    }
    assert!(is_well_formed(&svg));
}

#[test]
fn long_curves_are_thinned_to_the_pixel_columns_keeping_both_ends() {
    let losses: Vec<f64> = (0..10_000).map(|k| 1.0 / (1.0 + k as f64)).collect();
    let svg = chart::loss_curve("t", &losses);
    let line = &polylines(&svg)[0];
    assert!(line.len() <= 461, "{} points drawn", line.len());
    assert_eq!(line[0].0, 80.0);
    assert_eq!(line[line.len() - 1].0, 540.0);
}

#[test]
fn a_chart_without_data_still_draws_its_axes() {
    let mut chart = LineChart::new("empty", "x", "y").with_log_y();
    chart.add("nothing", []);
    let svg = chart.to_svg();
    assert!(is_well_formed(&svg), "{svg}");
    assert_eq!(polylines(&svg), [Vec::<(f64, f64)>::new()]);
}

#[test]
fn shades_mix_a_colour_with_white() {
    assert_eq!(chart::shade(chart::RED, 1.0), "#d62728");
    assert_eq!(chart::shade(chart::BLUE, 0.0), "#ffffff");
    // Halfway from 255 to 31 is 143, to 119 is 187, to 180 is 217.5 (rounds up).
    assert_eq!(chart::shade(chart::BLUE, 0.5), "#8fbbda");
}
