//! A layered drawing of a small directed acyclic graph, top to bottom: every edge points down.
//!
//! The method is the classic one for such pictures (Sugiyama's), in four passes:
//!
//! 1. **Layers.** A vertex sits one layer below the lowest of its predecessors (the longest
//!    path from a source), so the sources start at the top; a source that is not *anchored*
//!    there moves down to just above its first successor, so that a constant sits beside the
//!    operation that uses it instead of at the top.
//! 2. **Long edges.** An edge that spans several layers is cut into unit steps through
//!    *bends*: points that take a little room in each layer they cross, so that the next
//!    pass can keep other vertices out of their way.
//! 3. **Order within the layers.** Starting from the order of the vertices, alternate sweeps
//!    down and up move each vertex to the mean position of its neighbours in the layer just
//!    swept (the barycenter heuristic); the order with the fewest edge crossings seen wins.
//! 4. **Positions.** Every vertex is pulled towards the mean `x` of its neighbours, layer by
//!    layer, keeping its order and a gap to its neighbours in the layer; each layer's
//!    placement is the least-squares one under those constraints (pooling adjacent
//!    violators), so a chain of vertices ends up straight when nothing else pulls on it.
//!
//! Graphs here have tens to a few hundred vertices. The cost grows with the number of
//! bends, which is the sum of the edges' spans: up to the graph's size times its depth.

/// Horizontal room between two vertices of a layer.
const GAP_X: f64 = 16.0;
/// Vertical room between two layers.
const GAP_Y: f64 = 22.0;
/// The width a bend takes in a layer.
const BEND_WIDTH: f64 = 10.0;
/// Sweeps of the ordering pass.
const ORDER_SWEEPS: usize = 24;
/// Rounds of the positioning pass.
const POSITION_ROUNDS: usize = 40;
/// Room around the drawing.
pub(crate) const MARGIN: f64 = 10.0;

/// A vertex to draw: its size, whether, as a source, it stays in the top layer, and the
/// room it wants above its layer beyond the usual gap (for labels on its many in-edges).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Vertex {
    pub width: f64,
    pub height: f64,
    pub anchored: bool,
    pub room_above: f64,
}

/// Where everything went: each vertex's center, each edge's path from the bottom of its
/// source to the top of its target (through its bends), and the drawing's size.
#[derive(Clone, Debug)]
pub(crate) struct Drawing {
    pub centers: Vec<(f64, f64)>,
    pub paths: Vec<Vec<(f64, f64)>>,
    pub width: f64,
    pub height: f64,
}

/// Lays out `vertices` with `edges` (pairs `(from, to)`; the graph must be acyclic, and an edge may
/// repeat). The paths come in the order of
/// `edges`.
pub(crate) fn draw(vertices: &[Vertex], edges: &[(usize, usize)]) -> Drawing {
    let layer_of = layers(vertices, edges);
    let mut grid = Grid::new(vertices, &layer_of);
    // A repeated edge (an operand used twice) follows its first copy.
    let mut routed: Vec<((usize, usize), Vec<usize>)> = Vec::new();
    let chains: Vec<Vec<usize>> = edges
        .iter()
        .map(|&edge| {
            if let Some((_, chain)) = routed.iter().find(|(e, _)| *e == edge) {
                return chain.clone();
            }
            let chain = grid.chain(edge.0, edge.1);
            routed.push((edge, chain.clone()));
            chain
        })
        .collect();
    grid.order();
    let x = grid.positions();

    let layer_count = grid.layers.len();
    let layer_max = |l: usize, of: &dyn Fn(usize) -> f64| {
        grid.layers[l].iter().map(|&v| of(v)).fold(0.0, f64::max)
    };
    let tallest: Vec<f64> = (0..layer_count)
        .map(|l| layer_max(l, &|v| grid.height[v]))
        .collect();
    // Bends (past the vertices) want no extra room.
    let room_above = |v: usize| vertices.get(v).map_or(0.0, |vertex| vertex.room_above);
    let mut layer_top = vec![MARGIN; layer_count + 1];
    for l in 0..layer_count {
        let room_below = if l + 1 < layer_count {
            layer_max(l + 1, &room_above)
        } else {
            0.0
        };
        layer_top[l + 1] = layer_top[l] + tallest[l] + GAP_Y + room_below;
    }
    let center_y = |l: usize| layer_top[l] + tallest[l] / 2.0;
    let center = |v: usize| (x[v], center_y(grid.layer[v]));

    let centers = (0..vertices.len()).map(center).collect();
    let paths = chains
        .iter()
        .map(|chain| {
            let (first, last) = (chain[0], chain[chain.len() - 1]);
            let (fx, fy) = center(first);
            let (lx, ly) = center(last);
            let mut points = vec![(fx, fy + grid.height[first] / 2.0)];
            points.extend(chain[1..chain.len() - 1].iter().map(|&b| center(b)));
            points.push((lx, ly - grid.height[last] / 2.0));
            straighten(&points)
        })
        .collect();
    let width = (0..grid.width.len())
        .map(|v| x[v] + grid.width[v] / 2.0)
        .fold(0.0, f64::max)
        + MARGIN;
    Drawing {
        centers,
        paths,
        width,
        height: layer_top[layer_count] - GAP_Y + MARGIN,
    }
}

