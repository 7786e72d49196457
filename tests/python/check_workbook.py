"""Reads a run folder's workbook.xlsx with pandas, as an analyst would, and checks that the
cells are typed (dates as dates, booleans as booleans, KPIs as numbers) and that every
sheet holds the same table as its CSV file. Run by .ci/run:

    python check_workbook.py RUN_FOLDER
"""
import sys
from pathlib import Path

import pandas as pd

folder = Path(sys.argv[1])
book = pd.read_excel(folder / "workbook.xlsx", sheet_name=None)
assert list(book) == ["metrics", "targets", "calibration"], list(book)

for sheet, frame in book.items():
    csv = pd.read_csv(folder / f"{sheet}.csv", encoding="utf-8-sig")
    assert frame.shape == csv.shape, (sheet, frame.shape, csv.shape)

metrics = book["metrics"]
assert pd.api.types.is_datetime64_any_dtype(metrics["date"]), metrics["date"].dtype
assert "value_added_yuan (yuan/day)" in metrics.columns, list(metrics.columns)[:12]
assert pd.api.types.is_float_dtype(metrics["value_added_growth_ytd (%)"]), metrics["value_added_growth_ytd (%)"].dtype

targets = book["targets"]
assert targets["met"].dtype == bool, targets["met"].dtype
assert pd.api.types.is_datetime64_any_dtype(targets["date"]), targets["date"].dtype

calibration = book["calibration"]
assert calibration["within_tolerance"].dtype == bool, calibration["within_tolerance"].dtype
assert pd.api.types.is_numeric_dtype(calibration["tolerance"]), calibration["tolerance"].dtype
assert set(calibration["tolerance_unit"]) <= {"%", "pp"}, set(calibration["tolerance_unit"])

print(
    f"workbook.xlsx: {len(book)} sheets, {len(metrics)} metric rows; "
    "dates, booleans and numbers typed as pandas reads them"
)
