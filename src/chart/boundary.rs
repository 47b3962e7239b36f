//! A two-input classifier over the plane: its score shaded, the data on top.

use std::fmt::Write;

use super::{BLUE, RED, escape, shade, span};

/// Cells across the shaded region; rows follow, so that the cells are square.
const CELLS: usize = 60;
/// Arrows across the region, and down it.
const ARROWS: usize = 14;
/// Room around the picture, the title's line, and a caption's line.
const PAD: f64 = 8.0;
const TITLE: f64 = 22.0;
const LINE: f64 = 18.0;

/// The decision boundary of a classifier of points of the plane, as SVG: the classifier's
/// score shaded over a region (red where it is positive, blue where it is negative, deeper as
/// it grows, in four steps up to 1), the data points on top coloured by label (red for a
/// label above 0), and optionally an arrow field (such as the score's gradient) and a
/// caption.
///
/// The region is the box around every point given, with a tenth of its size as margin,
/// unless [`region`](DecisionBoundary::region) sets it. The closures run when the picture is
/// drawn, once a cell (60 across) and once an arrow (14 x 14).
///
/// ```
/// use tapegrad::chart::DecisionBoundary;
///
/// // Points labelled by the side of the line x = y they are on, and that line as the model.
/// let data = [(0.0, 1.0, 1.0), (1.0, 2.0, 1.0), (1.0, 0.0, -1.0), (2.0, 1.0, -1.0)];
/// let picture = DecisionBoundary::new("x = y")
///     .points(data)
///     .scores(|x, y| y - x)
///     .arrows(|_, _| (-1.0, 1.0)) // where the score rises fastest
///     .caption("shading: the score (red: positive, blue: negative)");
/// let svg = picture.to_svg();
/// assert_eq!(svg.matches("<circle").count(), 4);
/// assert!(svg.contains("fill=\"#d62728\"")); // a red point
/// ```
pub struct DecisionBoundary<'a> {
    title: String,
    subtitle: Option<String>,
    width: f64,
    region: Option<[f64; 4]>,
    points: Vec<(f64, f64, f64)>,
    hollow: Vec<(f64, f64, f64)>,
    score: Option<Box<PlaneFn<'a, f64>>>,
    arrows: Option<Box<PlaneFn<'a, (f64, f64)>>>,
    caption: Vec<String>,
}

/// A function of a point of the plane, as the picture keeps it until it draws.
type PlaneFn<'a, T> = dyn Fn(f64, f64) -> T + 'a;

/// The settings and the points; the closures show as whether they are set.
impl std::fmt::Debug for DecisionBoundary<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DecisionBoundary")
            .field("title", &self.title)
            .field("subtitle", &self.subtitle)
            .field("width", &self.width)
            .field("region", &self.bounds())
            .field("points", &self.points)
            .field("hollow_points", &self.hollow)
            .field("scores", &self.score.is_some())
            .field("arrows", &self.arrows.is_some())
            .field("caption", &self.caption)
            .finish()
    }
}

impl<'a> DecisionBoundary<'a> {
    /// A picture with a title and nothing in it yet, 480 wide.
    ///
    /// ```
    /// let svg = tapegrad::chart::DecisionBoundary::new("empty").to_svg();
    /// assert!(svg.contains(">empty</text>"));
    /// ```
    pub fn new(title: &str) -> Self {
        DecisionBoundary {
            title: title.to_owned(),
            subtitle: None,
            width: 480.0,
            region: None,
            points: Vec::new(),
            hollow: Vec::new(),
            score: None,
            arrows: None,
            caption: Vec::new(),
        }
    }

    /// A second, smaller line under the title.
    ///
    /// ```
    /// let picture = tapegrad::chart::DecisionBoundary::new("L2").subtitle("1e-3 x sum w²");
    /// assert!(picture.to_svg().contains(">1e-3 x sum w²</text>"));
    /// ```
    pub fn subtitle(mut self, text: &str) -> Self {
        self.subtitle = Some(text.to_owned());
        self
    }

