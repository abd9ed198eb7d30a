"""What the report pages, workbooks and documents read, each job in its own module.

- ``roots``: the report's root unit, period and structure, and the registrations it counts;
- ``figures``: every count, from the counts kept ready or live, in a fixed number of queries;
- ``headers``: the names a document's header carries;
- ``rows``: the workbook's lists, streamed.
"""

from .figures import (
    awards,
    branches_with_formers,
    draft_count,
    field_table,
    fields_apart,
    former_table,
    summary,
    trend,
    unit_table,
    yearly_totals,
)
from .headers import issuing_header
from .roots import RootNotFound, default_structure, picker_units, registrations, report_period, report_root
from .rows import decision_rows, registration_rows

__all__ = [
    "RootNotFound",
    "awards",
    "branches_with_formers",
    "decision_rows",
    "default_structure",
    "draft_count",
    "field_table",
    "fields_apart",
    "former_table",
    "issuing_header",
    "picker_units",
    "registration_rows",
    "registrations",
    "report_period",
    "report_root",
    "summary",
    "trend",
    "unit_table",
    "yearly_totals",
]
