//! `workbook.xlsx`: the tables a command wrote as CSV, one sheet each, for planners who
//! work in Excel (docs/DESIGN.md's outputs; issue 19).
//!
//! The CSV files stay the source: the workbook is built from them after they are written,
//! so the two can never disagree. What the workbook adds is what Excel cannot guess from
//! a CSV:
//! - **typed cells**: numbers as numbers, `true`/`false` as booleans, `YYYY-MM-DD` as dates
//!   (shown as dates, sortable as dates), empty fields as empty cells;
//! - **units in the header row**: a column named by a KPI of the catalogue
//!   (`data/kpis.toml`) is headed `key (unit)`;
//! - a frozen, bold header row.
//!
//! Integers longer than Excel's 15 significant digits (a replicate's 64-bit seed) stay text:
//! as numbers Excel would round them, and the seed would no longer rerun the replicate.

use std::path::Path;

use anyhow::{Context, Result};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet};

use crate::output::write_atomic;

/// The workbook's file name in every results folder.
pub const WORKBOOK: &str = "workbook.xlsx";

/// Rows a worksheet holds (Excel's limit), the header included. A longer table continues
/// on a sheet named `name 2`, `name 3`, ...
const MAX_ROWS: usize = 1_048_576;

/// Sheets are fitted to their contents only up to this many rows: fitting reads every cell,
/// and a long time series is wide enough with a fixed width.
const AUTOFIT_ROWS: usize = 5_000;

/// Writes `dir/workbook.xlsx` with one sheet per CSV file in `tables` (sheet name, file name
/// in `dir`), in that order. Files that do not exist are skipped: a command writes the
/// tables it has.
pub fn write_workbook(dir: &Path, tables: &[(&str, &str)]) -> Result<()> {
    let mut workbook = Workbook::new();
    // A fixed creation time: the same run writes the same bytes (the workbook would
    // otherwise carry the clock, and two identical runs would differ).
    let epoch = ExcelDateTime::from_ymd(2000, 1, 1)?;
    workbook.set_properties(
        &DocProperties::new()
            .set_creation_datetime(&epoch)
            .set_comment("written by reformsim from the folder's CSV files"),
    );
    let header = Format::new().set_bold();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let mut sheets = 0;
    for (sheet, file) in tables {
        let path = dir.join(file);
        if !path.exists() {
            continue;
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        // Excel's CSV import wants a byte-order mark; the workbook does not.
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        add_table(&mut workbook, sheet, text, &header, &date)
            .with_context(|| format!("cannot put {} into {WORKBOOK}", path.display()))?;
        sheets += 1;
    }
    if sheets == 0 {
        return Ok(());
    }
    let bytes = workbook
        .save_to_buffer()
        .with_context(|| format!("cannot write {WORKBOOK}"))?;
    write_atomic(&dir.join(WORKBOOK), &bytes)
}

/// One CSV table as one sheet (or several, past Excel's row limit).
fn add_table(
    workbook: &mut Workbook,
    name: &str,
    csv_text: &str,
    header: &Format,
    date: &Format,
) -> Result<()> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(csv_text.as_bytes());
    let columns: Vec<String> = reader
        .headers()?
        .iter()
        .map(|c| match crate::kpi_catalogue::kpi(c) {
            Some(k) if !k.unit.is_empty() => format!("{c} ({})", k.unit),
            _ => c.to_owned(),
        })
        .collect();
    // A long table (a run's daily metrics, a sweep's runs) streams its rows through a
    // temporary file instead of holding every cell: 10 replicates of the baseline held
    // 1.2 million cells and took the run's peak from 40 MB to 225 MB.
    let long = csv_text.lines().count() > AUTOFIT_ROWS + 1;
    let mut part = 1;
    let mut sheet = new_sheet(workbook, name, part, &columns, header, long)?;
    let mut row = 1usize;
    for record in reader.records() {
        let record = record?;
        if row == MAX_ROWS {
            fit(sheet, row);
            part += 1;
            sheet = new_sheet(workbook, name, part, &columns, header, long)?;
            row = 1;
        }
        for (col, field) in record.iter().enumerate() {
            write_cell(sheet, row as u32, col as u16, field, date)?;
        }
        row += 1;
    }
    fit(sheet, row);
    Ok(())
}