    /// The width of the shaded region in the picture (480 by default); its height follows
    /// from the region's shape.
    ///
    /// ```
    /// use tapegrad::chart::DecisionBoundary;
    ///
    /// let picture = DecisionBoundary::new("t").region(0.0, 2.0, 0.0, 1.0).width(300.0);
    /// assert!(picture.to_svg().contains("width=\"316\" height=\"188\""));
    /// ```
    pub fn width(mut self, pixels: f64) -> Self {
        self.width = pixels;
        self
    }

    /// The part of the plane to draw: `x` from `x0` to `x1`, `y` from `y0` to `y1`. Points
    /// outside it are cut off.
    ///
    /// ```
    /// let picture = tapegrad::chart::DecisionBoundary::new("t").region(-1.0, 1.0, -1.0, 1.0);
    /// assert!(picture.to_svg().contains("<svg"));
    /// ```
    pub fn region(mut self, x0: f64, x1: f64, y0: f64, y1: f64) -> Self {
        self.region = Some([x0, x1, y0, y1]);
        self
    }

    /// Adds data points `(x, y, label)`, drawn as filled dots: red for a label above 0, blue
    /// for the rest (so labels `±1` and `0/1` both work).
    ///
    /// ```
    /// let picture = tapegrad::chart::DecisionBoundary::new("t").points([(0.0, 0.0, 1.0)]);
    /// assert_eq!(picture.to_svg().matches("<circle").count(), 1);
    /// ```
    pub fn points(mut self, points: impl IntoIterator<Item = (f64, f64, f64)>) -> Self {
        self.points.extend(points);
        self
    }

    /// Adds points drawn as small rings (test points beside filled training points, say),
    /// coloured by label as [`points`](DecisionBoundary::points) are, under them.
    ///
    /// ```
    /// let picture = tapegrad::chart::DecisionBoundary::new("t").hollow_points([(0.0, 0.0, -1.0)]);
    /// assert!(picture.to_svg().contains("fill=\"none\" stroke=\"#1f77b4\""));
    /// ```
    pub fn hollow_points(mut self, points: impl IntoIterator<Item = (f64, f64, f64)>) -> Self {
        self.hollow.extend(points);
        self
    }

    /// The classifier's score at a point of the plane: its sign is the class (positive: red,
    /// negative: blue), and the shade deepens with its size up to 1. Scale a score to that
    /// range: a margin for the hinge loss, a logit divided by a few, `2p - 1` for a
    /// probability `p`.
    ///
    /// ```
    /// let picture = tapegrad::chart::DecisionBoundary::new("t")
    ///     .region(-1.0, 1.0, -1.0, 1.0)
    ///     .scores(|x, _| x);
    /// let svg = picture.to_svg();
    /// // The deepest red and blue at the edges.
    /// assert!(svg.contains("#e67d7e") && svg.contains("#79add2"));
    /// ```
    pub fn scores(mut self, score: impl Fn(f64, f64) -> f64 + 'a) -> Self {
        self.score = Some(Box::new(score));
        self
    }

    /// An arrow field: at each of 14 x 14 points of the region, an arrow of fixed length in
    /// the direction `direction(x, y)` gives, such as the gradient of the score with respect
    /// to the input (where the score rises fastest). A zero or non-finite direction draws no
    /// arrow.
    ///
    /// ```
    /// let picture = tapegrad::chart::DecisionBoundary::new("t")
    ///     .region(0.0, 1.0, 0.0, 1.0)
    ///     .arrows(|_, _| (1.0, 0.0));
    /// assert_eq!(picture.to_svg().matches("marker-end").count(), 14 * 14);
    /// ```
    pub fn arrows(mut self, direction: impl Fn(f64, f64) -> (f64, f64) + 'a) -> Self {
        self.arrows = Some(Box::new(direction));
        self
    }

