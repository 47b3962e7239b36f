//! Data sets read from CSV (the `csv` feature): headers name the columns, quoting works as
//! the CSV format says, targets of one number, a class or several numbers, and every
//! problem is a typed error naming the line, the row and the column.
#![cfg(feature = "nn")]
#![cfg(feature = "csv")]

use tapegrad::nn::{CsvError, CsvPlace, Dataset};

fn read<T: tapegrad::nn::Target>(text: &str, targets: &[&str]) -> Result<Dataset<T>, CsvError> {
    Dataset::from_csv_reader(text.as_bytes(), targets)
}

#[test]
fn target_columns_are_taken_out_by_name_and_the_rest_are_inputs_in_order() {
    let text = "a,target,b,c\n1,10,2,3\n4,20,5,6\n";
    let data: Dataset = read(text, &["target"]).unwrap();
    assert_eq!(
        data,
        Dataset::new(3, vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0], vec![10.0, 20.0])
    );
}

#[test]
fn quoted_fields_spaces_and_a_field_spanning_lines_are_read_as_csv_says() {
    // A quoted header with a comma and a quote in it, a quoted number, spaces around
    // unquoted fields, and a header field that spans two lines, which moves the rows' line
    // numbers.
    let text = "\"size, \"\"m2\"\"\",\"price\nin k\",rooms\n\"72.5\", 310 , 3\n95,402.5,4\n";
    let data: Dataset = read(text, &["price\nin k"]).unwrap();
    assert_eq!(data.input(0), [72.5, 3.0]);
    assert_eq!(data.targets(), [310.0, 402.5]);
    let bad = format!("{text}96,x,4\n");
    let err = read::<f64>(&bad, &["size, \"m2\""]).unwrap_err();
    assert!(
        matches!(&err, CsvError::NotANumber { at: CsvPlace { line: 5, row: 3, column }, text }
            if column == "price\nin k" && text == "x"),
        "{err:?}"
    );
}

#[test]
fn several_targets_a_point_read_into_arrays_and_classes_into_usize() {
    let text = "x,y1,y2\n0.5,1,2\n1.5,3,4\n";
    let data: Dataset<[f64; 2]> = read(text, &["y2", "y1"]).unwrap();
    assert_eq!(data.targets(), [[2.0, 1.0], [4.0, 3.0]]);
    let classes: Dataset<usize> = read("x,label\n0.1,2\n0.2,0\n", &["label"]).unwrap();
    assert_eq!((classes.targets(), classes.class_count()), (&[2, 0][..], 3));
}

#[test]
fn every_problem_is_a_typed_error_naming_where_it_is() {
    let cases: Vec<(Result<Dataset, CsvError>, &str)> = vec![
        (
            read("", &["y"]),
            "the CSV file is empty: no header names its columns",
        ),
        (
            read("x,y\n1,2\n", &["z"]),
            "no column `z` in the header (its columns: `x`, `y`)",
        ),
        (
            read("x,y,y\n1,2,3\n", &["y"]),
            "the header names column `y` twice",
        ),
        (
            read("y\n1\n", &["y"]),
            "every column is a target: none is left for inputs",
        ),
        (
            read("x,y\n1,2\n3,4,5\n", &["y"]),
            "line 3 (row 2): 3 fields, but the header has 2",
        ),
        (
            read("x,y\n1,2\n\n,4\n", &["y"]),
            "line 4 (row 2), column `x`: `` is not a number",
        ),
        (
            read("x,y\n1,inf\n", &["y"]),
            "line 2 (row 1), column `y`: `inf` is not a finite number",
        ),
        (
            read("x,y\n1,NaN\n", &["y"]),
            "line 2 (row 1), column `y`: `NaN` is not a finite number",
        ),
        (
            read("x,y\n1,2\n", &["x", "y"]),
            "a target is made of 1 columns, but 2 were named",
        ),
    ];
    for (result, message) in cases {
        assert_eq!(result.unwrap_err().to_string(), message);
    }
    let err = read::<usize>("x,class\n1,0\n2,1.5\n", &["class"]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "line 3 (row 2), column `class`: `1.5` is not a class (a whole number from 0 up)"
    );
    let err = Dataset::<f64>::from_csv_reader(&b"x,y\n1,\xff\n"[..], &["y"]).unwrap_err();
    assert!(
        matches!(err, CsvError::NotUtf8 { line: 2, row: 1 }),
        "{err:?}"
    );
}

#[test]
fn a_file_that_cannot_be_opened_is_an_io_error() {
    let err = Dataset::<f64>::from_csv("/no/such/data.csv", &["y"]).unwrap_err();
    assert!(matches!(err, CsvError::Io(_)));
}
