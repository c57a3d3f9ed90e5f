"""The campaign pages' forms (Flask-WTF): what each field carries to ``appliance.campaigning``.

The forms check little themselves: which inputs a campaign accepts (a template that compiles,
a send time not past, a window that ends after it starts, reply words...) is decided once, by
``operations``, for the CLI, the API and the panel alike. Its ``CampaignInputError`` names a
field; ``show_error`` puts the words next to that field of the form (or above the form when
the field is not one of it). What the forms do themselves is turn two or three inputs into the
one value ``operations`` takes: the field filter typed as a name and a value ("Ville" =
"Lyon" is ``Ville=Lyon``), tags typed in one box ("Don du sang, Lyon") split as a CSV cell's.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, IntegerField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from appliance.campaigning.operations import CampaignInputError
from appliance.store.campaign_schema import Campaign
from appliance.store.contacts import tag_key
from appliance.store.schema import MessageKind
from web.reasons import reason_words

from .contact_forms import typed_tags

KINDS = {MessageKind.CAMPAIGN: "campaign", MessageKind.REMINDER: "reminder"}
# where a field named by ``CampaignInputError`` is shown when the form calls it otherwise
FIELD_OF = {"tag": "tags", "field": "field_name"}
MAX_TEXT = 5000  # characters of a text (max_parts x 160 is far below)


def _default(name: str) -> str:
    """A reply rule's default, as the campaign table keeps it (shown prefilled in the form)."""
    return str(Campaign.model_fields[name].default)


def show_error(form: FlaskForm, error: CampaignInputError) -> None:
    """Put ``error`` next to its field in ``form``, else among the form's own errors."""
    name = FIELD_OF.get(error.field, error.field)
    field = getattr(form, name, None) if name != "meta" else None
    if field is not None and hasattr(field, "errors"):
        field.errors = [*list(field.errors), reason_words(error.why)]
    else:
        form.form_errors.append(f"{error.field}: {reason_words(error.why)}")


