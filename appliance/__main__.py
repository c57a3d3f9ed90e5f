"""``python -m appliance`` runs the ``smsrelay`` command line."""

from appliance.cli import main

main()
