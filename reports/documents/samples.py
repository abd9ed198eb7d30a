"""Write the documents of one login to a folder, and convert them to PDF and PNG pages to look at.

The conversion needs LibreOffice (``soffice``) and poppler (``pdftoppm``); without them the
.docx and the certificates' PDF are written and the conversion is said to be skipped.
"""

import shutil
import subprocess
from pathlib import Path

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.text import slugify

from registry import defaults
from registry.models import Decision
from registry.text import fold

from .. import selectors
from ..forms import ReportFilterForm
from . import certificates, decision, report


def report_periods(user, root):
    """The report page's default year, two years before (the demo's decisions), a half-year, a phase."""
    year = defaults.default_year(user, root)
    periods = []
    for params in ({"year": year}, {"year": year - 2}, {"period": "half", "year": year, "half": 1},
                   {"period": "phase", "year_from": 2021, "year_to": 2025}):  # fmt: skip
        periods.append(selectors.report_period(user, root, ReportFilterForm(params)))
    return periods


def write_documents(username, folder, *, today=None):
    """Write ``username``'s report drafts, decision drafts and certificates; return the paths."""
    today = today or timezone.localdate()
    user = get_user_model().objects.get(username=username)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    root = selectors.report_root(user)
    written = []
    for period in report_periods(user, root):
        name = slugify(fold(f"bao cao {root.name} {period.label} {period.structure}"))
        path = folder / f"{name}.docx"
        path.write_bytes(report.report_document(user, root, period, today))
        written.append(path)
    for item in Decision.objects.restrict(user).alive().select_related("issuing_unit", "award_form"):
        base = slugify(fold(f"quyet dinh {item.reference} {item.signed_on.year}"))
        path = folder / f"{base}.docx"
        path.write_bytes(decision.decision_document(user, item))
        written.append(path)
        if decision.covered_rows(user, item):
            path = folder / f"{base}-giay-chung-nhan.pdf"
            path.write_bytes(certificates.certificates_pdf(user, item))
            written.append(path)
    return written


def convert(paths, folder, resolution=60):
    """Convert the .docx to PDF (soffice) and every PDF to PNG pages (pdftoppm); return what was skipped."""
    folder = Path(folder)
    skipped = []
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    documents = [path for path in paths if path.suffix == ".docx"]
    pdfs = [path for path in paths if path.suffix == ".pdf"]
    if soffice and documents:
        subprocess.run(  # noqa: S603
            [soffice, "--headless", "--convert-to", "pdf", "--outdir", str(folder), *map(str, documents)],
            check=True,
            capture_output=True,
            timeout=600,
        )
        pdfs += [path.with_suffix(".pdf") for path in documents]
    elif documents:
        skipped.append("soffice")
    pdftoppm = shutil.which("pdftoppm")
    if not pdftoppm:
        return [*skipped, "pdftoppm"]
    for pdf in pdfs:
        subprocess.run(  # noqa: S603
            [pdftoppm, "-png", "-r", str(resolution), str(pdf), str(pdf.with_suffix(""))],
            check=True,
            timeout=300,
        )
    return skipped
