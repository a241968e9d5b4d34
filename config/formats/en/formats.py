"""One way to write a date on the whole site, pages, admin and emails alike: "3 Mar 2026".

Django's English formats ("March 3, 2026", "Mar. 3, 2026") are replaced here
(FORMAT_MODULE_PATH); templates write `{{ day|date }}` and Python
`django.utils.formats.date_format(day)`, so no page picks its own.
"""

DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
MONTH_DAY_FORMAT = "j M"
YEAR_MONTH_FORMAT = "M Y"
