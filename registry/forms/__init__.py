"""Forms of the registry. Every choice list is restricted to the user's scope."""

import datetime

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.formats import get_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .. import formats, rules, services
from ..choices import AttachmentKind, DecisionKind, Evaluation, Kind, Level, RegistrationStatus
from ..models import Attachment, AwardForm, Decision, Field, Initiative, Registration, Unit
from ..querysets import CHANGE, MANAGE, VIEW
from ..text import clean_text, shorten_filename
from ..widgets import Autocomplete, AutocompleteMultiple

# How every date field shows its date, in either language.
DISPLAY_DATE = "%d/%m/%Y"


def parse_date(text):
    """Return the date ``text`` holds in one of the accepted input formats, or None."""
    for pattern in get_format("DATE_INPUT_FORMATS"):
        try:
            return datetime.datetime.strptime(text.strip(), pattern).date()
        except (ValueError, TypeError):
            continue
    return None


class DateInput(forms.DateInput):
    """The one date input of every form: typed as dd/mm/yyyy, whatever language the browser speaks.

    The policy, the same in both languages: a date field reads dd/mm/yyyy (also with "-" or
    ".") and yyyy-mm-dd, the ISO dates of links and of a browser's date picker
    (``DATE_INPUT_FORMATS`` in ``danvan/formats``), and always shows dd/mm/yyyy, a value sent
    back as ISO too. The browser's own date picker shows mm/dd/yyyy on the many office PCs with
    an English browser, which Vietnamese users misread; a plain text field with the expected
    pattern does not.
    """

    def __init__(self, attrs=None):
        attrs = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off", **(attrs or {})}
        super().__init__(attrs, format=DISPLAY_DATE)

    def format_value(self, value):
        if isinstance(value, str):
            value = parse_date(value) or value
        return super().format_value(value)


def add_errors(form, error):
    """Put a ``ValidationError`` of the rules or the services on the form's fields (others on the form)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


class CleanTextMixin:
    """Strip invisible, bidirectional-control and control characters from every text field.

    ``text.clean_text``, the import's too: a name that looks the same is stored the same. A
    required text left empty by the cleaning is refused as empty.
    """

    def _clean_fields(self):
        super()._clean_fields()
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            if not isinstance(field, forms.CharField) or not isinstance(value, str):
                continue
            if isinstance(field.widget, forms.HiddenInput | forms.PasswordInput):
                continue
            cleaned = clean_text(value, multiline=isinstance(field.widget, forms.Textarea))
            if field.required and not cleaned:
                del self.cleaned_data[name]
                self.add_error(name, field.error_messages["required"])
            else:
                self.cleaned_data[name] = cleaned


class VersionMixin:
    """An edit form that carries the version of the record it showed (``services.version_of``).

    The service refuses the save when the record changed since (``services.EditConflict``).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"] = forms.CharField(
                required=False,
                widget=forms.HiddenInput,
                initial=services.version_of(self.instance),
            )

    @property
    def version(self):
        """The version the form was opened at; None for a form that does not say it."""
        if "version" not in self.fields:
            return None
        return self.data.get(self.add_prefix("version"))


class OnceMixin:
    """A create form that carries a one-time token: sent twice, it creates one record."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["token"] = forms.CharField(
                required=False, widget=forms.HiddenInput, initial=services.new_token
            )

    @property
    def token(self):
        return services.valid_token(self.data.get(self.add_prefix("token")))


def limit_long_texts(form):
    """Give the form's text areas without a length of their own the rules' length limit."""
    for field in form.fields.values():
        if isinstance(field, forms.CharField) and field.max_length is None:
            field.max_length = rules.LONG_TEXT_MAX_LENGTH
            field.validators.append(MaxLengthValidator(rules.LONG_TEXT_MAX_LENGTH))
            field.widget.attrs.setdefault("maxlength", str(rules.LONG_TEXT_MAX_LENGTH))


class YearField(forms.IntegerField):
    """A registration year, within the rules' range (also given to the browser)."""

    def __init__(self, **kwargs):
        super().__init__(validators=[rules.YearValidator()], **kwargs)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "min": rules.FIRST_YEAR, "max": rules.LAST_YEAR}


