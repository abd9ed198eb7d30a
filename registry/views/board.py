"""The completeness board of a campaign, its reminders, and the user's notifications."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import generic

from registry import board, reminders, services
from registry.models import Campaign, Notification, Unit
from registry.scope import scope_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def whole(value):
    """Return ``value`` as a positive whole number, or None when it is not one."""
    text = str(value or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 12:
        return None
    return int(text) or None


class CampaignBoardMixin:
    """Find the campaign the user may read and the unit whose rows the board shows.

    The unit is ``unit`` (GET or POST): the launching unit or one below it, inside the user's
    scope; by default the launching unit, or, for a user who reads the campaign from below, the
    first of their own units under it. Anything else answers 404.
    """

    def get_campaign(self):
        campaign = (
            Campaign.objects.restrict(self.request.user).select_related("unit").filter(pk=self.kwargs["pk"])
        )
        campaign = campaign.first()
        if campaign is None:
            raise Http404
        return campaign

    def get_root(self, campaign, value):
        user = self.request.user
        top = campaign.unit
        units = Unit.objects.restrict(user).filter(path__startswith=top.path)
        if value in (None, ""):
            if scope_of(user).covers(top):
                return top
            own = [unit.path for unit in scope_of(user).top_units()]
            root = units.filter(path__in=own).order_by("path").first()
        else:
            pk = whole(value)
            root = units.filter(pk=pk).first() if pk else None
        if root is None:
            raise Http404
        return root


class CampaignBoardView(CampaignBoardMixin, generic.TemplateView):
    """The units below, their registrations by state and participation; ``?export=xlsx`` downloads it."""

    template_name = "registry/campaign_board.html"

    def get(self, request, *args, **kwargs):
        self.campaign = self.get_campaign()
        self.root = self.get_root(self.campaign, request.GET.get("unit"))
        self.board = board.build(campaign=self.campaign, root=self.root, order=request.GET.get("o", ""))
        if request.GET.get("export") == "xlsx":
            response = HttpResponse(board.workbook(self.board), content_type=XLSX)
            filename = f"tien-do-dot-thi-dua-{self.campaign.pk}-{self.root.pk}.xlsx"
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            return response
        return super().get(request, *args, **kwargs)

    def url(self, **params):
        query = {"unit": self.root.pk, "o": self.board.order, **params}
        query = {key: value for key, value in query.items() if value not in ("", None)}
        return reverse("registry:campaign_board", args=[self.campaign.pk]) + "?" + urlencode(query)

    def sort_headers(self):
        headers = {}
        for key in board.SORTS:
            state = ""
            if self.board.order == key:
                state, target = "ascending", f"-{key}"
            elif self.board.order == f"-{key}":
                state, target = "descending", key
            else:
                target = key
            headers[key] = {"url": self.url(o=target), "state": state}
        return headers

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        campaign, root = self.campaign, self.root
        top = campaign.unit
        # The way back up, from the launching unit to the unit shown, within the user's scope.
        steps = [root.path[:end] for end in range(len(top.path), len(root.path), Unit.steplen)]
        trail = list(Unit.objects.restrict(self.request.user).filter(path__in=steps).order_by("path"))
        year = campaign.year
        list_url = reverse("registry:registration_list")

        labels = [label for _key, label, _q, _params in board.COUNTS]

        def cells(row):
            # Each cell with its link and its label (a phone shows the row as a card of labelled numbers).
            return [
                (cell, f"{list_url}?{urlencode(cell.params)}", label)
                for cell, label in zip(row.cells(year), labels, strict=True)
            ]

        rows = [
            {"row": row, "cells": cells(row), "url": self.url(unit=row.unit.pk, o="")}
            for row in self.board.rows
        ]
        context.update(
            campaign=campaign,
            root=root,
            board=self.board,
            rows=rows,
            total={"row": self.board.total, "cells": cells(self.board.total)},
            trail=[{"unit": unit, "url": self.url(unit=unit.pk, o="")} for unit in trail],
            headers=[(key, label) for key, label, _q, _params in board.COUNTS],
            sort_headers=self.sort_headers(),
            export_url=self.url(export="xlsx"),
            can_remind=reminders.may_remind(self.request.user, campaign),
            token=services.new_token(),
        )
        return context


class CampaignRemindView(CampaignBoardMixin, generic.View):
    """Send the reminders to the overdue units of the board's unit (POST, with the form's token)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        campaign = self.get_campaign()
        root = self.get_root(campaign, request.POST.get("unit"))
        if not reminders.may_remind(request.user, campaign):
            raise PermissionDenied(
                _("Chỉ cán bộ cập nhật, quản trị của đơn vị phát động mới gửi được nhắc nhở.")
            )
        token = services.valid_token(request.POST.get("token"))
        sent = reminders.reminders_send(user=request.user, campaign=campaign, root=root, token=token)
        self.tell(sent)
        url = reverse("registry:campaign_board", args=[campaign.pk]) + "?" + urlencode({"unit": root.pk})
        return HttpResponseRedirect(url)

    def tell(self, sent):
        request = self.request
        if sent.repeated:
            messages.info(request, _("Nhắc nhở này đã được gửi."))
            return
        if sent.units:
            messages.success(
                request,
                ngettext(
                    "Đã nhắc %(units)s đơn vị: %(notifications)s thông báo, %(emails)s thư điện tử.",
                    "Đã nhắc %(units)s đơn vị: %(notifications)s thông báo, %(emails)s thư điện tử.",
                    sent.units,
                )
                % {"units": sent.units, "notifications": sent.notifications, "emails": sent.emails},
            )
        if sent.skipped_units:
            messages.info(
                request,
                _("%(count)s đơn vị đã được nhắc trong vòng một giờ qua nên không nhắc lại.")
                % {"count": sent.skipped_units},
            )
        if sent.unreached_units:
            names = ", ".join(unit.name for unit in sent.unreached_units[:10])
            messages.warning(
                request,
                _("Không có tài khoản cập nhật nào để nhắc tại: %(names)s.") % {"names": names},
            )
        if sent.mail_failed:
            messages.warning(
                request, _("Không gửi được thư điện tử; các thông báo trong phần mềm đã được gửi.")
            )
        if not (sent.units or sent.skipped_units or sent.unreached_units):
            messages.info(request, _("Không có đơn vị nào quá hạn cần nhắc."))


class NotificationListView(generic.ListView):
    """The user's own notifications, newest first; unread ones marked."""

    template_name = "registry/notification_list.html"
    paginate_by = 50

    def get_queryset(self):
        return (
            Notification.objects.filter(user=self.request.user)
            .select_related("campaign", "unit")
            .order_by("-created_at", "-pk")
        )


class NotificationReadView(generic.View):
    """Mark one notification (``pk``) or all of the user's (``all``) read (POST)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if request.POST.get("all"):
            reminders.notifications_mark_read(user=request.user)
        else:
            pk = whole(request.POST.get("pk"))
            if pk is None:
                messages.error(request, _("Không tìm thấy thông báo cần đánh dấu."))
            else:
                reminders.notifications_mark_read(user=request.user, pks=[pk])
        target = request.POST.get("next", "")
        if not target.startswith("/") or not url_has_allowed_host_and_scheme(target, allowed_hosts=None):
            target = reverse("registry:notification_list")
        return HttpResponseRedirect(target)
