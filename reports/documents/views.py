"""The downloads of the documents: the report draft of the report page, a decision's draft and certificates.

Scoped as the pages they are asked from: the report's root through ``selectors.report_root``
(404 outside the scope), the decision through ``Decision.objects.restrict(user)``.
"""

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views import generic

from registry.models import Decision
from registry.text import fold

from ..views import ReportMixin
from . import certificates, decision, docx, report


def attachment(content, filename, content_type):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def file_name(*parts, ext):
    return slugify(fold(" ".join(str(part) for part in parts))) + f".{ext}"


class ReportDocumentView(ReportMixin, generic.View):
    """The report draft (.docx) of the report page's root, period and structure."""

    url_name = "reports:report"

    def get(self, request, *args, **kwargs):
        self.setup_report()
        content = report.report_document(request.user, self.root, self.period, timezone.localdate())
        name = file_name("bao cao dan van kheo", self.root.name, self.period.label, ext="docx")
        return attachment(content, name, docx.CONTENT_TYPE)


class DecisionDocumentMixin:
    def get_decision(self):
        decisions = (
            Decision.objects.restrict(self.request.user).alive().select_related("issuing_unit", "award_form")
        )
        return get_object_or_404(decisions, pk=self.kwargs["pk"])


class DecisionDraftView(DecisionDocumentMixin, generic.View):
    """The decision's draft (.docx) with its annex of the models it covers."""

    def get(self, request, *args, **kwargs):
        obj = self.get_decision()
        content = decision.decision_document(request.user, obj)
        name = file_name("quyet dinh", obj.reference, obj.signed_on.year, ext="docx")
        return attachment(content, name, docx.CONTENT_TYPE)


class CertificatesView(DecisionDocumentMixin, generic.View):
    """The certificates of the decision's models, one A4 landscape page each (PDF)."""

    def get(self, request, *args, **kwargs):
        obj = self.get_decision()
        rows = decision.covered_rows(request.user, obj)
        if not rows:
            messages.warning(request, _("Quyết định chưa có mô hình nào: chưa có giấy chứng nhận để in."))
            return HttpResponseRedirect(obj.get_absolute_url())
        try:
            content = certificates.certificates_pdf(request.user, obj, rows)
        except certificates.FontMissing as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(obj.get_absolute_url())
        name = file_name(certificates.certificate_title(obj), obj.reference, ext="pdf")
        return attachment(content, name, "application/pdf")
