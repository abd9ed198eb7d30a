"""Translations: the English catalogue is complete, the compiled catalogues match their sources, and
the pages really change language (English on request; Vietnamese third-party strings by default)."""

import ast
import gettext as gettext_module
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from registry.choices import Role, UnitType

from .factories import MembershipFactory, UserFactory, make_unit

LOCALE = Path(settings.BASE_DIR) / "locale"
THIRD_PARTY_MODULE = "danvan/third_party_strings.py"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sdr]|%[sd]|\{[a-z_]*\}")


def parse_po(path):
    """Entries of a .po file as dicts: msgctxt, msgid, msgid_plural, msgstr (list), flags, references.

    A tiny parser, enough for the files makemessages writes; obsolete ``#~`` entries are skipped."""
    entries, entry, key = [], None, None

    def finish():
        if entry is not None and entry["msgid"] is not None and not entry["obsolete"]:
            entries.append(entry)

    def new():
        return {
            "msgctxt": None,
            "msgid": None,
            "msgid_plural": None,
            "msgstr": {},
            "flags": set(),
            "references": [],
            "obsolete": False,
        }

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
            entry, key = None, None
            continue
        if entry is None or (line.startswith("#") and entry["msgid"] is not None):
            finish()
            entry, key = new(), None
        if line.startswith("#~"):
            entry["obsolete"] = True
        elif line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#:"):
            entry["references"].extend(line[2:].split())
        elif line.startswith("#"):
            continue
        else:
            match = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")$", line)
            if match:
                name, index, text = match.groups()
                key = ("msgstr", int(index or 0)) if name.startswith("msgstr") else name
                value = ast.literal_eval(text)
            else:
                assert line.startswith('"'), f"{path}: cannot read {raw!r}"
                value = ast.literal_eval(line)
            if isinstance(key, tuple):
                entry["msgstr"][key[1]] = entry["msgstr"].get(key[1], "") + value
            else:
                entry[key] = (entry[key] or "") + value
    finish()
    return [e for e in entries if e["msgid"]]  # the header has an empty msgid


def po_path(language):
    return LOCALE / language / "LC_MESSAGES" / "django.po"


def describe(entry):
    return f"{entry['msgid']!r} ({', '.join(entry['references'][:2])})"


@pytest.mark.parametrize("language", ["en", "vi"])
def test_catalogue_has_no_fuzzy_entry(language):
    text = po_path(language).read_text(encoding="utf-8")
    assert "#, fuzzy" not in text and not re.search(r"^#,.*\bfuzzy\b", text, re.M)


def test_english_catalogue_translates_every_entry():
    entries = parse_po(po_path("en"))
    assert len(entries) > 500
    untranslated = [describe(e) for e in entries if not e["msgstr"] or not all(e["msgstr"].values())]
    assert not untranslated, "Untranslated in locale/en:\n" + "\n".join(untranslated)


def test_english_translations_keep_the_placeholders():
    wrong = []
    for entry in parse_po(po_path("en")):
        source = set(PLACEHOLDER.findall(entry["msgid"] + (entry["msgid_plural"] or "")))
        for text in entry["msgstr"].values():
            found = set(PLACEHOLDER.findall(text))
            # A singular form may leave out the count ("The only row"), never invent a placeholder.
            if found - source or (entry["msgid_plural"] is None and found != source):
                wrong.append(f"{describe(entry)} → {text!r}")
    assert not wrong, "Placeholders changed:\n" + "\n".join(wrong)


def test_vietnamese_catalogue_translates_the_third_party_strings_only():
    entries = parse_po(po_path("vi"))
    third_party = [e for e in entries if any(r.startswith(THIRD_PARTY_MODULE) for r in e["references"])]
    assert len(third_party) > 100
    missing = [describe(e) for e in third_party if not all(e["msgstr"].values())]
    assert not missing, "Third-party strings without Vietnamese:\n" + "\n".join(missing)
    # The project's own msgids are Vietnamese already: gettext falls back to them.
    copied = [describe(e) for e in entries if e not in third_party and any(e["msgstr"].values())]
    assert not copied, "Project msgids translated in locale/vi:\n" + "\n".join(copied)