/// A sheet with its header row written and frozen.
fn new_sheet<'a>(
    workbook: &'a mut Workbook,
    name: &str,
    part: usize,
    columns: &[String],
    header: &Format,
    long: bool,
) -> Result<&'a mut Worksheet> {
    let sheet = if long {
        workbook.add_worksheet_with_constant_memory()?
    } else {
        workbook.add_worksheet()
    };
    let name = if part == 1 {
        name.to_owned()
    } else {
        format!("{name} {part}")
    };
    sheet.set_name(&name)?;
    for (col, title) in columns.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, title, header)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(sheet)
}

/// Column widths from the contents, for tables short enough to read cell by cell.
fn fit(sheet: &mut Worksheet, rows: usize) {
    if rows <= AUTOFIT_ROWS {
        sheet.autofit();
    }
}

/// One CSV field as a typed cell (module docs).
fn write_cell(sheet: &mut Worksheet, row: u32, col: u16, field: &str, date: &Format) -> Result<()> {
    match CellValue::of(field) {
        CellValue::Empty => {}
        CellValue::Bool(b) => {
            sheet.write_boolean(row, col, b)?;
        }
        CellValue::Number(x) => {
            sheet.write_number(row, col, x)?;
        }
        CellValue::Date(y, m, d) => {
            let day = ExcelDateTime::from_ymd(y, m, d)?;
            sheet.write_datetime_with_format(row, col, &day, date)?;
        }
        CellValue::Text => {
            sheet.write_string(row, col, field)?;
        }
    }
    Ok(())
}

/// What a CSV field holds.
#[derive(Debug, PartialEq)]
enum CellValue {
    Empty,
    Bool(bool),
    Number(f64),
    Date(u16, u8, u8),
    Text,
}

impl CellValue {
    fn of(field: &str) -> CellValue {
        if field.is_empty() {
            return CellValue::Empty;
        }
        match field {
            "true" => return CellValue::Bool(true),
            "false" => return CellValue::Bool(false),
            _ => {}
        }
        if let Some(d) = date_of(field) {
            return d;
        }
        let digits = field.bytes().filter(u8::is_ascii_digit).count();
        let integer = field
            .strip_prefix('-')
            .unwrap_or(field)
            .bytes()
            .all(|b| b.is_ascii_digit());
        // Excel keeps 15 significant digits: a longer integer would be rounded.
        if integer && digits > 15 {
            return CellValue::Text;
        }
        match field.parse::<f64>() {
            Ok(x) if x.is_finite() => CellValue::Number(x),
            _ => CellValue::Text,
        }
    }
}

/// `YYYY-MM-DD` as a date, if it is one.
fn date_of(field: &str) -> Option<CellValue> {
    let b = field.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let d = crate::date::Date::parse(field).ok()?;
    let (y, m, day) = d.ymd();
    Some(CellValue::Date(
        u16::try_from(y).ok()?,
        u8::try_from(m).ok()?,
        u8::try_from(day).ok()?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_become_typed_cells() {
        assert_eq!(CellValue::of(""), CellValue::Empty);
        assert_eq!(CellValue::of("true"), CellValue::Bool(true));
        assert_eq!(CellValue::of("false"), CellValue::Bool(false));
        assert_eq!(CellValue::of("2024-11-13"), CellValue::Date(2024, 11, 13));
        assert_eq!(CellValue::of("2024-13-13"), CellValue::Text);
        assert_eq!(CellValue::of("-0.25"), CellValue::Number(-0.25));
        assert_eq!(CellValue::of("11937"), CellValue::Number(11937.0));
        assert_eq!(CellValue::of("1e9"), CellValue::Number(1e9));
        // A 64-bit seed keeps every digit.
        assert_eq!(CellValue::of("12345678901234567890"), CellValue::Text);
        assert_eq!(CellValue::of("NaN"), CellValue::Text);
        assert_eq!(CellValue::of("likely met"), CellValue::Text);
    }

    #[test]
    fn a_folder_gets_one_sheet_per_table_and_skips_missing_ones() {
        let dir = std::env::temp_dir().join(format!("reformsim-wb-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("t.csv"),
            "\u{feff}date,value_added_yuan,met\n2024-11-13,1.5,true\n",
        )
        .unwrap();
        write_workbook(&dir, &[("table", "t.csv"), ("absent", "none.csv")]).unwrap();
        let bytes = std::fs::read(dir.join(WORKBOOK)).unwrap();
        // An xlsx file is a zip archive.
        assert_eq!(&bytes[..2], b"PK");
        // Deterministic: the same tables give the same bytes.
        write_workbook(&dir, &[("table", "t.csv"), ("absent", "none.csv")]).unwrap();
        assert!(bytes == std::fs::read(dir.join(WORKBOOK)).unwrap());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
