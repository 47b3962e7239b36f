//! Reading a data set from a CSV file (the `csv` feature), on the `csv` crate: quoting,
//! headers, and errors that name the line, the row and the column.

use std::fmt;
use std::io::Read;
use std::path::Path;

use csv::{ErrorKind, ReaderBuilder, StringRecord, Trim};

use super::{Dataset, Target};

impl<T: Target> Dataset<T> {
    /// Reads a data set from a CSV file whose first row names the columns: the columns
    /// named in `targets` make each point's target (`T::WIDTH` of them, in that order:
    /// one for an `f64` or a `usize` class, `K` for `[f64; K]`), and every other column is
    /// an input, in the file's order.
    ///
    /// The file is read by the `csv` crate: fields may be quoted (`"a, b"`, `"say ""hi"""`),
    /// a quoted field may span lines, and spaces around a field are trimmed. Every field
    /// must be a finite number; a class target must be a whole number from 0 up.
    ///
    /// ```
    /// use tapegrad::nn::Dataset;
    ///
    /// let path = std::env::temp_dir().join("tapegrad-doc-houses.csv");
    /// std::fs::write(&path, "rooms,\"area, m2\",price\n3,72.5,310\n4,95,402.5\n")?;
    /// let data: Dataset = Dataset::from_csv(&path, &["price"])?;
    /// assert_eq!(data.dims(), 2); // rooms and area
    /// assert_eq!(data.input(1), [4.0, 95.0]);
    /// assert_eq!(data.targets(), [310.0, 402.5]);
    /// # std::fs::remove_file(&path)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// A [`CsvError`]: the file cannot be read, it has no header, a target column is missing
    /// or named twice, no column is left for inputs, a row has another number of fields than
    /// the header, or a field is not a finite number (or not a class); the errors about a
    /// row name its line in the file, its row (counted from 1 after the header) and the
    /// column.
    #[cfg_attr(docsrs, doc(cfg(feature = "csv")))]
    pub fn from_csv(path: impl AsRef<Path>, targets: &[&str]) -> Result<Self, CsvError> {
        let file = std::fs::File::open(path).map_err(CsvError::Io)?;
        Dataset::from_csv_reader(file, targets)
    }

    /// [`from_csv`](Dataset::from_csv) for CSV text from any reader: a file already open,
    /// bytes in memory, standard input.
    ///
    /// ```
    /// use tapegrad::nn::{CsvError, Dataset};
    ///
    /// let text = "x,y,class\n0.5,1.5,2\n-1,0,0\n";
    /// let data = Dataset::<usize>::from_csv_reader(text.as_bytes(), &["class"])?;
    /// assert_eq!(data.targets(), [2, 0]);
    ///
    /// let bad = "x,y,class\n0.5,1.5,2\n-1,zero,0\n";
    /// let err = Dataset::<usize>::from_csv_reader(bad.as_bytes(), &["class"]).unwrap_err();
    /// assert_eq!(err.to_string(), "line 3 (row 2), column `y`: `zero` is not a number");
    /// # Ok::<(), CsvError>(())
    /// ```
    ///
    /// # Errors
    /// As [`from_csv`](Dataset::from_csv).
    #[cfg_attr(docsrs, doc(cfg(feature = "csv")))]
    pub fn from_csv_reader(mut reader: impl Read, targets: &[&str]) -> Result<Self, CsvError> {
        // Read whole, to find each row's line from its byte offset (see `line_at`).
        let mut bytes = Vec::new();
        reader.read_to_end(&mut bytes).map_err(CsvError::Io)?;
        let lines = Lines(&bytes);
        if targets.len() != T::WIDTH {
            return Err(CsvError::TargetCount {
                expected: T::WIDTH,
                found: targets.len(),
            });
        }
        let mut reader = ReaderBuilder::new()
            .has_headers(true)
            .trim(Trim::All)
            .from_reader(&bytes[..]);
        let header = (reader.headers())
            .map_err(|err| row_error(err, 0, lines))?
            .clone();
        if header.is_empty() {
            return Err(CsvError::NoHeader);
        }
        let columns = Columns::of(&header, targets)?;
        let (mut inputs, mut values) = (Vec::new(), Vec::new());
        let mut numbers = Vec::with_capacity(T::WIDTH);
        let mut record = StringRecord::new();
        let mut row = 0;
        loop {
            match reader.read_record(&mut record) {
                Ok(true) => {}
                Ok(false) => break,
                Err(err) => return Err(row_error(err, row + 1, lines)),
            }
            row += 1;
            let line = lines.of(record.position());
            let at = |column: usize| CsvPlace {
                line,
                row,
                column: header[column].to_owned(),
            };
            let number = |column: usize| -> Result<f64, CsvError> {
                let text = &record[column];
                match text.parse::<f64>() {
                    Ok(x) if x.is_finite() => Ok(x),
                    Ok(_) => Err(CsvError::NotFinite {
                        at: at(column),
                        text: text.to_owned(),
                    }),
                    Err(_) => Err(CsvError::NotANumber {
                        at: at(column),
                        text: text.to_owned(),
                    }),
                }
            };
            for &column in &columns.inputs {
                inputs.push(number(column)?);
            }
            numbers.clear();
            for &column in &columns.targets {
                numbers.push(number(column)?);
            }
            match T::from_numbers(&numbers) {
                Some(target) => values.push(target),
                None => {
                    let column = columns.targets[0];
                    return Err(CsvError::NotAClass {
                        at: at(column),
                        text: record[column].to_owned(),
                    });
                }
            }
        }
        Ok(Dataset::new(columns.inputs.len(), inputs, values))
    }
}

