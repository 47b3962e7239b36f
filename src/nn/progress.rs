//! Reporting a long training run as it goes: a line per epoch, or a bar redrawn in place
//! where the output is a terminal.

use std::io::{self, IsTerminal, Stderr, Write};
use std::time::Instant;

use super::History;

/// Reports each epoch of a run of `total` epochs, from the [`History`] the loop keeps:
/// to a terminal, one bar redrawn in place (`[#######-------] epoch 12/40 ...`); to a file or
/// a pipe, one line an epoch ([`History::summary`] and the time so far), which a log keeps
/// readable.
///
/// ```
/// use tapegrad::nn::{History, Progress};
///
/// let mut history = History::new();
/// let mut log = Vec::new();
/// let mut progress = Progress::to_writer(3, &mut log, false);
/// for epoch in 1..=3 {
///     history.record(1.0 / epoch as f64, None, &[]);
///     progress.report(&history)?;
/// }
/// progress.finish()?;
/// let text = String::from_utf8(log).unwrap();
/// assert_eq!(text.lines().count(), 3);
/// assert!(text.starts_with("epoch 1/3  train loss 1.0000  ("));
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct Progress<W: Write = Stderr> {
    total: usize,
    out: W,
    /// Redraw one line in place (a terminal) instead of writing a line an epoch.
    bar: bool,
    started: Instant,
    /// Whether a bar is on the screen, unfinished.
    drawn: bool,
}

/// How many characters wide the bar is.
const BAR: usize = 20;

impl Progress {
    /// Reports to standard error: a bar if it is a terminal, else a line an epoch.
    ///
    /// ```
    /// let progress = tapegrad::nn::Progress::new(100);
    /// # drop(progress);
    /// ```
    pub fn new(total: usize) -> Self {
        let err = io::stderr();
        let bar = err.is_terminal();
        Progress::to_writer(total, err, bar)
    }
}

impl<W: Write> Progress<W> {
    /// Reports to `out`: a bar redrawn in place if `bar`, else a line an epoch.
    ///
    /// ```
    /// use tapegrad::nn::{History, Progress};
    ///
    /// let mut history = History::new();
    /// history.record(0.5, Some(0.6), &[]);
    /// let mut screen = Vec::new();
    /// let mut progress = Progress::to_writer(4, &mut screen, true);
    /// progress.report(&history)?;
    /// let text = String::from_utf8(screen).unwrap();
    /// assert!(text.starts_with("\r[#####---------------] epoch 1/4  train loss 0.5000"));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn to_writer(total: usize, out: W, bar: bool) -> Self {
        Progress {
            total,
            out,
            bar,
            started: Instant::now(),
            drawn: false,
        }
    }

    /// Reports the last epoch of `history`.
    ///
    /// ```
    /// use tapegrad::nn::{History, Progress};
    ///
    /// let mut history = History::new();
    /// history.record(0.5, None, &[("accuracy", 0.8)]);
    /// let mut log = Vec::new();
    /// Progress::to_writer(10, &mut log, false).report(&history)?;
    /// assert!(String::from_utf8(log).unwrap().contains("accuracy 0.8000"));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    ///
    /// # Errors
    /// Any error from writing.
    pub fn report(&mut self, history: &History) -> io::Result<()> {
        let seconds = self.started.elapsed().as_secs_f64();
        let line = format!("{}  ({seconds:.1} s)", history.summary(self.total));
        if self.bar {
            let done = (history.epochs() * BAR)
                .checked_div(self.total)
                .unwrap_or(BAR)
                .min(BAR);
            // `\r` goes back to the line's start, `ESC [K` clears what a longer line left.
            write!(
                self.out,
                "\r[{}{}] {line}\x1b[K",
                "#".repeat(done),
                "-".repeat(BAR - done)
            )?;
            self.drawn = true;
        } else {
            writeln!(self.out, "{line}")?;
        }
        self.out.flush()
    }

    /// Ends the bar's line, so that what is written next starts on a line of its own (a line
    /// an epoch needs nothing).
    ///
    /// # Errors
    /// Any error from writing.
    ///
    /// ```
    /// let mut screen = Vec::new();
    /// tapegrad::nn::Progress::to_writer(10, &mut screen, true).finish()?;
    /// assert!(screen.is_empty()); // nothing drawn, nothing to end
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn finish(&mut self) -> io::Result<()> {
        if self.drawn {
            writeln!(self.out)?;
            self.drawn = false;
        }
        self.out.flush()
    }
}