impl Drawing {
    /// Makes the drawing at least `width` wide, the graph centred in it.
    pub(crate) fn widen_to(&mut self, width: f64) {
        if width <= self.width {
            return;
        }
        let shift = (width - self.width) / 2.0;
        for center in &mut self.centers {
            center.0 += shift;
        }
        for point in self.paths.iter_mut().flatten() {
            point.0 += shift;
        }
        self.width = width;
    }
}

/// `points` without the bends that lie on the straight line from the last point kept to the
/// next one (within a pixel): a long edge's bends mostly line up, and add nothing then.
fn straighten(points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut kept = vec![points[0]];
    for i in 1..points.len() - 1 {
        let (a, p, b) = (kept[kept.len() - 1], points[i], points[i + 1]);
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let off_line = (dx * (p.1 - a.1) - dy * (p.0 - a.0)).abs() / dx.hypot(dy).max(1e-9);
        if off_line >= 1.0 {
            kept.push(p);
        }
    }
    kept.push(points[points.len() - 1]);
    kept
}

/// Pass 1: each vertex's layer.
fn layers(vertices: &[Vertex], edges: &[(usize, usize)]) -> Vec<usize> {
    let n = vertices.len();
    let mut preds = vec![Vec::new(); n];
    let mut succs = vec![Vec::new(); n];
    let mut pending = vec![0usize; n];
    for &(from, to) in edges {
        preds[to].push(from);
        succs[from].push(to);
        pending[to] += 1;
    }
    // Topological order (Kahn's), then longest paths along it.
    let mut order: Vec<usize> = (0..n).filter(|&v| pending[v] == 0).collect();
    let mut at = 0;
    while at < order.len() {
        let v = order[at];
        at += 1;
        for &s in &succs[v] {
            pending[s] -= 1;
            if pending[s] == 0 {
                order.push(s);
            }
        }
    }
    assert_eq!(order.len(), n, "a layered drawing needs an acyclic graph");
    let mut layer = vec![0; n];
    for &v in &order {
        layer[v] = preds[v].iter().map(|&p| layer[p] + 1).max().unwrap_or(0);
    }
    for v in 0..n {
        if preds[v].is_empty() && !vertices[v].anchored {
            if let Some(first_use) = succs[v].iter().map(|&s| layer[s]).min() {
                layer[v] = first_use - 1;
            }
        }
    }
    layer
}

/// The vertices and bends, layer by layer, with the edges between adjacent layers.
struct Grid {
    /// Each point's layer, width and height (vertices first, then bends).
    layer: Vec<usize>,
    width: Vec<f64>,
    height: Vec<f64>,
    /// The points of each layer, in drawing order.
    layers: Vec<Vec<usize>>,
    /// Unit edges, each once, as neighbour lists.
    up: Vec<Vec<usize>>,
    down: Vec<Vec<usize>>,
}