/// Which columns are inputs and which are targets, by index.
struct Columns {
    inputs: Vec<usize>,
    targets: Vec<usize>,
}

impl Columns {
    fn of(header: &StringRecord, targets: &[&str]) -> Result<Self, CsvError> {
        let mut target_columns = Vec::with_capacity(targets.len());
        for name in targets {
            let mut matching = header.iter().enumerate().filter(|(_, h)| h == name);
            match (matching.next(), matching.next()) {
                (Some((column, _)), None) => target_columns.push(column),
                (None, _) => {
                    return Err(CsvError::MissingColumn {
                        name: (*name).to_owned(),
                        header: header.iter().map(str::to_owned).collect(),
                    });
                }
                (Some(_), Some(_)) => {
                    return Err(CsvError::DuplicateColumn {
                        name: (*name).to_owned(),
                    });
                }
            }
        }
        let inputs: Vec<usize> = (0..header.len())
            .filter(|c| !target_columns.contains(c))
            .collect();
        if inputs.is_empty() {
            return Err(CsvError::NoInputs);
        }
        Ok(Columns {
            inputs,
            targets: target_columns,
        })
    }
}

/// The text being read, to tell which line a position is on.
#[derive(Clone, Copy)]
struct Lines<'a>(&'a [u8]);

impl Lines<'_> {
    /// The line (counted from 1) a record starts on, from its byte offset. The `csv` crate's
    /// own line count names a blank line before a record instead of the record's line
    /// (rust-csv's issue 208), and its byte offset then points at the blank line too: the
    /// record starts after the line breaks there.
    fn of(self, position: Option<&csv::Position>) -> usize {
        let Some(position) = position else { return 0 };
        let offset = usize::try_from(position.byte()).map_or(self.0.len(), |b| b.min(self.0.len()));
        let blank = self.0[offset..]
            .iter()
            .take_while(|&&b| b == b'\n' || b == b'\r')
            .count();
        1 + self.0[..offset + blank]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
    }
}

/// The `csv` crate's error while reading row `row` (0 for the header), as ours.
fn row_error(err: csv::Error, row: usize, lines: Lines<'_>) -> CsvError {
    let line = |pos: Option<&csv::Position>| lines.of(pos);
    match err.into_kind() {
        ErrorKind::Io(err) => CsvError::Io(err),
        ErrorKind::UnequalLengths {
            pos,
            expected_len,
            len,
        } => CsvError::FieldCount {
            line: line(pos.as_ref()),
            row,
            expected: expected_len as usize,
            found: len as usize,
        },
        ErrorKind::Utf8 { pos, .. } => CsvError::NotUtf8 {
            line: line(pos.as_ref()),
            row,
        },
        // The other kinds come from seeking and from serde, which this reader does not use;
        // should one come, it is reported as a failed read rather than lost.
        other => CsvError::Io(std::io::Error::other(format!("{other:?}"))),
    }
}

/// Where a field is: the line of the file its row starts on (counted from 1), the row
/// (counted from 1 after the header), and the column's name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsvPlace {
    /// The line of the file the row starts on, counted from 1.
    pub line: usize,
    /// The row, counted from 1 after the header.
    pub row: usize,
    /// The column's name in the header.
    pub column: String,
}