class WholeNumberField(forms.IntegerField):
    """A count or an amount typed as people write it: 1200, 1.200 or 129.000.000 (``formats.parse_whole``).

    A text box, not the browser's number box, which reads "1.200" as one point two; the stored
    value shows grouped again.
    """

    widget = forms.TextInput
    default_error_messages = {
        "invalid": _("Hãy ghi một số nguyên, ví dụ 1200 hoặc 1.200 (không ghi chữ, không ghi phần lẻ)."),
    }

    def __init__(self, **kwargs):
        super().__init__(localize=True, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return formats.parse_whole(value)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "inputmode": "numeric", "autocomplete": "off"}


def filter_summary(form):
    """Return (label, value as text) for each filter of ``form`` in use: what a printed list says it shows.

    Read from the cleaned values (a bound form that was validated), so a choice is written with
    its label and a unit with its name, without reading any choice list.
    """
    if form is None or not form.is_bound:
        return []
    form.is_valid()  # the invalid fields are left out of ``cleaned_data``
    shown = []
    for name, value in form.cleaned_data.items():
        field = form.fields.get(name)
        if field is None or isinstance(field.widget, forms.HiddenInput) or value in (None, "", [], ()):
            continue
        if isinstance(value, bool):
            text = gettext("Có") if value else gettext("Không")
        elif isinstance(value, datetime.date):
            text = formats.day(value)
        elif isinstance(field, forms.ModelMultipleChoiceField) or isinstance(value, list | tuple):
            labels = dict(field.choices) if not isinstance(field, forms.ModelChoiceField) else {}
            text = "; ".join(str(labels.get(item, item)) for item in value)
        elif isinstance(field, forms.ModelChoiceField):
            text = value.name if isinstance(value, Unit) else field.label_from_instance(value)
        elif isinstance(field, forms.ChoiceField):
            text = str(dict(field.choices).get(value, value))
        else:
            text = str(value)
        shown.append((str(field.label or name), text))
    return shown


def unit_label(unit):
    """Label a unit in a choice list: indented by depth, closed units marked."""
    name = formats.until(unit.name, unit.valid_to) if unit.valid_to else unit.name
    return "\u2003" * max(unit.depth - 1, 0) + name


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return unit_label(obj)


def use_autocomplete(field, kind, action=VIEW):
    """Give a model choice field the widget that stays light when its list is long."""
    widget = AutocompleteMultiple if isinstance(field, forms.ModelMultipleChoiceField) else Autocomplete
    field.widget = widget(kind, action, attrs=field.widget.attrs)
    field.widget.choices = field.choices


class ScopedFormMixin(CleanTextMixin):
    """Take the acting user and restrict the unit choices to what the user may change.

    Every date field gets the range of dates the registry accepts, checked before the form's
    own rules (a date in year 0001 is reported as such, not as outside a registration's year).
    Every text is cleaned (``CleanTextMixin``) and has a length limit.
    """

    unit_action = CHANGE

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.ModelChoiceField) and field.queryset.model is Unit:
                field.queryset = Unit.objects.restrict(user, self.unit_action)
                if isinstance(field, UnitChoiceField) or name in {"unit", "issuing_unit", "parent"}:
                    field.label_from_instance = unit_label
                use_autocomplete(field, "unit", self.unit_action)
            if isinstance(field, forms.DateField):
                field.validators.append(rules.DateRangeValidator(name))
        limit_long_texts(self)


def current_year():
    return timezone.localdate().year