    /// Adds a line of text under the picture.
    ///
    /// ```
    /// let picture = tapegrad::chart::DecisionBoundary::new("t").caption("red: class 1");
    /// assert!(picture.to_svg().contains(">red: class 1</text>"));
    /// ```
    pub fn caption(mut self, line: &str) -> Self {
        self.caption.push(line.to_owned());
        self
    }

    /// The picture as an SVG document.
    ///
    /// ```
    /// let svg = tapegrad::chart::DecisionBoundary::new("t").points([(0.0, 0.0, 1.0)]).to_svg();
    /// assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    /// assert!(svg.ends_with("</svg>\n"));
    /// ```
    pub fn to_svg(&self) -> String {
        let (w, h) = self.size();
        let mut svg = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{:.0}\" height=\"{:.0}\" \
             viewBox=\"0 0 {:.0} {:.0}\" font-family=\"sans-serif\" font-size=\"12\">\n\
             <rect width=\"{:.0}\" height=\"{:.0}\" fill=\"white\"/>\n",
            w + 2.0 * PAD,
            h + 2.0 * PAD,
            w + 2.0 * PAD,
            h + 2.0 * PAD,
            w + 2.0 * PAD,
            h + 2.0 * PAD,
        );
        self.draw(&mut svg, PAD, PAD, "boundary");
        svg.push_str("</svg>\n");
        svg
    }

    /// Shows the picture under a notebook cell: evcxr's Jupyter kernel calls this method on
    /// a cell's last expression. It prints the SVG, and the title and point counts as plain
    /// text for front ends without pictures, between evcxr's markers.
    ///
    /// ```
    /// tapegrad::chart::DecisionBoundary::new("t").evcxr_display(); // EVCXR_BEGIN_CONTENT ...
    /// ```
    pub fn evcxr_display(&self) {
        print!("{}", self.evcxr_output());
    }

    /// What [`evcxr_display`](DecisionBoundary::evcxr_display) prints.
    pub(crate) fn evcxr_output(&self) -> String {
        let text = format!(
            "{}: decision boundary with {} points{}",
            self.title,
            self.points.len() + self.hollow.len(),
            if self.score.is_some() {
                ", shaded by score"
            } else {
                ""
            }
        );
        crate::notebook::evcxr_output(&[("image/svg+xml", &self.to_svg()), ("text/plain", &text)])
    }

    /// The region drawn: as set, or the box around every point with a tenth of its larger
    /// side as margin (`[-1, 1]²` with no points).
    fn bounds(&self) -> [f64; 4] {
        if let Some(region) = self.region {
            return region;
        }
        let all = || self.points.iter().chain(&self.hollow);
        if all().next().is_none() {
            return [-1.0, 1.0, -1.0, 1.0];
        }
        let (x0, x1) = span(all().map(|p| p.0));
        let (y0, y1) = span(all().map(|p| p.1));
        let margin = 0.1 * (x1 - x0).max(y1 - y0).max(1e-9);
        [x0 - margin, x1 + margin, y0 - margin, y1 + margin]
    }

    /// The size of what [`draw`](DecisionBoundary::draw) draws.
    fn size(&self) -> (f64, f64) {
        let [x0, x1, y0, y1] = self.bounds();
        let plot_h = self.width * (y1 - y0) / (x1 - x0);
        (
            self.width,
            self.head() + plot_h + LINE * self.caption.len() as f64,
        )
    }

    /// The room the title (and subtitle) take above the region.
    fn head(&self) -> f64 {
        TITLE + if self.subtitle.is_some() { 16.0 } else { 0.0 }
    }

    /// Draws the picture with its top left corner at `(left, top)`; `id` names its clip path,
    /// which must be unique in the document.
    fn draw(&self, svg: &mut String, left: f64, top: f64, id: &str) {
        let [x0, x1, y0, y1] = self.bounds();
        let scale = self.width / (x1 - x0);
        let plot_top = top + self.head();
        let plot_h = (y1 - y0) * scale;
        // Plane coordinates to picture coordinates (the picture's y axis points down).
        let px = |x: f64| left + (x - x0) * scale;
        let py = |y: f64| plot_top + (y1 - y) * scale;
        let _ = writeln!(
            svg,
            "<text x=\"{left}\" y=\"{:.0}\" font-size=\"14\" font-weight=\"bold\">{}</text>",
            top + 15.0,
            escape(&self.title)
        );
        if let Some(subtitle) = &self.subtitle {
            let _ = writeln!(
                svg,
                "<text x=\"{left}\" y=\"{:.0}\">{}</text>",
                top + 31.0,
                escape(subtitle)
            );
        }
        let _ = writeln!(
            svg,
            "<defs><clipPath id=\"{id}-clip\"><rect x=\"{left}\" y=\"{plot_top:.1}\" \
             width=\"{:.1}\" height=\"{plot_h:.1}\"/></clipPath>\
             <marker id=\"{id}-head\" markerWidth=\"6\" markerHeight=\"6\" refX=\"5\" refY=\"3\" \
             orient=\"auto\"><path d=\"M0,0 L6,3 L0,6 z\" fill=\"#222\"/></marker></defs>\n\
             <g clip-path=\"url(#{id}-clip)\">",
            self.width
        );
        if let Some(score) = &self.score {
            shade_cells(svg, score, [x0, x1, y0, y1], (left, plot_top), scale);
        }
        if let Some(direction) = &self.arrows {
            let length = 0.4 * (x1 - x0) / ARROWS as f64;
            for i in 0..ARROWS {
                for j in 0..ARROWS {
                    let x = x0 + (i as f64 + 0.5) * (x1 - x0) / ARROWS as f64;
                    let y = y0 + (j as f64 + 0.5) * (y1 - y0) / ARROWS as f64;
                    let (gx, gy) = direction(x, y);
                    let norm = gx.hypot(gy);
                    if norm == 0.0 || !norm.is_finite() {
                        continue;
                    }
                    let (dx, dy) = (length * gx / norm, length * gy / norm);
                    let _ = writeln!(
                        svg,
                        "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" \
                         stroke=\"#222\" stroke-opacity=\"0.6\" marker-end=\"url(#{id}-head)\"/>",
                        px(x - dx / 2.0),
                        py(y - dy / 2.0),
                        px(x + dx / 2.0),
                        py(y + dy / 2.0)
                    );
                }
            }
        }
        // Rings first, dots over them.
        let colour = |label: f64| shade(if label > 0.0 { RED } else { BLUE }, 1.0);
        for (points, hollow) in [(&self.hollow, true), (&self.points, false)] {
            for &(x, y, label) in points {
                let look = if hollow {
                    format!("r=\"2.5\" fill=\"none\" stroke=\"{}\"", colour(label))
                } else {
                    format!("r=\"4.5\" fill=\"{}\" stroke=\"black\"", colour(label))
                };
                let _ = writeln!(
                    svg,
                    "<circle cx=\"{:.1}\" cy=\"{:.1}\" {look}/>",
                    px(x),
                    py(y)
                );
            }
        }
        let _ = writeln!(
            svg,
            "</g><rect x=\"{left}\" y=\"{plot_top:.1}\" width=\"{:.1}\" height=\"{plot_h:.1}\" \
             fill=\"none\" stroke=\"#333\"/>",
            self.width
        );
        for (k, line) in self.caption.iter().enumerate() {
            let _ = writeln!(
                svg,
                "<text x=\"{left}\" y=\"{:.0}\">{}</text>",
                plot_top + plot_h + 14.0 + LINE * k as f64,
                escape(line)
            );
        }
    }
}

