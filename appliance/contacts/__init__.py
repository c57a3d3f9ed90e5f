"""The organisation's own contact base: reading CSV files (csvfile), more to come.

What lives where:

- ``csvfile``: a contacts file as bytes in, a ``ReadResult`` out (the encoding and delimiter it
  found, one ``ContactRow`` per number with duplicates merged, and every bad row as a
  ``RowError`` naming its line and column); ``preview`` and ``write_csv`` for the way back.
- ``headers``: which column is the number, the names, the language and the tags, from the
  French and English names spreadsheets use, or from an explicit mapping (the CLI's ``--map``).
- ``cells``: one cell's text turned into what it means: a language code, a list of tags, or a
  free field typed as a date, a number or text.
- ``exporting``: the base read back out of the store as CSV (the API's export), without the
  contacts who opted out.

``csvfile``, ``headers`` and ``cells`` are pure functions over bytes and text: no database, no
Flask, no click; ``importing`` and ``exporting`` put them together with the store.
"""
