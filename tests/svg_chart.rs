//! The SVG pictures of `tapegrad::chart`: line charts with round ticks and points where the
//! axes say they are, decision boundaries with the plane's points where the region puts them,
//! and well-formed documents whatever the data.
#![cfg(feature = "nn")]

use tapegrad::chart::{DecisionBoundary, LineChart, loss_curve, side_by_side};

mod svg_text;
use svg_text::is_well_formed;

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

#[test]
fn titles_and_labels_are_escaped_for_svg() {
    let chart = LineChart::new("loss < 1 & falling", "x \"in\"", "y");
    let svg = chart.to_svg();
    assert!(svg.contains("loss &lt; 1 &amp; falling"), "{svg}");
    assert!(svg.contains("x &quot;in&quot;"), "{svg}");
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
    let svg = loss_curve("t", &losses).to_svg();
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

/// The `(cx, cy)` of every circle, in order.
fn circles(svg: &str) -> Vec<(f64, f64)> {
    let attribute = |tag: &str, name: &str| -> f64 {
        let start = tag.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
        tag[start..start + tag[start..].find('"').unwrap()]
            .parse()
            .unwrap()
    };
    svg.split("<circle")
        .skip(1)
        .map(|rest| {
            let tag = &rest[..rest.find("/>").unwrap()];
            (attribute(tag, "cx"), attribute(tag, "cy"))
        })
        .collect()
}

#[test]
fn boundary_points_land_where_the_region_puts_them() {
    // The region [0, 4] x [0, 2], 400 wide: 100 pixels a unit, from (8, 30) (the padding,
    // then the title's line), with y growing upward.
    let picture = DecisionBoundary::new("t")
        .region(0.0, 4.0, 0.0, 2.0)
        .width(400.0)
        .points([(0.0, 2.0, 1.0), (4.0, 0.0, -1.0), (1.5, 0.5, 1.0)]);
    let svg = picture.to_svg();
    assert_eq!(circles(&svg), [(8.0, 30.0), (408.0, 230.0), (158.0, 180.0)]);
    assert!(svg.contains("width=\"416\" height=\"238\""), "{svg}");
    assert!(is_well_formed(&svg), "{svg}");
}

#[test]
fn boundary_shading_follows_the_sign_of_the_score() {
    // A score of +1 left of x = 0 and -1 right of it: each row is two runs, red then blue.
    let picture = DecisionBoundary::new("t")
        .region(-1.0, 1.0, -1.0, 1.0)
        .scores(|x, _| if x < 0.0 { 1.0 } else { -1.0 });
    let svg = picture.to_svg();
    let red = svg.matches("fill=\"#e67d7e\"").count();
    let blue = svg.matches("fill=\"#79add2\"").count();
    assert_eq!((red, blue), (60, 60), "{svg}");
    assert!(is_well_formed(&svg));
}

#[test]
fn boundary_arrows_skip_zero_and_non_finite_directions() {
    let picture = DecisionBoundary::new("t")
        .region(0.0, 1.0, 0.0, 1.0)
        .arrows(|x, _| if x < 0.5 { (0.0, 0.0) } else { (f64::NAN, 1.0) });
    assert_eq!(picture.to_svg().matches("marker-end").count(), 0);
    let picture = DecisionBoundary::new("t")
        .region(0.0, 1.0, 0.0, 1.0)
        .arrows(|x, _| if x < 0.5 { (0.0, 0.0) } else { (1.0, 1.0) });
    assert_eq!(picture.to_svg().matches("marker-end").count(), 7 * 14);
}

#[test]
fn a_boundary_without_a_region_frames_its_points_with_a_margin() {
    // Points spanning [0, 10] x [0, 5]: a margin of 1 all round, so [-1, 11] x [-1, 6].
    let svg = DecisionBoundary::new("t")
        .width(120.0)
        .points([(0.0, 0.0, 1.0), (10.0, 5.0, 1.0)])
        .to_svg();
    assert_eq!(circles(&svg), [(18.0, 90.0), (118.0, 40.0)]);
}

#[test]
fn panels_side_by_side_keep_their_own_clip_paths() {
    let panels: Vec<DecisionBoundary> = (0..5)
        .map(|k| {
            DecisionBoundary::new(&format!("panel {k}"))
                .region(0.0, 1.0, 0.0, 1.0)
                .width(100.0)
                .points([(0.5, 0.5, 1.0)])
        })
        .collect();
    let svg = side_by_side(&panels, 3, "five panels");
    for k in 0..5 {
        assert_eq!(svg.matches(&format!("id=\"panel{k}-clip\"")).count(), 1);
    }
    // Three to a row: the fourth starts the second row, under the first.
    let dots = circles(&svg);
    assert_eq!(dots.len(), 5);
    assert_eq!(dots[3].0, dots[0].0);
    assert!(dots[3].1 > dots[0].1);
    assert!(is_well_formed(&svg), "{svg}");
}