/// The score shaded over the region, one cell at a time; cells of one colour in a row are
/// one rect, which keeps the file small.
fn shade_cells(
    svg: &mut String,
    score: &dyn Fn(f64, f64) -> f64,
    [x0, x1, y0, y1]: [f64; 4],
    (left, top): (f64, f64),
    scale: f64,
) {
    let cell = (x1 - x0) / CELLS as f64;
    let rows = ((y1 - y0) / cell).round().max(1.0) as usize;
    let cell_h = (y1 - y0) / rows as f64;
    let _ = writeln!(svg, "<g shape-rendering=\"crispEdges\">");
    for j in 0..rows {
        let y = y1 - (j as f64 + 0.5) * cell_h;
        let colours: Vec<String> = (0..CELLS)
            .map(|i| {
                let s = score(x0 + (i as f64 + 0.5) * cell, y);
                // Four steps of depth, so that neighbouring cells often share a colour.
                let depth = (s.abs().min(1.0) * 4.0).ceil() / 4.0;
                shade(if s > 0.0 { RED } else { BLUE }, 0.1 + 0.5 * depth)
            })
            .collect();
        let mut i = 0;
        while i < CELLS {
            let mut run = 1;
            while i + run < CELLS && colours[i + run] == colours[i] {
                run += 1;
            }
            let _ = writeln!(
                svg,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{}\"/>",
                left + i as f64 * cell * scale,
                top + j as f64 * cell_h * scale,
                run as f64 * cell * scale + 0.5,
                cell_h * scale + 0.5,
                colours[i]
            );
            i += run;
        }
    }
    svg.push_str("</g>\n");
}

