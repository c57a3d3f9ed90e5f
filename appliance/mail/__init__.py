"""Email to SMS and SMS to email (issue 16), as every appliance of its kind does.

- **SMS to email** (``forwarding``): received messages mailed to ``[mail] to`` through
  ``[smtp]``, "SMS from +33612345678" in the subject; all of them, or only replies to what the
  appliance sent (``[mail] forward``).
- **Email to SMS** (``listener``): a reply from an address of ``[mail] allowed_senders``, taken
  by a local SMTP listener (``[mail] listen``, 127.0.0.1) or read from an IMAP folder
  (``imap_poll``, ``[imap]``), goes back as an SMS to the number in
  its subject (``subject``), its quoted text and signature cut (``reply_text``), through the
  normal admission path (consent included); other mail is refused and bounced with the reason.
- ``outgoing``: one email through ``[smtp]``, for these and for the alerts.
"""