def _text(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


class CampaignForm(FlaskForm):
    """A new campaign: its text, its audience, when it goes, and what its replies do."""

    name = StringField(_l("Name"), [Length(max=128)])
    text = TextAreaField(_l("Text"), [Length(max=MAX_TEXT)])
    tags = StringField(_l("Tags (a contact with any of them; none: every opted-in contact)"))
    field_name = StringField(_l("Free field"), [Length(max=64)])
    field_value = StringField(_l("equals"), [Optional(), Length(max=200)])
    kind = StringField(_l("Kind"), default=MessageKind.CAMPAIGN)
    send_at = StringField(_l("Send at (empty: when started)"))
    window = StringField(_l("Send window (e.g. 18:00-20:00)"), [Optional(), Length(max=20)])
    window_days = IntegerField(
        _l("over days"), [Optional(), NumberRange(1, 31, _l("Between 1 and 31 days."))], default=1
    )
    confirm_words = StringField(
        _l("Words that confirm"), [Length(max=200)], default=_default("confirm_words")
    )
    decline_words = StringField(
        _l("Words that decline"), [Length(max=200)], default=_default("decline_words")
    )
    confirm_tag = StringField(
        _l("Tag a confirmation gives"), [Length(max=64)], default=_default("confirm_tag")
    )
    confirm_reply = StringField(_l("Automatic reply to a confirmation"), [Length(max=500)])
    decline_reply = StringField(_l("Automatic reply to a decline"), [Length(max=500)])

    def validate_tags(self, field: StringField) -> None:
        typed_tags(field.data)

    def validate_field_name(self, field: StringField) -> None:
        if "=" in (field.data or ""):
            raise ValidationError(_("A field's name has no '='."))
        if not _text(field.data) and _text(self.field_value.data):
            raise ValidationError(_("Name the free field the value is for."))

    def tag_list(self) -> list[str]:
        try:
            return typed_tags(self.tags.data or "")
        except ValidationError:
            return []

    def field_filter(self) -> str | None:
        name = _text(self.field_name.data)
        return f"{name}={(self.field_value.data or '').strip()}" if name else None

    def create_args(self) -> dict[str, Any]:
        """The keyword arguments of ``operations.create``."""
        replies = {
            key: _text(getattr(self, key).data)
            for key in ("confirm_words", "decline_words", "confirm_tag", "confirm_reply",
                        "decline_reply")
        }  # fmt: skip
        return {
            "name": self.name.data or "",
            "text": self.text.data or "",
            "tags": self.tag_list(),
            "field": self.field_filter(),
            "kind": self.kind.data or MessageKind.CAMPAIGN,
            "send_at": _text(self.send_at.data),
            "window": _text(self.window.data),
            "window_days": self.window_days.data or 1,
            "replies": replies,
        }

    def draft(self) -> Campaign:
        """The campaign as typed so far, not saved: only its audience and text, which is what
        ``operations.preview`` reads (the live preview before it exists)."""
        name = _text(self.field_name.data)
        keys = [key for key in dict.fromkeys(tag_key(t) for t in self.tag_list()) if key]
        return Campaign(
            name=_text(self.name.data) or "(new campaign)",
            template=self.text.data or "",
            tags=",".join(keys),
            field_name=name,
            field_value=(self.field_value.data or "").strip() if name else None,
        )


class TextForm(FlaskForm):
    """A new text for a campaign (edit what is queued) or a correction's text."""

    text = TextAreaField(_l("Text"), [Length(max=MAX_TEXT)])


class FollowUpForm(FlaskForm):
    """A follow-up: a new campaign to the people who have not answered after ``days`` days."""

    text = TextAreaField(_l("Text"), [Length(max=MAX_TEXT)])
    days = IntegerField(
        _l("After days"), [InputRequired(_l("Say after how many days."))], default=3
    )
    name = StringField(_l("Name of the follow-up"), [Optional(), Length(max=128)])


class CodeForm(FlaskForm):
    """A code typed at a desk, to look up or redeem."""

    class Meta:
        csrf = False  # the lookup is a GET; the redeem's POST is checked by CSRFProtect

    code = StringField(_l("Code"), [Length(max=32)])


class EventsForm(FlaskForm):
    """An events campaign's settings for an import of its file: empty keeps what the campaign
    has (a first import needs an invitation or a reminder text)."""

    campaign = StringField(_l("Events campaign (a new name, or one imported before)"),
                           [Length(max=128)])  # fmt: skip
    invitation = TextAreaField(_l("Invitation text"), [Length(max=MAX_TEXT)])
    reminder = TextAreaField(_l("Reminder text"), [Length(max=MAX_TEXT)])
    correction = TextAreaField(_l("Correction text"), [Length(max=MAX_TEXT)])
    tags = StringField(_l("Tags (a contact with any of them; none: every opted-in contact)"))
    area_field = StringField(_l("Contacts' free field holding their area"), [Length(max=64)])
    invitation_days = IntegerField(_l("Invitation, days before"), [Optional(), NumberRange(0, 365)])
    invitation_at = StringField(_l("Invitation time"), [Length(max=5)])
    reminder_days = IntegerField(_l("Reminder, days before"), [Optional(), NumberRange(0, 365)])
    reminder_at = StringField(_l("Reminder time"), [Length(max=5)])
    partial = BooleanField(_l("Keep the good rows (the refused ones are left out)"))

    def validate_tags(self, field: StringField) -> None:
        typed_tags(field.data)

    def import_args(self) -> dict[str, Any]:
        """The keyword arguments of ``events_import.import_events`` (but the data and dry run)."""
        return {
            "campaign": (self.campaign.data or "").strip(),
            "invitation": _text(self.invitation.data),
            "reminder": _text(self.reminder.data),
            "correction": _text(self.correction.data),
            "tags": typed_tags(self.tags.data or ""),
            "area_field": _text(self.area_field.data),
            "invitation_days": self.invitation_days.data,
            "invitation_at": _text(self.invitation_at.data),
            "reminder_days": self.reminder_days.data,
            "reminder_at": _text(self.reminder_at.data),
            "partial": bool(self.partial.data),
        }

    def fill_from(self, campaign: Campaign) -> None:
        """Prefilled with an events campaign's settings (to import its edited file again)."""
        self.campaign.data = campaign.name
        self.invitation.data = campaign.template or ""
        self.reminder.data = campaign.reminder_template or ""
        self.correction.data = campaign.correction_template or ""
        self.area_field.data = campaign.area_field or ""
        self.invitation_days.data = campaign.invitation_days
        self.invitation_at.data = campaign.invitation_at
        self.reminder_days.data = campaign.reminder_days
        self.reminder_at.data = campaign.reminder_at


class EventsUploadForm(EventsForm):
    """The first step of an events import: the file, with the settings."""

    file = FileField(_l("Events file (CSV)"), [FileRequired(_l("Choose an events file."))])
