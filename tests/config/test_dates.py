"""Dates are written one way on the whole site: "3 Mar 2026" (config/formats/en/formats.py)."""

import re
from datetime import date, datetime
from pathlib import Path

from django.template import Context, Template
from django.utils.formats import date_format

from tests.conftest import ROOT

# What a <time datetime="..."> attribute or a file name needs: for machines, not for people.
MACHINE_FORMATS = {"c", "Y-m-d", "Y-m-d\\TH:i:sO", "DATETIME_FORMAT"}


def test_a_date_reads_the_same_everywhere():
    day = date(2026, 3, 3)
    assert date_format(day) == "3 Mar 2026"
    assert Template("{{ day|date }}").render(Context({"day": day})) == "3 Mar 2026"
    moment = datetime(2026, 3, 3, 14, 5)
    assert (
        Template('{{ moment|date:"DATETIME_FORMAT" }}').render(Context({"moment": moment}))
        == "3 Mar 2026, 14:05"
    )


def test_no_template_writes_a_date_its_own_way():
    own_ways = []
    for path in Path(ROOT, "templates").rglob("*.html"):
        for found in re.findall(r"\|date:[\"']([^\"']*)[\"']", path.read_text()):
            if found not in MACHINE_FORMATS:
                own_ways.append(f"{path.relative_to(ROOT)}: {found}")
    assert own_ways == []
