"""The review of a campaign's registrations: one registration's step, and what waits at the user's units."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy
from django.views import generic

from registry import review
from registry.choices import ReviewAction
from registry.forms.review import ReviewStepForm
from registry.models import Registration
from registry.querysets import VIEW

from .mixins import ScopedMixin

# Each says how many rows the step took: one form in Vietnamese, a singular and a plural in English.
MESSAGES = {
    ReviewAction.SUBMIT: ngettext_lazy(
        "Đã gửi %(count)s mô hình lên cấp xét duyệt.", "Đã gửi %(count)s mô hình lên cấp xét duyệt.", "count"
    ),
    ReviewAction.WITHDRAW: ngettext_lazy(
        "Đã rút %(count)s mô hình về dự thảo.", "Đã rút %(count)s mô hình về dự thảo.", "count"
    ),
    ReviewAction.ACCEPT: ngettext_lazy(
        "Đã tiếp nhận %(count)s mô hình.", "Đã tiếp nhận %(count)s mô hình.", "count"
    ),
    ReviewAction.RETURN: ngettext_lazy(
        "Đã trả lại %(count)s mô hình để đơn vị bổ sung.",
        "Đã trả lại %(count)s mô hình để đơn vị bổ sung.",
        "count",
    ),
    ReviewAction.REOPEN: ngettext_lazy(
        "Đã mở lại %(count)s mô hình để đơn vị sửa.", "Đã mở lại %(count)s mô hình để đơn vị sửa.", "count"
    ),
}


def _act(request, form, registrations):
    """Take the form's step on ``registrations``; say the outcome or every refusal. Returns the count."""
    if not form.is_valid():
        messages.error(request, _("Thao tác xét duyệt không hợp lệ."))
        return 0
    action = form.cleaned_data["action"]
    try:
        count = review.act(
            user=request.user,
            action=action,
            registrations=registrations,
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return 0
    if count:
        messages.success(request, MESSAGES[action] % {"count": count})
    else:
        messages.warning(request, _("Không có mô hình nào để thực hiện."))
    return count


class RegistrationReviewView(ScopedMixin, generic.View):
    """Take one step of a registration's review (POST), then show its model again."""

    model = Registration
    http_method_names = ["post"]

    def post(self, request, pk):
        registration = get_object_or_404(self.get_queryset(), pk=pk)
        _act(request, ReviewStepForm(request.POST), [registration])
        return HttpResponseRedirect(registration.get_absolute_url())


class ReviewQueueView(generic.ListView):
    """What waits at the units the user acts for, to accept or return, a page or all of it at once."""

    template_name = "registry/review_queue.html"
    paginate_by = 50

    def year(self):
        value = self.request.GET.get("year", "")
        return int(value) if value.isdigit() and len(value) == 4 else None

    def waiting(self):
        queryset = review.waiting_at(
            self.request.user, Registration.objects.restrict(self.request.user, VIEW).alive()
        )
        if (year := self.year()) is not None:
            queryset = queryset.filter(year=year)
        return queryset

    def get_queryset(self):
        return (
            self.waiting()
            .select_related("initiative", "unit", "reviewer", "campaign")
            .order_by("reviewer__path", "unit__path", "initiative__name", "pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["year"] = self.year()
        context["total"] = context["paginator"].count
        return context

    def post(self, request):
        form = ReviewStepForm(request.POST)
        waiting = self.waiting()
        if request.POST.get("scope") != "all":
            chosen = [value for value in request.POST.getlist("registration") if value.isdigit()]
            waiting = waiting.filter(pk__in=chosen)
        _act(request, form, waiting)
        query = urlencode({"year": self.year()}) if self.year() else ""
        return HttpResponseRedirect(reverse("registry:review_queue") + (f"?{query}" if query else ""))
