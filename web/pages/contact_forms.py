"""The contact pages' forms (Flask-WTF): what each accepts, and the words of each refusal, shown
next to its field.

A number typed by a person goes through ``appliance.numbers.normalise`` in the configured region,
like the compose form's and the CSV import's: "06 12 34 56 78" is the contact "+33612345678".
A contact is a person, so a short code is refused. Tags typed in one field are split as a CSV
cell's are ("Sport, Culture" is two tags).
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, Optional, ValidationError

from appliance.contacts import cells
from appliance.numbers import InvalidRecipient, normalise
from appliance.status import N_
from appliance.store.contacts import tag_key
from web.reasons import reason_words
from web.services import services

# The languages the appliance writes in (``cells.language``), as the select offers them. A plain
# field and a select in the template: choices as tuples are deprecated in WTForms 3.3, and
# SelectChoice does not exist before it.
LANGUAGES = {"": "—", "fr": N_("French (fr)"), "en": N_("English (en)")}  # msgids
NAME = 128  # the columns' lengths (appliance.store.contact_schema)
TAG = 64


def person_number(text: str, region: str) -> str:
    """``text`` as a contact's number (E.164); raises ValidationError with the words to show."""
    text = (text or "").strip()
    if not text:
        raise ValidationError(
            _("Type the number (without '+', it is read as a number of %(region)s).", region=region)
        )
    try:
        number = normalise(text, region)
    except InvalidRecipient as error:
        why = _(
            "%(text)r is not a valid number for %(region)s: %(why)s.",
            text=text,
            region=region,
            why=reason_words(error.why),
        )
        raise ValidationError(why) from None
    if not number.startswith("+"):
        raise ValidationError(_("%(text)r is a short code, not a person's number.", text=text))
    return number


def typed_tags(text: str) -> list[str]:
    """The tags of one field; raises ValidationError for one too long to keep."""
    found = cells.tags(text or "")
    for tag in found:
        if len(tag) > TAG or len(tag_key(tag)) > TAG:
            raise ValidationError(
                _("the tag %(tag)r… is longer than %(max)s characters", tag=tag[:20], max=TAG)
            )
    return found


class ContactForm(FlaskForm):
    """Names and language of a contact (its page's edit form)."""

    first_name = StringField(_l("First name"), [Optional(), Length(max=NAME)])
    last_name = StringField(_l("Last name"), [Optional(), Length(max=NAME)])
    language = StringField(
        _l("Language"),
        [AnyOf(list(LANGUAGES), message=_l("Choose fr or en (or nothing)."))],
        filters=[lambda value: value or ""],
    )

    def values(self) -> dict[str, str | None]:
        return {
            "first_name": (self.first_name.data or "").strip() or None,
            "last_name": (self.last_name.data or "").strip() or None,
            "language": self.language.data or None,
        }


class NewContactForm(ContactForm):
    """A contact added by hand: its number, and the proof of the person's consent."""

    number = StringField(_l("Number"))
    tags = StringField(_l("Tags (separated by commas)"))
    proof = TextAreaField(
        _l("Proof of consent"),
        [DataRequired(_l("Say how the person agreed (e.g. 'paper form 2026-11-30').")),
         Length(max=500)],
    )  # fmt: skip

    e164: str | None = None

    def validate_number(self, field: StringField) -> None:
        self.e164 = person_number(field.data, services().config.region)

    def validate_tags(self, field: StringField) -> None:
        typed_tags(field.data)


class TagForm(FlaskForm):
    """Tags to put on a contact."""

    tag = StringField(_l("Add tags"), [DataRequired(_l("Type a tag."))])

    def validate_tag(self, field: StringField) -> None:
        if not typed_tags(field.data):
            raise ValidationError(_("Type a tag."))


class UploadForm(FlaskForm):
    """The first step of an import: the file."""

    file = FileField(_l("CSV file"), [FileRequired(_l("Choose a CSV file to import."))])


class ImportForm(FlaskForm):
    """The second step: import the previewed file, all of it, or only its good rows."""

    partial = BooleanField(_l("Keep the good rows (the refused ones go to a report)"))
