"""What every page's menu needs to know about the user."""

from django.utils.functional import SimpleLazyObject

from .querysets import MANAGE
from .scope import scope_of


def navigation(request):
    """Tell the menus what the user may do, each read only if a page shows it.

    ``may_manage``: the user administers units (the reorganisation pages); ``may_change``: the
    user may change something (create, import, roll over, restore). Viewers see neither entry
    point. ``nav_here``: the page's URL name. The user's scope is read once a request; pages
    that restrict a queryset have read it already.
    """
    user = getattr(request, "user", None)
    # The page's URL name, "app:name", for the menu to mark where the user is; empty on a page
    # no URL names (a 404), whose menu then marks nothing.
    match = getattr(request, "resolver_match", None)
    here = f"{match.app_name}:{match.url_name}" if match and match.url_name else ""
    return {
        "nav_here": here,
        "may_manage": SimpleLazyObject(lambda: bool(user and scope_of(user).paths(MANAGE) != [])),
        "may_change": SimpleLazyObject(lambda: bool(user and scope_of(user).may_change_anything())),
    }
