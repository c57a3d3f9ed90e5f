"""The contact pages (/contacts): the list with its search, the tags, a contact's page and its
edits, adding one by hand, recording an opt-out, erasing.

Who may do what: everyone logged in sees and searches the base and may record an opt-out (STOP
always works, whoever takes the call). Changing the base, what campaigns will send to, is for
admins: adding a contact (a consent record on a proof), editing names, language and tags,
erasing (the import is ``imports``). The rules (consent, tags by key) are the store's; these
views parse forms, show refusals next to their fields (400) and never half-write: each change
is one store transaction.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.validators import ValidationError

from appliance.numbers import InvalidRecipient, normalise
from appliance.store import ErasureRefused
from appliance.store.contacts import ContactRecord, ContactValues
from web.reasons import reason_words
from web.services import services

from .common import now, page_arg, page_group, role_required
from .contact_forms import (
    LANGUAGES,
    ContactForm,
    NewContactForm,
    TagForm,
    person_number,
    typed_tags,
)

bp = page_group("contacts", __name__)
bp.add_app_template_global(
    lambda: {code: _(name) if code else name for code, name in LANGUAGES.items()}, "languages"
)

PAGE_SIZE = 50
NUMBER = "string(maxlength=32)"  # a number in a URL: as kept (E.164, a short code, a sender)
_NUMBER_LIKE = re.compile(r"[+\d\s.\-()/]+")


@bp.app_template_global()
def field_kind(value: object) -> str:
    """A free field's kind as the store typed it: date, number or text."""
    if isinstance(value, date):
        return "date"
    return "number" if isinstance(value, int | float) else "text"