/// Why a CSV file does not make a [`Dataset`]: from [`Dataset::from_csv`].
///
/// ```
/// use tapegrad::nn::{CsvError, Dataset};
///
/// let text = "a,b\n1,2\n3\n";
/// let err = Dataset::<f64>::from_csv_reader(text.as_bytes(), &["b"]).unwrap_err();
/// assert!(matches!(err, CsvError::FieldCount { line: 3, row: 2, expected: 2, found: 1 }));
/// assert_eq!(err.to_string(), "line 3 (row 2): 1 fields, but the header has 2");
/// ```
#[derive(Debug)]
#[non_exhaustive]
#[cfg_attr(docsrs, doc(cfg(feature = "csv")))]
pub enum CsvError {
    /// The file could not be read.
    Io(std::io::Error),
    /// The file is empty: it has no header naming the columns.
    NoHeader,
    /// `targets` names another number of columns than a target is made of.
    TargetCount {
        /// The numbers a target is made of (`T::WIDTH`).
        expected: usize,
        /// The columns named.
        found: usize,
    },
    /// A target column is not in the header.
    MissingColumn {
        /// The column asked for.
        name: String,
        /// The header's names.
        header: Vec<String>,
    },
    /// A target column's name is in the header twice.
    DuplicateColumn {
        /// The name.
        name: String,
    },
    /// Every column is a target: no input is left.
    NoInputs,
    /// A row has another number of fields than the header.
    FieldCount {
        /// The line of the file the row starts on.
        line: usize,
        /// The row, counted from 1 after the header.
        row: usize,
        /// The header's fields.
        expected: usize,
        /// The row's.
        found: usize,
    },
    /// A row is not UTF-8 text.
    NotUtf8 {
        /// The line of the file the row starts on.
        line: usize,
        /// The row, counted from 1 after the header (0 for the header).
        row: usize,
    },
    /// A field is not a number.
    NotANumber {
        /// Where it is.
        at: CsvPlace,
        /// The field.
        text: String,
    },
    /// A field is NaN or infinite.
    NotFinite {
        /// Where it is.
        at: CsvPlace,
        /// The field.
        text: String,
    },
    /// A class target is not a whole number from 0 up.
    NotAClass {
        /// Where it is.
        at: CsvPlace,
        /// The field.
        text: String,
    },
}

/// A sentence saying what is wrong, and where.
///
/// ```
/// use tapegrad::nn::Dataset;
///
/// let err = Dataset::<f64>::from_csv_reader("a,b\n1,2\n".as_bytes(), &["c"]).unwrap_err();
/// assert_eq!(err.to_string(), "no column `c` in the header (its columns: `a`, `b`)");
/// ```
impl fmt::Display for CsvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let place = |f: &mut fmt::Formatter<'_>, at: &CsvPlace| {
            write!(
                f,
                "line {} (row {}), column `{}`",
                at.line, at.row, at.column
            )
        };
        match self {
            CsvError::Io(err) => write!(f, "cannot read the CSV file: {err}"),
            CsvError::NoHeader => f.write_str("the CSV file is empty: no header names its columns"),
            CsvError::TargetCount { expected, found } => write!(
                f,
                "a target is made of {expected} columns, but {found} were named"
            ),
            CsvError::MissingColumn { name, header } => {
                let names: Vec<String> = header.iter().map(|h| format!("`{h}`")).collect();
                write!(
                    f,
                    "no column `{name}` in the header (its columns: {})",
                    names.join(", ")
                )
            }
            CsvError::DuplicateColumn { name } => {
                write!(f, "the header names column `{name}` twice")
            }
            CsvError::NoInputs => f.write_str("every column is a target: none is left for inputs"),
            CsvError::FieldCount {
                line,
                row,
                expected,
                found,
            } => write!(
                f,
                "line {line} (row {row}): {found} fields, but the header has {expected}"
            ),
            CsvError::NotUtf8 { line, row } => {
                write!(f, "line {line} (row {row}): not UTF-8 text")
            }
            CsvError::NotANumber { at, text } => {
                place(f, at)?;
                write!(f, ": `{text}` is not a number")
            }
            CsvError::NotFinite { at, text } => {
                place(f, at)?;
                write!(f, ": `{text}` is not a finite number")
            }
            CsvError::NotAClass { at, text } => {
                place(f, at)?;
                write!(f, ": `{text}` is not a class (a whole number from 0 up)")
            }
        }
    }
}

/// A `CsvError` is an error; the I/O error is the source of [`CsvError::Io`].
///
/// ```
/// use std::error::Error;
///
/// let err = tapegrad::nn::Dataset::<f64>::from_csv("/no/such/file.csv", &["y"]).unwrap_err();
/// assert!(err.source().is_some());
/// ```
impl std::error::Error for CsvError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CsvError::Io(err) => Some(err),
            _ => None,
        }
    }
}
