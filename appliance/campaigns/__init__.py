"""Campaigns: invitations and reminders from events files, templates, schedules (issue 12).

Campaign work is built on top of the store (contacts, consent, messages) and the queue: a
campaign expands into ordinary queued messages, each marked with its source (``campaign``,
``reminder``, ``reply``, ``correction``), priority and due time. The dispatcher knows nothing of
campaigns beyond those three things, so nothing here is needed to send a message.

What lives where:

- ``events_file``: an events CSV read by line and column; ``schedule``: the messages it makes,
  DST-safe, with a stable step key and a diff for re-imports.
- ``templates``: the personalised text (``{first_name}``, ``{event.date}``...) compiled once,
  rendered per contact in a sandbox, with dates in the contact's language.
- ``previews``: a template tried on contacts: each text with its exact encoding and parts, the
  problems that stop it (naming the placeholder and the contact) and the costly texts.
- ``local_dates``: dates, times and numbers in the contact's language (Babel), cached.

These are pure: no database, no Flask, no click.
"""
