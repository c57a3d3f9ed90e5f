"""The panel's pages: one Flask blueprint per group of pages, each in its own module.

- ``login``: /login, /logout, /setup (blueprint ``auth``), and the gate that sends every other
  page to them until someone is logged in
- ``modems``: / and /fragments/modems, the modem cards and why nothing moves
- ``queue``: /queue, and the Cancel and Retry of any message
- ``history``: /history, the search over every message; ``message``: /messages/<id>, one
  message's parts, attempts, delivery reports and conversation
- ``inbox``: /inbox, the SMS that came in
- ``compose``: /compose and its counter /count
- ``contacts``: /contacts, the contact base: list and search, tags, a contact's page and its
  edits (forms in ``contact_forms``); ``imports``: /contacts/import, a CSV file previewed then
  imported (the upload kept between the two steps by ``kept_uploads``); ``conversation``:
  /conversation/<number>, one number's timeline
- ``campaigns``: /campaigns, the list, a new campaign with its live preview, a campaign's page
  (statistics, charts, replies) and its export; ``campaign_actions``: its moves (start, pause,
  resume, cancel, edit, correct, follow up) and codes; ``campaign_events``: /campaigns/events,
  an events file previewed as a schedule then imported; forms in ``campaign_forms``
- ``admin``: /admin, users and API tokens; ``limits``: /admin/limits, where each user and token
  may send and a token's daily quota (``appliance.limits``)
- ``language``: /language, the user's own choice of the panel's language
- ``webhooks``: /admin/webhooks, the admin's webhooks and their delivery logs
- ``errors``: the error pages (403, 404...) in the reader's language
- ``common``: what they share (the id bound of URL rules, role checks, template helpers)

The pages are thin: the logic they show lives in ``appliance`` (``status``, ``intake``,
``history``, ``accounts``, ``webhooks``, ``contacts``) and is tested without Flask.
"""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Put every page group on ``app``, behind the login gate."""
    from . import (
        admin,
        campaign_actions,
        campaign_events,
        campaigns,
        common,
        compose,
        contacts,
        conversation,
        errors,
        history,
        imports,
        inbox,
        language,
        limits,
        login,
        message,
        modems,
        queue,
        webhooks,
    )

    app.jinja_env.globals.update(common.TEMPLATE_GLOBALS)
    groups = (login, modems, queue, history, message, inbox, compose, contacts, imports,
              conversation, campaigns, campaign_actions, campaign_events)  # fmt: skip
    for module in (*groups, admin, limits, webhooks, language):
        app.register_blueprint(module.bp)
    login.install(app)
    errors.install(app)
