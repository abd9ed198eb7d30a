"""Login throttling's two hooks for django-axes: the client's address, and the page a locked-out
login gets."""

import ipaddress

from django.conf import settings
from django.shortcuts import render


def _address(text):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def client_ip(request):
    """Return the address of the client a login comes from, for the throttling.

    Behind the load balancer every request comes from the balancer's address. When that address
    is one of ``TRUSTED_PROXIES``, the client is the last address of ``X-Forwarded-For`` that is
    not itself a trusted proxy, read from the right: each proxy appends the address it saw, so
    the addresses left of the first proxy's entry were written by the client and may be forged.
    A request from anywhere else keeps its own address, whatever header it sends.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = settings.TRUSTED_PROXIES
    if _address(remote) not in trusted:
        return remote
    for entry in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = _address(entry)
        if address is None:
            break  # a forged or broken entry: keep the last proxy's address
        if address not in trusted:
            return str(address)
    return remote


def lockout_response(request, original_response=None, credentials=None):
    """Say, in the user's language, why the login is refused and for how long (HTTP 429)."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "registration/lockout.html", context, status=429)
