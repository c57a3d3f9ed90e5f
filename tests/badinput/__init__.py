"""The bad-input catalogue (issue 14): every case of ``cases`` run against the real component,
and ``docs/bad-input.md`` generated from the same table (``BADINPUT_WRITE=1``)."""