impl Grid {
    fn new(vertices: &[Vertex], layer: &[usize]) -> Grid {
        let count = layer.iter().max().map_or(0, |l| l + 1);
        let mut layers = vec![Vec::new(); count];
        for (v, &l) in layer.iter().enumerate() {
            layers[l].push(v);
        }
        Grid {
            layer: layer.to_vec(),
            width: vertices.iter().map(|v| v.width).collect(),
            height: vertices.iter().map(|v| v.height).collect(),
            layers,
            up: vec![Vec::new(); vertices.len()],
            down: vec![Vec::new(); vertices.len()],
        }
    }

    /// Pass 2: the points the edge `from -> to` runs through, both ends included, adding a
    /// bend in every layer it crosses.
    fn chain(&mut self, from: usize, to: usize) -> Vec<usize> {
        let mut chain = vec![from];
        let mut at = from;
        while self.layer[at] + 1 < self.layer[to] {
            let bend = self.layer.len();
            let l = self.layer[at] + 1;
            self.layer.push(l);
            self.width.push(BEND_WIDTH);
            self.height.push(0.0);
            self.layers[l].push(bend);
            self.up.push(Vec::new());
            self.down.push(Vec::new());
            self.link(at, bend);
            chain.push(bend);
            at = bend;
        }
        self.link(at, to);
        chain.push(to);
        chain
    }

    fn link(&mut self, upper: usize, lower: usize) {
        if !self.down[upper].contains(&lower) {
            self.down[upper].push(lower);
            self.up[lower].push(upper);
        }
    }

    /// Pass 3: reorders each layer to cut crossings, keeping the best order seen.
    fn order(&mut self) {
        // Each point's position within its layer, kept up to date as layers are reordered.
        let mut position = vec![0; self.layer.len()];
        for layer in &self.layers {
            for (i, &v) in layer.iter().enumerate() {
                position[v] = i;
            }
        }
        let mut best = self.layers.clone();
        let mut fewest = self.crossings(&position);
        for sweep in 0..ORDER_SWEEPS {
            let downwards = sweep % 2 == 0;
            let range: Vec<usize> = if downwards {
                (1..self.layers.len()).collect()
            } else {
                (0..self.layers.len().saturating_sub(1)).rev().collect()
            };
            for l in range {
                let reference = if downwards { l - 1 } else { l + 1 };
                // Spread over the reference layer's width, for points it does not pull.
                let scale = self.layers[reference].len() as f64 / self.layers[l].len() as f64;
                let mut keyed: Vec<(f64, usize)> = self.layers[l]
                    .iter()
                    .enumerate()
                    .map(|(i, &v)| {
                        let neighbours = if downwards {
                            &self.up[v]
                        } else {
                            &self.down[v]
                        };
                        let key = if neighbours.is_empty() {
                            // No pull from that side: stay where it is.
                            i as f64 * scale
                        } else {
                            neighbours.iter().map(|&u| position[u] as f64).sum::<f64>()
                                / neighbours.len() as f64
                        };
                        (key, v)
                    })
                    .collect();
                // A stable sort keeps ties in their current order.
                keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
                self.layers[l] = keyed.into_iter().map(|(_, v)| v).collect();
                for (i, &v) in self.layers[l].iter().enumerate() {
                    position[v] = i;
                }
            }
            let crossings = self.crossings(&position);
            if crossings < fewest {
                fewest = crossings;
                best = self.layers.clone();
            }
        }
        self.layers = best;
    }

    /// Edge crossings between adjacent layers, given each point's position in its layer.
    ///
    /// Two edges cross when their upper ends and their lower ends come in opposite orders:
    /// with the edges sorted by upper end (then lower end), that is an inversion among the
    /// lower ends, counted with a Fenwick tree in `E log V` per pair of layers.
    fn crossings(&self, position: &[usize]) -> usize {
        let mut total = 0;
        for l in 1..self.layers.len() {
            let mut edges: Vec<(usize, usize)> = Vec::new();
            for &v in &self.layers[l] {
                edges.extend(self.up[v].iter().map(|&u| (position[u], position[v])));
            }
            edges.sort_unstable();
            // seen[i] counts the edges so far whose lower end is at position i - 1.
            let mut seen = vec![0usize; self.layers[l].len() + 1];
            for (k, &(_, lower)) in edges.iter().enumerate() {
                // Edges so far with a lower end at or left of this one's...
                let mut at_or_left = 0;
                let mut i = lower + 1;
                while i > 0 {
                    at_or_left += seen[i];
                    i &= i - 1;
                }
                // ...and the others cross it.
                total += k - at_or_left;
                let mut i = lower + 1;
                while i < seen.len() {
                    seen[i] += 1;
                    i += i & i.wrapping_neg();
                }
            }
        }
        total
    }

