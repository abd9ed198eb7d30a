"""Accounts: throttled logins, password change and reset, error pages, headers, menus by role."""

import gc
import re

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views import defaults

from .factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "mat-khau-thu-nghiem"


@pytest.fixture
def staff_user():
    return UserFactory(username="canbo", email="canbo@example.org")


def log_in(client, username, password, url=None):
    return client.post(url or reverse("login"), {"username": username, "password": password})


def test_logins_are_refused_for_a_while_after_a_few_wrong_passwords(staff_user, settings):
    client = Client(REMOTE_ADDR="10.0.0.1")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "canbo", "sai").status_code == 200
    assert log_in(client, "canbo", "sai").status_code == 429

    response = log_in(client, "canbo", PASSWORD)

    assert response.status_code == 429
    page = response.content.decode()
    assert "tạm thời không thể đăng nhập" in page
    assert "Hãy thử lại sau 15 phút" in page
    assert "_auth_user_id" not in client.session
    # The same username from another address, and another username from this one, still log in.
    assert log_in(Client(REMOTE_ADDR="10.0.0.2"), "canbo", PASSWORD).status_code == 302
    UserFactory(username="khac")
    assert log_in(client, "khac", PASSWORD).status_code == 302


def test_behind_a_trusted_proxy_each_client_is_throttled_on_its_own_address(staff_user, settings):
    import ipaddress

    settings.TRUSTED_PROXIES = frozenset({ipaddress.ip_address("10.9.9.9")})
    proxy = {"REMOTE_ADDR": "10.9.9.9"}
    attacker = Client(**proxy, HTTP_X_FORWARDED_FOR="203.0.113.7")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(attacker, "canbo", "sai")
    assert log_in(attacker, "canbo", PASSWORD).status_code == 429
    # The attacker's forged header does not change the address the proxy saw and appended.
    forged = Client(**proxy, HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7")
    assert log_in(forged, "canbo", PASSWORD).status_code == 429
    # Another client behind the same proxy logs in.
    assert log_in(Client(**proxy, HTTP_X_FORWARDED_FOR="203.0.113.8"), "canbo", PASSWORD).status_code == 302
    # A request that does not come through the proxy keeps its own address, whatever it sends.
    direct = Client(REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert log_in(direct, "canbo", PASSWORD).status_code == 429


def test_the_client_address_is_read_from_the_right_of_the_forwarded_list(settings):
    import ipaddress

    from danvan.lockout import client_ip

    settings.TRUSTED_PROXIES = frozenset(ipaddress.ip_address(a) for a in ("10.9.9.9", "10.9.9.8"))

    def ip(remote, forwarded=None):
        meta = {"REMOTE_ADDR": remote} | ({"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {})
        return client_ip(RequestFactory().get("/", **meta))

    assert ip("203.0.113.5") == "203.0.113.5"
    assert ip("203.0.113.5", "1.2.3.4") == "203.0.113.5"
    assert ip("10.9.9.9", "1.2.3.4, 203.0.113.5") == "203.0.113.5"
    assert ip("10.9.9.9", "203.0.113.5, 10.9.9.8") == "203.0.113.5"
    assert ip("10.9.9.9", "203.0.113.5, rác") == "10.9.9.9"
    assert ip("10.9.9.9") == "10.9.9.9"


def test_the_admin_login_is_throttled_too(settings):
    UserFactory(username="quantri_he_thong", is_staff=True, is_superuser=True)
    client = Client(REMOTE_ADDR="10.0.0.3")
    url = reverse("admin:login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "quantri_he_thong", "sai", url)

    assert log_in(client, "quantri_he_thong", PASSWORD, url).status_code == 429


def test_the_lockout_message_is_in_english_for_an_english_reader(staff_user, settings):
    client = Client(REMOTE_ADDR="10.0.0.4", HTTP_ACCEPT_LANGUAGE="en")
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        response = log_in(client, "canbo", "sai")
    assert response.status_code == 429
    assert "Try again in 15 minutes" in response.content.decode()


def test_every_user_changes_their_own_password(staff_user, client_for):
    client = client_for(staff_user)
    assert client.get(reverse("password_change")).status_code == 200
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Khéo-dân-vận-2027",
            "new_password2": "Khéo-dân-vận-2027",
        },
    )
    assert response.status_code == 302
    staff_user.refresh_from_db()
    assert staff_user.check_password("Khéo-dân-vận-2027")
    # The menu leads there.
    assert reverse("password_change") in client.get(reverse("registry:home")).content.decode()


def test_a_forgotten_password_is_reset_through_an_emailed_link(staff_user, client, mailoutbox):
    assert reverse("password_reset") in client.get(reverse("login")).content.decode()
    response = client.post(reverse("password_reset"), {"email": "canbo@example.org"})
    assert response.status_code == 302

    (message,) = mailoutbox
    assert message.to == ["canbo@example.org"]
    assert "Đặt lại mật khẩu" in message.subject
    assert "canbo" in message.body
    link = re.search(r"https?://[^/]+(/tai-khoan/dat-lai-mat-khau/\S+)", message.body).group(1)
    form_url = client.get(link)["Location"]  # Django moves the token out of the address
    response = client.post(
        form_url, {"new_password1": "Khéo-dân-vận-2027", "new_password2": "Khéo-dân-vận-2027"}
    )
    assert response.status_code == 302
    assert log_in(client, "canbo", "Khéo-dân-vận-2027").status_code == 302


def test_the_reset_page_does_not_tell_whether_an_address_has_an_account(client, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": "khong-co@example.org"})
    assert response.status_code == 302
    assert mailoutbox == []


def test_every_page_sends_a_content_security_policy_and_a_permissions_policy(staff_user, client_for):
    for response in (Client().get(reverse("login")), client_for(staff_user).get(reverse("registry:home"))):
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy
        assert "style-src 'self'" in policy
        assert "unsafe" not in policy
        assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.parametrize(("language", "text"), [("vi", "Không tìm thấy trang"), ("en", "Page not found")])
def test_a_missing_page_answers_in_the_readers_language_with_a_way_back(
    staff_user, client_for, language, text
):
    client = client_for(staff_user)
    response = client.get("/khong-co-trang-nay/", HTTP_ACCEPT_LANGUAGE=language, HTTP_REFERER="/mo-hinh/")
    assert response.status_code == 404
    page = response.content.decode()
    assert text in page
    assert 'href="/mo-hinh/" data-history-back' in page
    assert f'href="{reverse("registry:home")}"' in page


@pytest.mark.parametrize("who", ["editor_a", "admin_province", "viewer_a"])
def test_a_missing_page_shows_each_role_its_menu_without_marking_an_entry(tree, client_for, who):
    """No URL names a missing page: the menu, whose entries mark the page the user is on, still shows."""
    response = client_for(getattr(tree, who)).get("/khong-co-trang-nay/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Không tìm thấy trang" in page
    assert 'aria-current="page"' not in page
    assert (reverse("intake:upload") in page) is (who != "viewer_a")
    assert (reverse("registry:reorganisation_list") in page) is (who == "admin_province")


def test_a_refused_page_is_localised(tree, client_for):
    response = client_for(tree.editor_a).get(reverse("registry:field_create"))
    assert response.status_code == 403
    assert "Không có quyền truy cập" in response.content.decode()


@pytest.mark.parametrize(
    ("handler", "status", "text"),
    [(defaults.server_error, 500, "Lỗi máy chủ"), (defaults.bad_request, 400, "Yêu cầu không hợp lệ")],
)
def test_the_server_error_pages_render_without_the_request_context(handler, status, text):
    request = RequestFactory().get("/")
    response = handler(request) if handler is defaults.server_error else handler(request, Exception())
    assert response.status_code == status
    page = response.content.decode()
    assert text in page
    assert f'href="{reverse("registry:home")}"' in page


def test_gunicorn_does_not_name_itself_in_the_server_header():
    import gunicorn.http.wsgi

    thresholds = gc.get_threshold()
    try:
        from danvan import wsgi
    finally:  # the module tunes the garbage collector for a server process, not for the tests
        gc.unfreeze()
        gc.set_threshold(*thresholds)
    wsgi.hide_server_name()

    class Request:
        version = (1, 1)

        def should_close(self):
            return False

    response = gunicorn.http.wsgi.Response(Request(), None, None)
    response.status, response.response_length = "200 OK", 0
    headers = "".join(response.default_headers())
    assert "gunicorn" not in headers.lower()
    assert "Server: danvan" in headers


def test_viewers_see_no_entry_point_that_would_refuse_them(tree, client_for):
    viewer_pages = {
        reverse("registry:home"): [reverse("intake:upload"), reverse("registry:trash")],
        reverse("registry:registration_list"): [reverse("registry:initiative_create")],
        reverse("registry:decision_list"): [reverse("registry:decision_create")],
        reverse("registry:field_list"): [reverse("registry:field_create")],
    }
    viewer, editor = client_for(tree.viewer_a), Client()
    editor.force_login(tree.editor_a)
    for url, links in viewer_pages.items():
        page = viewer.get(url).content.decode()
        assert not [link for link in links if f'href="{link}"' in page], url
    for url in list(viewer_pages)[:3]:
        page = editor.get(url).content.decode()
        assert all(f'href="{link}"' in page for link in viewer_pages[url]), url