@pytest.mark.parametrize("language", ["en", "vi"])
def test_compiled_catalogue_matches_its_source(language):
    """The .mo files are committed: they must be recompiled (compilemessages) after every edit."""
    mo = po_path(language).with_suffix(".mo")
    assert mo.exists() and mo.stat().st_size > 0
    with mo.open("rb") as handle:
        catalogue = gettext_module.GNUTranslations(handle)
    stale = []
    for entry in parse_po(po_path(language)):
        if not all(entry["msgstr"].values()) or entry["msgctxt"]:
            continue
        if entry["msgid_plural"] is None:
            compiled = catalogue.gettext(entry["msgid"])
        else:
            compiled = catalogue.ngettext(entry["msgid"], entry["msgid_plural"], 1)
        if compiled != entry["msgstr"][0]:
            stale.append(describe(entry))
    message = f"locale/{language}: the .mo is older than the .po; run compilemessages:\n"
    assert not stale, message + "\n".join(stale)


def test_third_party_strings_read_in_vietnamese():
    with translation.override("vi"):
        assert translation.gettext("%s (descending)") == "%s (giảm dần)"
        assert translation.gettext("Null characters are not allowed.") == "Không được chứa ký tự rỗng (null)."
        assert translation.gettext("CSRF verification failed. Request aborted.").startswith("Kiểm tra")
        assert translation.gettext("Enter a whole number.") == "Nhập một số nguyên."
    with translation.override("en"):
        assert translation.gettext("%s (descending)") == "%s (descending)"


@pytest.fixture
def viewer(db):
    unit = make_unit("Tỉnh ủy Thái Nguyên", unit_type=UnitType.PROVINCE, code="TN")
    user = UserFactory()
    MembershipFactory(user=user, unit=unit, role=Role.VIEWER)
    return user


def test_model_list_is_in_vietnamese_by_default(client, viewer):
    client.force_login(viewer)
    page = client.get(reverse("registry:registration_list")).content.decode()
    assert "Danh sách mô hình" in page
    assert '<html lang="vi">' in page
    # django-filter's ordering choices, translated by the project's catalogue
    assert "(giảm dần)" in page
    assert "(descending)" not in page


def test_switching_to_english_translates_the_model_list(client, viewer):
    client.force_login(viewer)
    list_url = reverse("registry:registration_list")
    response = client.post(reverse("set_language"), {"language": "en", "next": list_url})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get(list_url).content.decode()
    assert "List of models" in page
    assert "Danh sách mô hình" not in page
    # and back
    client.post(reverse("set_language"), {"language": "vi", "next": list_url})
    assert "Danh sách mô hình" in client.get(list_url).content.decode()


def test_language_cookie_alone_selects_english(client, viewer):
    client.force_login(viewer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("registry:home")).content.decode()
    assert "Log out" in page
    assert "Đăng xuất" not in page


def test_ordering_labels_follow_the_language(client, viewer):
    client.force_login(viewer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("registry:registration_list")).content.decode()
    assert "Year (descending)" in page


def test_english_menu_names_the_lists_and_an_imported_row_is_updated_not_an_editor(client, viewer):
    from intake.models import RowAction

    client.force_login(viewer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("registry:home")).content.decode()
    assert f'href="{reverse("registry:registration_list")}">Models</a>' in page
    assert f'href="{reverse("registry:unit_list")}">Units</a>' in page
    with translation.override("en"):
        assert str(RowAction.UPDATE.label) == "Update"
        assert str(Role.EDITOR.label) == "Editor"


def test_english_counts_agree_with_their_number_and_a_return_button_asks_for_the_step():
    from registry.choices import ReviewAction
    from registry.views.review import MESSAGES

    with translation.override("en"):
        assert MESSAGES[ReviewAction.SUBMIT] % {"count": 1} == "Submitted 1 model for review."
        assert MESSAGES[ReviewAction.ACCEPT] % {"count": 3} == "Accepted 3 models."
        assert translation.pgettext("review action", "Trả lại để bổ sung") == "Return for completion"
        assert str(ReviewAction.RETURN.label) == "Returned for completion"  # the step, as history names it
    with translation.override("vi"):
        assert MESSAGES[ReviewAction.SUBMIT] % {"count": 1} == "Đã gửi 1 mô hình lên cấp xét duyệt."
