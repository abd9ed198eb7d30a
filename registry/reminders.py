"""Reminders to the units late for a campaign: a notification in the application and an e-mail.

Who sends: a user who may change the launching unit's subtree (its editors and administrators,
or those of a unit above it). Who receives, for each overdue unit (``registry.board.overdue_units``):
the active editors and administrators of that unit and of the units between it and the
launching unit (the district of a late commune, say), never those of the launching unit
itself, who send the reminders. Each receives one notification per overdue unit, and one
e-mail listing all of theirs (users without an address get the notifications only).

The same reminder form sent twice (its token) sends once; a unit reminded of the same
deadline of the same campaign less than ``QUIET`` ago is not reminded again, whoever sends.
The campaign row is locked while the reminders are written, so two sendings at once wait for
each other and the second finds the first's.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from . import board
from .choices import Role
from .models import Campaign, Membership, Notification, NotificationKind
from .querysets import CHANGE, ancestor_paths
from .scope import scope_of

QUIET = datetime.timedelta(hours=1)
EDITING_ROLES = (Role.EDITOR, Role.ADMIN)


@dataclass
class Sent:
    """What a sending did: the notifications written, the e-mails sent, and whether it was a repeat."""

    notifications: int = 0
    emails: int = 0
    units: int = 0
    skipped_units: int = 0
    unreached_units: list = field(default_factory=list)  # overdue units without any editor
    repeated: bool = False
    mail_failed: bool = False


def may_remind(user, campaign):
    """Whether ``user`` may send the reminders of ``campaign``: editors and administrators of its unit."""
    return scope_of(user).covers(campaign.unit, CHANGE)


def reminder_words(campaign, unit, kind):
    """The title and the body of a reminder to ``unit``, in the active language."""
    title, body, _link = _message(campaign, unit, kind)
    return title, body


def _message(campaign, unit, kind):
    if kind == NotificationKind.REGISTRATION:
        title = _("Nhắc nhở: %(unit)s chưa đăng ký mô hình – %(campaign)s") % {
            "unit": unit.name,
            "campaign": campaign.title,
        }
        body = _(
            "Đã quá hạn đăng ký %(deadline)s mà %(unit)s chưa gửi lên đăng ký mô hình nào năm %(year)s. "
            "Đề nghị đơn vị khẩn trương đăng ký và gửi xét duyệt."
        )
        link = reverse("registry:campaign_detail", args=[campaign.pk])
        deadline = campaign.registration_deadline
    else:
        title = _("Nhắc nhở: %(unit)s chưa đánh giá mô hình – %(campaign)s") % {
            "unit": unit.name,
            "campaign": campaign.title,
        }
        body = _(
            "Đã quá hạn đánh giá %(deadline)s mà %(unit)s còn mô hình đã được tiếp nhận năm %(year)s "
            "chưa được đánh giá. Đề nghị đơn vị hoàn thành việc đánh giá."
        )
        query = {"unit": unit.pk, "year": campaign.year, "review_state": "accepted", "evaluation": "pending"}
        link = reverse("registry:registration_list") + "?" + urlencode(query)
        deadline = campaign.evaluation_deadline
    body = body % {"deadline": deadline.strftime("%d/%m/%Y"), "unit": unit.name, "year": campaign.year}
    return title[:300], body, link


def reminders_send(*, user, campaign, root, token="", today=None) -> Sent:
    """Remind the overdue units of ``root``'s subtree of ``campaign``'s deadlines.

    Writes the notifications in one transaction, then sends the e-mails (an unreachable mail
    server leaves the notifications written and says so). Refuses (``PermissionDenied``) a user
    who does not act for the launching unit.
    """
    if not may_remind(user, campaign):
        raise PermissionDenied(_("Chỉ cán bộ cập nhật, quản trị của đơn vị phát động mới gửi được nhắc nhở."))
    sent, mails = _record(user=user, campaign=campaign, root=root, token=token, today=today)
    if mails:
        try:
            with get_connection() as connection:
                sent.emails = connection.send_messages(mails) or 0
        except OSError:  # the mail server is down or refuses: the notifications stay
            sent.mail_failed = True
    return sent


@transaction.atomic
def _record(*, user, campaign, root, token, today):
    Campaign.objects.select_for_update().filter(pk=campaign.pk).first()  # one sender at a time
    sent = Sent()
    if token and Notification.objects.filter(form_token=token).exists():
        sent.repeated = True
        return sent, []
    overdue = board.overdue_units(campaign, root, today)
    if not overdue:
        return sent, []
    recent = set(
        Notification.objects.filter(
            campaign=campaign,
            unit_id__in={unit.pk for unit, _kind in overdue},
            created_at__gte=timezone.now() - QUIET,
        ).values_list("unit_id", "kind")
    )
    todo = [(unit, kind) for unit, kind in overdue if (unit.pk, kind) not in recent]
    sent.skipped_units = len(overdue) - len(todo)
    # The editors of the overdue units and of the units between them and the launching unit.
    top = campaign.unit.path
    paths = {unit.path for unit, _kind in todo}
    between = {path for path in ancestor_paths(paths) if path.startswith(top) and path != top}
    memberships = (
        Membership.objects.filter(
            role__in=EDITING_ROLES, unit__path__in=paths | between, user__is_active=True
        )
        .select_related("user", "unit")
        .order_by("user_id")
    )
    editors = defaultdict(dict)  # unit path -> {user id: user}
    for membership in memberships:
        editors[membership.unit.path][membership.user_id] = membership.user
    notifications = []
    by_user = defaultdict(list)
    users = {}
    for unit, kind in todo:
        recipients = {}
        for path in [*ancestor_paths([unit.path]), unit.path]:
            recipients.update(editors.get(path, {}))
        if not recipients:
            sent.unreached_units.append(unit)
            continue
        sent.units += 1
        title, body, link = _message(campaign, unit, kind)
        for recipient in recipients.values():
            users[recipient.pk] = recipient
            by_user[recipient.pk].append((unit, kind))
            notifications.append(
                Notification(
                    user=recipient,
                    title=title,
                    body=body,
                    link=link,
                    campaign=campaign,
                    unit=unit,
                    kind=kind,
                    form_token=token,
                    sent_by=user if user.is_authenticated else None,
                )
            )
    for notification in notifications:
        notification.full_clean(exclude=["user", "campaign", "unit", "sent_by"])
    Notification.objects.bulk_create(notifications, batch_size=1000)
    sent.notifications = len(notifications)
    # The e-mails are written in the site's language (Vietnamese), whatever the sender's page
    # speaks: a reader's language is known only on their own pages, where each notification
    # reads in it.
    with translation.override(settings.LANGUAGE_CODE):
        mails = [
            _mail(campaign, users[pk], items) for pk, items in sorted(by_user.items()) if users[pk].email
        ]
    return sent, mails


def _mail(campaign, recipient, items):
    items = [_message(campaign, unit, kind) for unit, kind in items]
    subject = _("Nhắc nhở tiến độ: %(campaign)s") % {"campaign": campaign.title}
    lines = [_("Kính gửi %(name)s,") % {"name": recipient.get_full_name() or recipient.username}, ""]
    for title, body, _link in items:
        lines += [f"- {title}", f"  {body}"]
    lines += ["", _("Tin nhắn này được gửi tự động từ phần mềm quản lý mô hình “Dân vận khéo”.")]
    return EmailMessage(
        subject=subject[:250],
        body="\n".join(lines),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
    )


def unread(user, limit=5):
    """The user's newest unread notifications (at most ``limit``) and how many are unread. Two queries."""
    queryset = Notification.objects.filter(user=user, read_at__isnull=True)
    newest = queryset.select_related("campaign", "unit").order_by("-created_at", "-pk")[:limit]
    return list(newest), queryset.count()


@transaction.atomic
def notifications_mark_read(*, user, pks=None) -> int:
    """Mark the user's notifications read: those of ``pks``, or all of them. Returns the count."""
    queryset = Notification.objects.filter(user=user, read_at__isnull=True)
    if pks is not None:
        queryset = queryset.filter(pk__in=pks)
    return queryset.update(read_at=timezone.now())