class InitiativeForm(VersionMixin, ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = Initiative
        fields = [
            "name",
            "unit",
            "kind",
            "person_name",
            "person_position",
            "field",
            "grade",
            "start_date",
            "address",
            "situation",
            "objectives",
            "content",
            "scope",
            "forces",
            "resources",
            "outputs",
            "sustainability",
            "replicates",
        ]
        widgets = {
            "start_date": DateInput(),
            **{
                name: forms.Textarea(attrs={"rows": 3})
                for name in [
                    "situation",
                    "objectives",
                    "content",
                    "scope",
                    "forces",
                    "resources",
                    "outputs",
                    "sustainability",
                ]
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].queryset = Field.objects.active()
        replicates = (
            Initiative.objects.restrict(self.user, VIEW).alive().select_related("unit").order_by("name")
        )
        if self.instance.pk:
            replicates = replicates.exclude(pk=self.instance.pk)
        self.fields["replicates"].queryset = replicates
        self.fields["replicates"].label_from_instance = lambda i: f"{i.name} – {i.unit.name}"
        use_autocomplete(self.fields["replicates"], "initiative")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == Kind.COLLECTIVE:
            cleaned["person_name"] = ""
            cleaned["person_position"] = ""
        try:
            rules.check_person(cleaned.get("kind"), cleaned.get("person_name"))
        except ValidationError as error:
            add_errors(self, error)
        return cleaned


# The fields of a registration that its rules read: they are checked once each is valid.
RULE_FIELDS = ("year", "unit", "registered_on", "status", "entered_late")


def check_registration(form, registration):
    """Show on ``form`` the errors ``services.registration_validate`` finds in ``registration``."""
    if any(name in form.errors for name in RULE_FIELDS):
        return
    try:
        services.registration_validate(registration=registration)
    except ValidationError as error:
        add_errors(form, error)


# "Cấp cơ sở" and "Cấp xã" are both offered: say which a commune uses.
LEVEL_HELP = _(
    "Cấp cơ sở: mô hình của chi bộ, đảng bộ cơ sở, thôn, tổ dân phố, cơ quan, đơn vị ở cơ sở. "
    "Cấp xã: mô hình do đảng ủy xã, phường, thị trấn (đặc khu) đăng ký hoặc công nhận ở cấp xã."
)

ENTERED_LATE_HELP = _(
    "Đánh dấu khi nhập hồ sơ của một năm đã qua mà năm liền trước chưa được nhập: "
    "cho phép ghi “Duy trì” dù năm trước chưa có đăng ký trên phần mềm."
)


class InitiativeCreateForm(OnceMixin, InitiativeForm):
    """An initiative together with its first yearly registration."""

    year = YearField(label=_("Năm đăng ký"))
    registered_on = forms.DateField(label=_("Ngày đăng ký"), widget=DateInput())
    level = forms.ChoiceField(
        label=_("Cấp đăng ký"), choices=Level.choices, initial=Level.GRASSROOTS, help_text=LEVEL_HELP
    )
    status = forms.ChoiceField(
        label=_("Hình thức đăng ký"),
        choices=RegistrationStatus.choices,
        initial=RegistrationStatus.NEW,
        help_text=_(
            "Chọn “Duy trì” và đánh dấu “Nhập bổ sung hồ sơ cũ” khi nhập lại mô hình đã có "
            "từ những năm trước."
        ),
    )
    entered_late = forms.BooleanField(
        label=_("Nhập bổ sung hồ sơ cũ"), required=False, help_text=ENTERED_LATE_HELP
    )

    field_order = ["name", "unit", "year", "registered_on", "level", "status", "entered_late"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["year"].initial = today.year
        self.fields["registered_on"].initial = today

    def _post_clean(self):
        super()._post_clean()
        data = self.cleaned_data
        registration = Registration(
            year=data.get("year"),
            unit=data.get("unit"),
            registered_on=data.get("registered_on"),
            status=data.get("status", ""),
            entered_late=data.get("entered_late", False),
        )
        check_registration(self, registration)


class RegistrationForm(OnceMixin, VersionMixin, ScopedFormMixin, forms.ModelForm):
    """A yearly registration: the year, who registers, and later its evaluation."""

    status = forms.ChoiceField(
        label=_("Hình thức đăng ký"),
        choices=[("", _("Tự xác định (duy trì nếu đã đăng ký năm trước)")), *RegistrationStatus.choices],
        required=False,
    )

    class Meta:
        model = Registration
        fields = [
            "year",
            "unit",
            "registered_on",
            "status",
            "entered_late",
            "level",
            "evaluation",
            "evaluated_on",
            "evaluation_note",
            "results",
            "people_reached",
            "money_mobilised",
            "workdays",
        ]
        field_classes = {
            "year": YearField,
            "people_reached": WholeNumberField,
            "money_mobilised": WholeNumberField,
            "workdays": WholeNumberField,
        }
        widgets = {
            "registered_on": DateInput(),
            "evaluated_on": DateInput(),
            "evaluation_note": forms.Textarea(attrs={"rows": 2}),
            "results": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"level": LEVEL_HELP}

    def __init__(self, *args, initiative, **kwargs):
        self.initiative = initiative
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["status"].choices = RegistrationStatus.choices
            self.fields["status"].required = True
        for name in rules.RESULT_LIMITS:
            field = self.fields[name]
            field.validators.append(rules.ResultRangeValidator(name))

    def clean(self):
        cleaned = super().clean()
        year = cleaned.get("year")
        if year:
            taken = Registration.objects.filter(initiative=self.initiative, year=year)
            if self.instance.pk:
                taken = taken.exclude(pk=self.instance.pk)
            if taken.exists():
                message = _("Mô hình này đã được đăng ký năm %(year)s.") % {"year": year}
                if taken.filter(is_deleted=True).exists():
                    message += " " + _("Bản đăng ký đó đang ở mục Đã xóa: hãy khôi phục thay vì đăng ký lại.")
                self.add_error("year", message)
        evaluation = cleaned.get("evaluation")
        if evaluation == Evaluation.PENDING:
            cleaned["evaluated_on"] = None
        elif evaluation and not cleaned.get("evaluated_on"):
            cleaned["evaluated_on"] = timezone.localdate()
        return cleaned

    def _post_clean(self):
        self.instance.initiative = self.initiative
        super()._post_clean()
        check_registration(self, self.instance)


class DecisionForm(OnceMixin, VersionMixin, ScopedFormMixin, forms.ModelForm):
    """A decision; ``registrations`` are those it is to cover when created (else those it covers)."""

    class Meta:
        model = Decision
        fields = [
            "kind",
            "number",
            "symbol",
            "signed_on",
            "issuing_unit",
            "issuer_name",
            "signer_name",
            "level",
            "award_form",
            "title",
            "document",
        ]
        widgets = {"signed_on": DateInput()}
        help_texts = {"level": LEVEL_HELP}

    def __init__(self, *args, registrations=None, **kwargs):
        self.registrations = registrations
        super().__init__(*args, **kwargs)
        self.fields["award_form"].queryset = AwardForm.objects.filter(is_active=True)
        self.fields["award_form"].help_text = _("Chỉ ghi với quyết định khen thưởng.")
        self.fields["document"].help_text = _("Tệp PDF hoặc ảnh, tối đa %(mb)s MB.") % {
            "mb": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)
        }
        accept_long_names(self.fields["document"])

    def clean_number(self):
        return self.cleaned_data["number"].strip()

    def clean_symbol(self):
        return self.cleaned_data["symbol"].strip().replace(" ", "")

    def clean_document(self):
        return clean_document_upload(self.cleaned_data.get("document"))

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == DecisionKind.COMMENDATION and not cleaned.get("award_form"):
            self.add_error("award_form", _("Quyết định khen thưởng phải có hình thức khen thưởng."))
        if kind == DecisionKind.RECOGNITION:
            cleaned["award_form"] = None
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        if "signed_on" in self.errors or "issuing_unit" in self.errors:
            return
        try:
            services.decision_validate(decision=self.instance, registrations=self.registrations)
        except ValidationError as error:
            add_errors(self, error)


# Allowed uploads: extension → the bytes a real file of that type starts with.
PHOTO_SIGNATURES = {
    ".jpg": [b"\xff\xd8\xff"],
    ".jpeg": [b"\xff\xd8\xff"],
    ".png": [b"\x89PNG\r\n\x1a\n"],
    ".webp": [b"RIFF"],
}
DOCUMENT_SIGNATURES = {
    ".pdf": [b"%PDF"],
    ".doc": [b"\xd0\xcf\x11\xe0"],
    ".xls": [b"\xd0\xcf\x11\xe0"],
    ".docx": [b"PK\x03\x04"],
    ".xlsx": [b"PK\x03\x04"],
    ".odt": [b"PK\x03\x04"],
    ".ods": [b"PK\x03\x04"],
}


def check_upload(upload, kind, allow_photos=False):
    """Refuse a file of the wrong type, of a forged type, or over the size limit."""
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("Tệp “%(name)s” nặng %(size)s MB, vượt giới hạn %(limit)s MB."),
            params={
                "name": upload.name,
                "size": f"{upload.size / 1048576:.1f}".replace(".", ","),
                "limit": limit // 1048576,
            },
        )
    allowed = dict(PHOTO_SIGNATURES if kind == AttachmentKind.PHOTO else DOCUMENT_SIGNATURES)
    if allow_photos:
        allowed.update(PHOTO_SIGNATURES)
    name = upload.name.lower()
    extension = name[name.rfind(".") :] if "." in name else ""
    if extension not in allowed:
        raise ValidationError(
            _("Không nhận tệp “%(name)s”: chỉ nhận các loại %(types)s."),
            params={"name": upload.name, "types": ", ".join(sorted(allowed))},
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(signature) for signature in allowed[extension]):
        raise ValidationError(
            _("Tệp “%(name)s” không đúng định dạng %(ext)s (tệp hỏng hoặc đổi đuôi)."),
            params={"name": upload.name, "ext": extension},
        )


# The longest name an uploaded file keeps: its stored path (a folder, the name) must fit the
# column's 100 characters. A longer name is shortened, keeping its extension, not refused.
UPLOAD_NAME_LENGTH = 80


def accept_long_names(field):
    """Let a file field take a file of any name length; ``clean_*`` shortens the name."""
    field.max_length = None


class AttachmentForm(OnceMixin, CleanTextMixin, forms.ModelForm):
    """A photo or document; a long file name is shortened (keeping its extension), not refused."""

    class Meta:
        model = Attachment
        fields = ["kind", "title", "file"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        accept_long_names(self.fields["file"])

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            upload.name = shorten_filename(upload.name, UPLOAD_NAME_LENGTH)
        return upload

    def clean(self):
        cleaned = super().clean()
        upload, kind = cleaned.get("file"), cleaned.get("kind")
        if upload and kind:
            try:
                check_upload(upload, kind)
            except ValidationError as error:
                self.add_error("file", error)
        return cleaned


class UnitForm(OnceMixin, VersionMixin, ScopedFormMixin, forms.ModelForm):
    """A unit's names, type, code and opening day.

    A unit ends, merges, splits or moves only through a reorganisation, which records its
    lineage and hands its models on: its end and its successors are not edited here. A new
    unit may be entered with its end already past, for history (``UnitCreateForm``).
    """

    unit_action = MANAGE

    class Meta:
        model = Unit
        fields = ["name", "short_name", "unit_type", "code", "valid_from"]
        widgets = {"valid_from": DateInput(), "valid_to": DateInput()}


class FieldForm(VersionMixin, CleanTextMixin, forms.ModelForm):
    """A field of the catalogue."""

    class Meta:
        model = Field
        fields = ["name", "standard", "order", "is_active", "reported_apart"]


def clean_document_upload(document):
    """Check a newly uploaded scan of a document (a decision's, a campaign's plan) and shorten its name."""
    if document and hasattr(document, "content_type"):
        check_upload(document, AttachmentKind.DOCUMENT, allow_photos=True)
        document.name = shorten_filename(document.name, UPLOAD_NAME_LENGTH)
    return document
