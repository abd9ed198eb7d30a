"""What every page's menu needs to know about the user."""

from django.utils.functional import SimpleLazyObject

from .querysets import MANAGE
from .scope import scope_of


def navigation(request):
    """``may_manage``: whether the user administers units (the reorganisation pages), read only if shown.

    The user's scope is read once a request; pages that restrict a queryset have read it already.
    """
    user = getattr(request, "user", None)
    return {"may_manage": SimpleLazyObject(lambda: bool(user and scope_of(user).paths(MANAGE) != []))}