    /// Pass 4: the `x` of every point's center.
    fn positions(&self) -> Vec<f64> {
        let mut x = vec![0.0; self.layer.len()];
        for layer in &self.layers {
            let mut left = MARGIN;
            for &v in layer {
                x[v] = left + self.width[v] / 2.0;
                left += self.width[v] + GAP_X;
            }
        }
        for round in 0..POSITION_ROUNDS {
            let downwards = round % 2 == 0;
            let order: Vec<usize> = if downwards {
                (0..self.layers.len()).collect()
            } else {
                (0..self.layers.len()).rev().collect()
            };
            for l in order {
                let wanted: Vec<f64> = self.layers[l]
                    .iter()
                    .map(|&v| {
                        let neighbours: Vec<usize> =
                            self.up[v].iter().chain(&self.down[v]).copied().collect();
                        if neighbours.is_empty() {
                            x[v]
                        } else {
                            neighbours.iter().map(|&u| x[u]).sum::<f64>() / neighbours.len() as f64
                        }
                    })
                    .collect();
                self.place(&self.layers[l], &wanted, &mut x);
            }
            // Keep the drawing against the left margin.
            let left = (0..x.len())
                .map(|v| x[v] - self.width[v] / 2.0)
                .fold(f64::INFINITY, f64::min);
            for value in &mut x {
                *value += MARGIN - left;
            }
        }
        x
    }

