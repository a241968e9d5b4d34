"""CSV downloads: the one writer every export goes through.

A spreadsheet runs a cell starting with =, +, -, @, a tab or a carriage return
as a formula ("CSV injection"), so every such cell is written with a leading
apostrophe, whoever typed it: a learner's name, a note, a cohort's name.
"""

import csv
from collections.abc import Iterable, Sequence

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    value = "" if value is None else str(value)
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    """A CSV attachment (UTF-8, with a header row) of `rows`, every cell formula-safe."""
    response = HttpResponse(
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
    writer = csv.writer(response)
    writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return response