/// Pictures side by side, `columns` to a row, with a caption under them all, as one SVG
/// document: the `overfitting` example's six networks, say.
///
/// ```
/// use tapegrad::chart::{DecisionBoundary, side_by_side};
///
/// let panels: Vec<DecisionBoundary> = ["a", "b", "c"]
///     .iter()
///     .map(|name| DecisionBoundary::new(name).region(0.0, 1.0, 0.0, 1.0).width(100.0))
///     .collect();
/// let svg = side_by_side(&panels, 2, "three panels, two to a row");
/// assert_eq!(svg.matches("font-weight=\"bold\"").count(), 3);
/// assert!(svg.contains(">three panels, two to a row</text>"));
/// ```
pub fn side_by_side(panels: &[DecisionBoundary], columns: usize, caption: &str) -> String {
    let columns = columns.max(1);
    let cell_w = panels.iter().map(|p| p.size().0).fold(0.0, f64::max) + 2.0 * PAD;
    let cell_h = panels.iter().map(|p| p.size().1).fold(0.0, f64::max) + 2.0 * PAD;
    let rows = panels.len().div_ceil(columns);
    let width = cell_w * columns.min(panels.len()).max(1) as f64;
    let height = cell_h * rows as f64 + LINE + PAD;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" \
         viewBox=\"0 0 {width:.0} {height:.0}\" font-family=\"sans-serif\" font-size=\"12\">\n\
         <rect width=\"{width:.0}\" height=\"{height:.0}\" fill=\"white\"/>\n"
    );
    for (k, panel) in panels.iter().enumerate() {
        let left = PAD + (k % columns) as f64 * cell_w;
        let top = PAD + (k / columns) as f64 * cell_h;
        panel.draw(&mut svg, left, top, &format!("panel{k}"));
    }
    let _ = writeln!(
        svg,
        "<text x=\"{PAD}\" y=\"{:.0}\">{}</text>\n</svg>",
        height - PAD - 4.0,
        escape(caption)
    );
    svg
}

#[cfg(test)]
mod tests {
    use super::DecisionBoundary;

    #[test]
    fn the_notebook_display_is_the_svg_then_a_text_summary() {
        let picture = DecisionBoundary::new("moons")
            .points([(0.0, 0.0, 1.0), (1.0, 1.0, -1.0)])
            .scores(|x, y| x - y);
        let out = picture.evcxr_output();
        let expected = format!(
            "EVCXR_BEGIN_CONTENT image/svg+xml\n{}\nEVCXR_END_CONTENT\n\
             EVCXR_BEGIN_CONTENT text/plain\nmoons: decision boundary with 2 points, shaded by \
             score\nEVCXR_END_CONTENT\n",
            picture.to_svg().trim_end()
        );
        assert_eq!(out, expected);
    }
}
