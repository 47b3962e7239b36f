//! What a notebook needs: values that outlive a cell, and pictures under a cell.
//!
//! evcxr, Rust's Jupyter kernel, keeps a cell's variables for the cells after it only when
//! they borrow nothing: a `Value<'t>` borrows its tape, so values built on a local `Tape` die
//! with their cell. [`Tape::leak`] gives a tape that lives as long as the kernel, so a
//! notebook can build an expression cell by cell, as micrograd's lecture does.
//!
//! evcxr shows a cell's last expression with its `evcxr_display` method when it has one: the
//! method prints content between `EVCXR_BEGIN_CONTENT <mime type>` and `EVCXR_END_CONTENT`
//! lines, and the kernel hands each block to the notebook under its mime type. The graph, the
//! trace, the explorer and the charts have that method; [`evcxr_output`] writes the blocks.

use crate::Tape;

// `leak` sits here, beside what notebooks need, rather than with the tape's storage in
// `src/fast/`: it is one line of safe code over `Tape::new`, and its cost is a notebook's.
impl Tape {
    /// The tape, leaked: a `&'static Tape` whose values borrow nothing that ends, for
    /// notebooks and scripts that keep values across cells or in `static`s.
    ///
    /// # Cost
    ///
    /// The tape is never freed: it and every node recorded on it (the same tens of bytes a
    /// node takes on any tape) stay in memory until the process ends, in a notebook until
    /// the kernel restarts. A leaked tape cannot be [`clear`](Tape::clear)ed (that takes
    /// `&mut`, and a leaked tape is shared), so it only grows: build the values you look at
    /// on it, and train on a tape of your own inside a loop, or through `nn`'s methods, which
    /// bring theirs.
    ///
    /// ```
    /// use tapegrad::{Tape, Value};
    ///
    /// let tape: &'static Tape = Tape::new().leak();
    /// let x: Value<'static> = tape.named("x", 2.0);
    /// let y = (x * x).label("y"); // in a notebook, a later cell can go on from here
    /// y.backward();
    /// assert_eq!(x.grad(), 4.0);
    /// ```
    pub fn leak(self) -> &'static Tape {
        Box::leak(Box::new(self))
    }
}

/// Content blocks as evcxr reads them from a cell's output: each `(mime type, content)` pair
/// between `EVCXR_BEGIN_CONTENT <mime type>` and `EVCXR_END_CONTENT` lines.
#[cfg(any(feature = "nn", feature = "teach"))]
pub(crate) fn evcxr_output(blocks: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (mime, content) in blocks {
        out.push_str("EVCXR_BEGIN_CONTENT ");
        out.push_str(mime);
        out.push('\n');
        out.push_str(content.trim_end_matches('\n'));
        out.push_str("\nEVCXR_END_CONTENT\n");
    }
    out
}

#[cfg(test)]
mod tests {
    #[cfg(any(feature = "nn", feature = "teach"))]
    #[test]
    fn blocks_are_framed_by_evcxr_markers_one_mime_type_each() {
        let out = super::evcxr_output(&[("text/html", "<b>hi</b>\n"), ("text/plain", "hi")]);
        assert_eq!(
            out,
            "EVCXR_BEGIN_CONTENT text/html\n<b>hi</b>\nEVCXR_END_CONTENT\n\
             EVCXR_BEGIN_CONTENT text/plain\nhi\nEVCXR_END_CONTENT\n"
        );
    }

    #[test]
    fn a_leaked_tape_keeps_its_values_after_the_code_that_made_them() {
        fn make() -> crate::Value<'static> {
            let tape = crate::Tape::new().leak();
            tape.named("x", 3.0).powi(2)
        }
        let y = make();
        y.backward();
        assert_eq!(y.data(), 9.0);
    }
}