    /// Places the points of one layer as near `wanted` as their order and gaps allow (least
    /// squares): shifting each point left by the room the points before it need turns the
    /// gaps into "never decreasing", which pooling adjacent violators solves exactly.
    fn place(&self, layer: &[usize], wanted: &[f64], x: &mut [f64]) {
        let mut offset = Vec::with_capacity(layer.len());
        let mut room = 0.0;
        for (i, &v) in layer.iter().enumerate() {
            if i > 0 {
                room += (self.width[layer[i - 1]] + self.width[v]) / 2.0 + GAP_X;
            }
            offset.push(room);
        }
        // Blocks of pooled points: (mean target, count).
        let mut blocks: Vec<(f64, usize)> = Vec::new();
        for (w, o) in wanted.iter().zip(&offset) {
            blocks.push((w - o, 1));
            while blocks.len() > 1 {
                let (m2, n2) = blocks[blocks.len() - 1];
                let (m1, n1) = blocks[blocks.len() - 2];
                if m1 <= m2 {
                    break;
                }
                blocks.pop();
                let merged = (m1 * n1 as f64 + m2 * n2 as f64) / (n1 + n2) as f64;
                *blocks.last_mut().expect("two blocks") = (merged, n1 + n2);
            }
        }
        let mut i = 0;
        for (mean, count) in blocks {
            for _ in 0..count {
                x[layer[i]] = mean + offset[i];
                i += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Grid, Vertex, draw};

    fn boxes(n: usize) -> Vec<Vertex> {
        vec![
            Vertex {
                width: 40.0,
                height: 20.0,
                anchored: true,
                room_above: 0.0,
            };
            n
        ]
    }

    #[test]
    fn edges_point_down_and_vertices_of_a_layer_do_not_overlap() {
        // A diamond with a long edge: 0 -> 1 -> 3, 0 -> 2 -> 3, 0 -> 3.
        let edges = [(0, 1), (0, 2), (1, 3), (2, 3), (0, 3)];
        let d = draw(&boxes(4), &edges);
        for &(from, to) in &edges {
            assert!(d.centers[from].1 < d.centers[to].1, "{from} -> {to}");
        }
        let (a, b) = (d.centers[1], d.centers[2]);
        assert_eq!(a.1, b.1);
        assert!((a.0 - b.0).abs() >= 40.0, "{a:?} and {b:?} overlap");
        // The long edge bends in the middle layer, beside 1 and 2, not through them.
        let long = &d.paths[4];
        assert_eq!(long.len(), 3);
        for mid in [a, b] {
            assert!(
                (long[1].0 - mid.0).abs() >= 25.0,
                "{long:?} runs through {mid:?}"
            );
        }
    }

    #[test]
    fn crossing_edges_are_untangled() {
        // 0 feeds 3, 1 feeds 2: drawn in index order the two edges cross.
        let d = draw(&boxes(4), &[(0, 3), (1, 2)]);
        let (x0, x1) = (d.centers[0].0, d.centers[1].0);
        let (x2, x3) = (d.centers[2].0, d.centers[3].0);
        assert_eq!((x0 < x1), (x3 < x2));
    }

    #[test]
    fn an_unanchored_source_sits_just_above_its_first_use() {
        let mut vertices = boxes(5);
        vertices[4].anchored = false;
        // 0 -> 1 -> 2 -> 3, and 4 -> 3.
        let d = draw(&vertices, &[(0, 1), (1, 2), (2, 3), (4, 3)]);
        assert_eq!(d.centers[4].1, d.centers[2].1);
    }

    #[test]
    fn crossings_are_counted_pair_by_pair() {
        // Two layers of three, six edges between them, against a count of every pair.
        let all = [(0, 5), (1, 4), (2, 3), (0, 3), (1, 5), (0, 4)];
        let mut grid = Grid::new(&boxes(6), &[0, 0, 0, 1, 1, 1]);
        for &(a, b) in &all {
            grid.chain(a, b);
        }
        let position = [0, 1, 2, 0, 1, 2];
        let brute = (0..all.len())
            .flat_map(|i| (i + 1..all.len()).map(move |j| (i, j)))
            .filter(|&(i, j)| {
                let ((a1, b1), (a2, b2)) = (all[i], all[j]);
                let (a1, b1, a2, b2) = (position[a1], position[b1], position[a2], position[b2]);
                (a1 < a2 && b1 > b2) || (a1 > a2 && b1 < b2)
            })
            .count();
        assert_eq!(grid.crossings(&position), brute);
        assert!(brute > 3);
    }

    #[test]
    fn bends_on_a_straight_line_are_dropped() {
        let points = [
            (0.0, 0.0),
            (1.0, 10.0),
            (2.0, 20.0),
            (10.0, 30.0),
            (10.0, 40.0),
        ];
        assert_eq!(
            super::straighten(&points),
            [(0.0, 0.0), (2.0, 20.0), (10.0, 30.0), (10.0, 40.0)]
        );
    }

    #[test]
    fn a_widened_drawing_keeps_its_graph_in_the_middle() {
        let mut d = draw(&boxes(2), &[(0, 1)]);
        let (width, x) = (d.width, d.centers[0].0);
        d.widen_to(width + 100.0);
        assert_eq!(d.width, width + 100.0);
        assert_eq!(d.centers[0].0, x + 50.0);
        assert_eq!(d.paths[0][0].0, x + 50.0);
        d.widen_to(10.0);
        assert_eq!(d.width, width + 100.0, "never narrower");
    }

    #[test]
    fn a_vertex_gets_the_room_it_asks_for_above_its_layer() {
        let plain = draw(&boxes(3), &[(0, 1), (1, 2)]);
        let mut vertices = boxes(3);
        vertices[2].room_above = 40.0;
        let roomy = draw(&vertices, &[(0, 1), (1, 2)]);
        assert_eq!(roomy.centers[1].1, plain.centers[1].1);
        assert_eq!(roomy.centers[2].1, plain.centers[2].1 + 40.0);
        assert_eq!(roomy.height, plain.height + 40.0);
    }

    #[test]
    fn a_chain_is_drawn_straight() {
        let d = draw(&boxes(3), &[(0, 1), (1, 2)]);
        assert_eq!(d.centers[0].0, d.centers[1].0);
        assert_eq!(d.centers[1].0, d.centers[2].0);
    }
}
