#!/usr/bin/env python3
"""Reads an export with a real reader and prints it as JSON, for the tests of the XLSX export.

  scripts/xlsx-read.py xlsx FILE   openpyxl (PyPI, in the Makefile's TEST_PIP): each sheet's name,
                                   its rows as [data_type, value] per cell (openpyxl's data_type:
                                   's' text, 'n' number, 'f' formula, 'd' date, 'b' boolean; text
                                   with ECMA-376's _xHHHH_ escapes decoded, as Excel shows it),
                                   whether the header row is bold, the frozen cell, column widths
  scripts/xlsx-read.py csv FILE    Python's csv module (RFC 4180): the rows as lists of strings,
                                   a UTF-8 byte order mark dropped (our CSV export, LibreOffice's)

Exit 0 and JSON on standard output; any failure to read is a traceback and exit 1.
"""

import csv
import json
import sys


def read_xlsx(path):
    import openpyxl
    from openpyxl.utils.escape import unescape

    workbook = openpyxl.load_workbook(path)  # not read_only: widths and fonts need the full model
    sheets = []
    for sheet in workbook.worksheets:
        rows = [
            [[cell.data_type, unescape(cell.value) if isinstance(cell.value, str) else cell.value] for cell in row]
            for row in sheet.iter_rows()
        ]
        header = next(sheet.iter_rows(max_row=1), ())
        sheets.append({
            "name": sheet.title,
            "rows": rows,
            "headerBold": all(cell.font is not None and cell.font.b for cell in header),
            "frozen": sheet.freeze_panes,
            "widths": {key: dimension.width for key, dimension in sheet.column_dimensions.items()},
        })
    return {"sheets": sheets}


def read_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as file:
        return list(csv.reader(file))


def main():
    kind, path = sys.argv[1], sys.argv[2]
    result = read_xlsx(path) if kind == "xlsx" else read_csv(path)
    json.dump(result, sys.stdout, ensure_ascii=False, default=str)


if __name__ == "__main__":
    main()