@bp.app_template_global()
def field_text(value: object) -> str:
    """A free field's value as people read it (12.0 is "12")."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value.isoformat() if isinstance(value, date) else str(value)


def _searched(text: str) -> str:
    """What to look for in names and numbers: a whole number typed any way is its E.164 form;
    a piece of one loses its separators and the national leading 0 ("06 12" finds "+33612...")."""
    if not _NUMBER_LIKE.fullmatch(text):
        return text
    try:
        number = normalise(text, services().config.region)
        if number.startswith("+"):
            return number
    except InvalidRecipient:
        pass
    digits = re.sub(r"[^\d+]", "", text)
    return digits[1:] if digits.startswith("0") and not digits.startswith("00") else digits


def _contact(number: str) -> ContactRecord:
    found = services().store.contact(number)
    if found is None:
        abort(404)
    return found


def _detail(contact: ContactRecord, status: int = 200, **forms: Any) -> Any:
    edit = forms.get("edit") or ContactForm(
        formdata=None,
        first_name=contact.first_name,
        last_name=contact.last_name,
        language=contact.language or "",
    )
    tag_form = forms.get("tag_form") or TagForm(formdata=None)
    return render_template("contact.html", c=contact, edit=edit, tag_form=tag_form), status


# --- the list and the tags -----------------------------------------------------------------------


@bp.route("/contacts")
@role_required("volunteer")
def index() -> Any:
    q = request.args.get("q", "").strip()[:100]
    tag = request.args.get("tag", "").strip()[:64]
    after = page_arg("after")
    found = services().store.find_contacts(
        _searched(q) if q else None, tag or None, limit=PAGE_SIZE + 1, cursor=after
    )
    more = len(found) > PAGE_SIZE
    rows = found[:PAGE_SIZE]
    kept = {k: v for k, v in (("q", q), ("tag", tag)) if v}
    return render_template(
        "contacts.html",
        rows=rows,
        q=q,
        tag=tag,
        kept=kept,
        paged=after is not None,
        next_after=rows[-1].id if more else None,
    )


@bp.route("/contacts/tags")
@role_required("volunteer")
def tags() -> Any:
    return render_template("contact_tags.html", tags=services().store.tag_counts())


# --- adding one by hand --------------------------------------------------------------------------


@bp.route("/contacts/new", methods=["GET", "POST"])
@role_required("admin")
def new() -> Any:
    form = NewContactForm()
    if request.method == "GET":
        form.number.data = request.args.get("number", "")[:64]
        return render_template("contact_new.html", form=form)
    if not form.validate():
        return render_template("contact_new.html", form=form), 400
    values = ContactValues(number=form.e164, tags=tuple(typed_tags(form.tags.data)),
                           **form.values())  # fmt: skip
    added = services().store.add_contact(
        values, now=now(), source="panel", proof=form.proof.data.strip()
    )
    if not added:
        form.number.errors = [
            _("%(number)s is already a contact: change it on its page.", number=form.e164)
        ]
        return render_template("contact_new.html", form=form, existing=form.e164), 400
    flash(
        _(
            "Contact %(number)s added, opted in on: %(proof)s.",
            number=form.e164,
            proof=form.proof.data.strip(),
        ),
        "ok",
    )
    return redirect(url_for("contacts.detail", number=form.e164), 303)


# --- one contact ---------------------------------------------------------------------------------


@bp.route(f"/contacts/<{NUMBER}:number>")
@role_required("volunteer")
def detail(number: str) -> Any:
    return _detail(_contact(number))


@bp.route(f"/contacts/<{NUMBER}:number>/edit", methods=["POST"])
@role_required("admin")
def edit(number: str) -> Any:
    contact = _contact(number)
    form = ContactForm()
    if not form.validate():
        return _detail(contact, 400, edit=form)
    if not services().store.edit_contact(number, now=now(), **form.values()):
        abort(404)  # erased meanwhile
    flash(_("Names and language saved."), "ok")
    return redirect(url_for("contacts.detail", number=number), 303)


@bp.route(f"/contacts/<{NUMBER}:number>/tags", methods=["POST"])
@role_required("admin")
def add_tags(number: str) -> Any:
    contact = _contact(number)
    form = TagForm()
    if not form.validate():
        return _detail(contact, 400, tag_form=form)
    added = [t for t in typed_tags(form.tag.data) if services().store.tag_contacts([number], t)]
    flash(
        _("Tagged %(tags)s.", tags=", ".join(added)) if added else _("It already had those tags."),
        "ok",
    )
    return redirect(url_for("contacts.detail", number=number), 303)


@bp.route(f"/contacts/<{NUMBER}:number>/untag", methods=["POST"])
@role_required("admin")
def untag(number: str) -> Any:
    _contact(number)
    tag = request.form.get("tag", "")
    by = f"panel ({current_user.name})"
    if services().store.remove_tag(number, tag, now=now(), detail=by):
        flash(_("Tag %(tag)s removed.", tag=tag), "ok")
    return redirect(url_for("contacts.detail", number=number), 303)


@bp.route(f"/contacts/<{NUMBER}:number>/opt-out", methods=["POST"])
@role_required("volunteer")
def opt_out(number: str) -> Any:
    """Record that the person asked for nothing more (a call, a letter): a contact, or any
    person's number (a stranger is kept as opted out, so a later import cannot opt them in)."""
    config = services().config
    if services().store.contact(number) is None:
        try:
            if person_number(number, config.region) != number:
                abort(404)
        except ValidationError:
            abort(404)
    done = services().store.opt_out(
        number, now=now(), how="panel", keep_strict=config.consent.transactional_after_stop
    )
    if done:
        flash(_("%(number)s is opted out: its queued messages are cancelled and nothing more "
                "will be sent to it.", number=number), "ok")  # fmt: skip
    else:
        flash(
            _("%(number)s had already opted out; the first opt-out is kept.", number=number), "ok"
        )
    return redirect(url_for("contacts.detail", number=number), 303)


@bp.route(f"/contacts/<{NUMBER}:number>/erase", methods=["GET", "POST"])
@role_required("admin")
def erase(number: str) -> Any:
    """A page that says what erasing does, then the erasure (a POST from that page)."""
    contact = _contact(number)
    if request.method == "GET":
        return render_template("contact_erase.html", c=contact)
    if request.form.get("confirm") != number:
        flash(_("Confirm the erasure on this page."), "error")
        return render_template("contact_erase.html", c=contact), 400
    try:
        erased = services().store.erase_contact(number)
    except ErasureRefused as exc:  # a message to it is on the air: nothing was erased
        flash(reason_words(str(exc)), "error")
        return render_template("contact_erase.html", c=contact), 409
    if erased is None:
        abort(404)
    flash(
        _(
            "%(number)s erased by %(user)s: the contact, %(tags)s tag(s), %(fields)s free "
            "field(s), %(messages)s message(s) made anonymous, %(inbound)s received message(s) "
            "and %(events)s event(s) deleted.",
            number=number,
            user=current_user.name,
            tags=erased.tags,
            fields=erased.fields,
            messages=erased.messages,
            inbound=erased.inbound,
            events=erased.events,
        ),
        "ok",
    )
    return redirect(url_for("contacts.index"), 303)
