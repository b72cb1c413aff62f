"""CSV downloads a spreadsheet opens safely: a cell that starts like a formula is kept as text,
lines end in CRLF, and (for files meant for Excel users) a byte-order mark says "UTF-8".

Used by the training completion report and the scorecard's open data.
"""
import csv
import io

BOM = "\ufeff"
# Text starting with one of these runs as a formula in Excel and LibreOffice (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """A cell a spreadsheet will not run: text starting like a formula gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def to_csv(header, rows, *, bom=False):
    """CSV text: the header row, then each row (a sequence of cells), every cell through csv_cell."""
    out = io.StringIO()
    if bom:
        out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([csv_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([csv_cell(cell) for cell in row])
    return out.getvalue()
