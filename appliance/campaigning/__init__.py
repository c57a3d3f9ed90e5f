"""Running campaigns (issue 12): the moves people make on a campaign, the same from the CLI, the
API and the panel, on top of the pure ``appliance.campaigns`` (templates, events files,
schedules) and the store.

- ``operations``: create, preview, start (now, at a time, or spread in a send window), pause,
  resume, cancel, edit the text still queued, correct to those already told, follow up those who
  did not answer; the errors the front ends turn into exit codes and HTTP statuses;
- ``events_import``: an events file imported (and imported again, edited) into an events
  campaign's invitations, reminders, moves, cancellations and corrections;
- ``dated``: a campaign on each contact's own date (a date field plus N days, or yearly);
- ``replies``: a campaign's reply rules (OUI / NON / free text) applied to what comes back;
- ``results``: statistics, the funnel, activity over time, the CSV export, codes.
"""
