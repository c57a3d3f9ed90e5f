"""A modem's reasons in the reader's language, by their shape (issue 16).

What the daemon writes on a modem's card (``modem.reason``) and in its last error
(``modem.last_error``): the bring-up (``appliance.worker.connecting``), the health checks
(``appliance.worker.health``), the reset ladder (``appliance.worker.healing``), a SIM's pause
(``appliance.breaker``), a node gone (``appliance.views``), a database in trouble
(``appliance.store.outage``, ``appliance.worker.recording``), a credit query
(``appliance.worker.credit``), and the driver's own errors (``modem.errors``, ``modem.codes``).
They stay English for the API and the CLI; ``web.reasons`` says them again through these
patterns. ``why`` values are reasons translated in turn; a port, a command, a code or the
database driver's own message (``driver``) is kept as it came.
"""

from __future__ import annotations

from appliance.status import N_

# how appliance.breaker.sim_label names a SIM: by its name, by its ICCID's end, or not at all
SIM = r"(?P<sim_label>SIM .+?|the SIM)"
KEPT = "is kept until it can be recorded"
MODEM_REASONS: tuple[tuple[str, str], ...] = (
    # the bring-up (appliance.worker.connecting)
    (r"opening the port and initialising the modem",
     N_("opening the port and initialising the modem")),
    (r"the port is held by another program: (?P<why>.*)",
     N_("the port is held by another program: %(why)s")),
    (r"(?P<port>\S+) is not there \(unplugged\?\)", N_("%(port)s is not there (unplugged?)")),
    (r"(?P<port>\S+) vanished while initialising", N_("%(port)s vanished while initialising")),
    (r"the SIM needs its PIN: set pin for this modem",
     N_("the SIM needs its PIN: set pin for this modem")),
    (r"the SIM refused the configured PIN; it is not retried \(3 wrong PINs block the SIM\): "
     r"correct it in the config",
     N_("the SIM refused the configured PIN; it is not retried (3 wrong PINs block the SIM): "
        "correct it in the config")),
    (r"the SIM is blocked \(PUK needed\): unblock it in a phone with the PUK from the operator",
     N_("the SIM is blocked (PUK needed): unblock it in a phone with the PUK from the operator")),
    (r"no SIM in the modem, or it cannot read it", N_("no SIM in the modem, or it cannot read it")),
    (r"the modem does not answer: (?P<why>.*)", N_("the modem does not answer: %(why)s")),
    (r"initialisation failed: (?P<why>.*)", N_("initialisation failed: %(why)s")),
    (r"modem (?P<imei>\d+) is already driven on another port",
     N_("modem %(imei)s is already driven on another port")),
    # the health checks (appliance.worker.health)
    (r"no SIM in the modem, or it cannot read it \(\+CME ERROR: 10, SIM not inserted\); it is "
     r"looked at again at each poll",
     N_("no SIM in the modem, or it cannot read it (+CME ERROR: 10, SIM not inserted); it is "
        "looked at again at each poll")),
    (r"its radio is off \(\+CFUN: (?P<level>\d+)\); it is switched on and the modem registers "
     r"in a few seconds",
     N_("its radio is off (+CFUN: %(level)s); it is switched on and the modem registers in a "
        "few seconds")),
    (r"not registered and not searching for a network \(\+CREG: 0\): no network takes this SIM "
     r"here, or the modem gave up; it is looked at again every few seconds",
     N_("not registered and not searching for a network (+CREG: 0): no network takes this SIM "
        "here, or the modem gave up; it is looked at again every few seconds")),
    (r"its radio stays off \(\+CFUN: (?P<level>\d+)\) after AT\+CFUN=1, for (?P<seconds>\S+) s: "
     r"a radio switch \(W_DISABLE\), its temperature or supply voltage, or its firmware keeps it "
     r"in low-power mode",
     N_("its radio stays off (+CFUN: %(level)s) after AT+CFUN=1, for %(seconds)s s: a radio "
        "switch (W_DISABLE), its temperature or supply voltage, or its firmware keeps it in "
        "low-power mode")),
    (r"not registered and not searching for a network \(\+CREG: 0\) for (?P<seconds>\S+) s with "
     r"its radio on: no network takes this SIM here, the SIM is badly seated, or the modem gave "
     r"up",
     N_("not registered and not searching for a network (+CREG: 0) for %(seconds)s s with its "
        "radio on: no network takes this SIM here, the SIM is badly seated, or the modem gave "
        "up")),
    # the reset ladder (appliance.worker.healing)
    (r"the modem stopped answering \((?P<why>.*)\); resetting",
     N_("the modem stopped answering (%(why)s); resetting")),
    (r"the modem does not answer even after a reset and a power cycle \((?P<why>.*)\)",
     N_("the modem does not answer even after a reset and a power cycle (%(why)s)")),
    (r"the port vanished \(unplugged\?\): (?P<why>.*)",
     N_("the port vanished (unplugged?): %(why)s")),
    (r"internal error, retrying: (?P<error>.*)", N_("internal error, retrying: %(error)s")),
    # a SIM's pause (appliance.breaker.words)
    (SIM + r" pauses (?P<pause>\S+ (?:s|min)) after (?P<n>\d+) network errors in a row",
     N_("%(sim_label)s pauses %(pause)s after %(n)s network errors in a row")),
    (SIM + r" pauses (?P<pause>\S+ (?:s|min)) after (?P<n>\d+) SIM errors in a row",
     N_("%(sim_label)s pauses %(pause)s after %(n)s SIM errors in a row")),
    (SIM + r" pauses (?P<pause>\S+ (?:s|min)) after (?P<n>\d+) modem errors in a row",
     N_("%(sim_label)s pauses %(pause)s after %(n)s modem errors in a row")),
    (SIM + r" pauses (?P<pause>\S+ (?:s|min)) after (?P<n>\d+) errors in a row",
     N_("%(sim_label)s pauses %(pause)s after %(n)s errors in a row")),
    # a node gone (appliance.views)
    (r"node (?P<node>.+?) was stopped at (?P<when>[\d-]+ [\d:]+) UTC",
     N_("node %(node)s was stopped at %(when)s UTC")),
    (r"node (?P<node>.+?) has not been heard from since (?P<when>[\d-]+ [\d:]+) UTC \(stopped, "
     r"or cut off from the database\)",
     N_("node %(node)s has not been heard from since %(when)s UTC (stopped, or cut off from "
        "the database)")),
    # the database in trouble (appliance.store.outage, appliance.worker.recording)
    (r"the disk is full \((?P<driver>.*)\)", N_("the disk is full (%(driver)s)")),
    (r"the database refuses writes \(read-only\) \((?P<driver>.*)\)",
     N_("the database refuses writes (read-only) (%(driver)s)")),
    (r"the disk refuses writes \(I/O error: read-only or failing\?\) \((?P<driver>.*)\)",
     N_("the disk refuses writes (I/O error: read-only or failing?) (%(driver)s)")),
    (r"the database refuses writes \(a file it needs cannot be created\) \((?P<driver>.*)\)",
     N_("the database refuses writes (a file it needs cannot be created) (%(driver)s)")),
    (r"the database server's disk is full \((?P<driver>.*)\)",
     N_("the database server's disk is full (%(driver)s)")),
    (r"the database server refuses writes \(read-only\) \((?P<driver>.*)\)",
     N_("the database server refuses writes (read-only) (%(driver)s)")),
    (r"the database cannot be reached \((?P<driver>.*)\)",
     N_("the database cannot be reached (%(driver)s)")),
    (r"(?P<why>.*); waiting for it", N_("%(why)s; waiting for it")),
    (r"(?P<why>.*): the outcome of message (?P<id>\d+) " + KEPT,
     N_("%(why)s: the outcome of message %(id)s is kept until it can be recorded")),
    (r"(?P<why>.*): the outcome of message (?P<id>\d+) \(sent\) " + KEPT,
     N_("%(why)s: the outcome of message %(id)s (sent) is kept until it can be recorded")),
    (r"(?P<why>.*): the outcome of message (?P<id>\d+) \(refused\) " + KEPT,
     N_("%(why)s: the outcome of message %(id)s (refused) is kept until it can be recorded")),
    (r"(?P<why>.*): the hand-over of message (?P<id>\d+) " + KEPT,
     N_("%(why)s: the hand-over of message %(id)s is kept until it can be recorded")),
    (r"(?P<why>.*): the return of message (?P<id>\d+) " + KEPT,
     N_("%(why)s: the return of message %(id)s is kept until it can be recorded")),
    # a credit query (appliance.worker.credit)
    (r"the modem is not ready", N_("the modem is not ready")),
    (r"no credit_code is set for this modem", N_("no credit_code is set for this modem")),
    (r"the network did not answer (?P<code>\S+) in time",
     N_("the network did not answer %(code)s in time")),
    (r"the modem refused (?P<code>\S+): (?P<why>.*)", N_("the modem refused %(code)s: %(why)s")),
    (r"the network does not answer (?P<code>\S+)", N_("the network does not answer %(code)s")),
    # the driver's errors (modem.errors, modem.codes, modem.device, modem.transport)
    (r"(?P<command>'.*') got no final result within (?P<seconds>\S+) s",
     N_("%(command)s got no final result within %(seconds)s s")),
    (r"(?P<command>'.*') answered (?P<result>[A-Z ]+)", N_("%(command)s answered %(result)s")),
    (r"(?P<port>\S+) is in use by another program \(ModemManager\?\): (?P<driver>.*)",
     N_("%(port)s is in use by another program (ModemManager?): %(driver)s")),
    (r"(?P<port>\S+) is closed", N_("%(port)s is closed")),
    (r"the modem's radio is off \(\+CFUN: (?P<level>\d+)\) and it refused to switch it on "
     r"\(AT\+CFUN=1: (?P<why>.*)\): it cannot register on a network",
     N_("the modem's radio is off (+CFUN: %(level)s) and it refused to switch it on "
        "(AT+CFUN=1: %(why)s): it cannot register on a network")),
    (r"the text needs (?P<parts>\d+) parts; at most (?P<max>\d+) are allowed",
     N_("the text needs %(parts)s parts; at most %(max)s are allowed")),
    (r"the SIM stayed busy: (?P<command>\S+) answered (?P<why>.*)",
     N_("the SIM stayed busy: %(command)s answered %(why)s")),
    (r"the SIM asks for (?P<code>.*)", N_("the SIM asks for %(code)s")),
    (r"the configured PIN must be 4 to 8 digits; it was not sent",
     N_("the configured PIN must be 4 to 8 digits; it was not sent")),
    (r"the SIM already refused this PIN; it is not sent again",
     N_("the SIM already refused this PIN; it is not sent again")),
    (r"(?P<command>AT\+\w+) answered OK without a (?P<prefix>\+\w+) line",
     N_("%(command)s answered OK without a %(prefix)s line")),
    (r"(?P<command>AT\+\w+) answered OK without a (?P<prefix>\+\w+) reference",
     N_("%(command)s answered OK without a %(prefix)s reference")),
    (r"manufacturer-specific error (?P<code>\d+)", N_("manufacturer-specific error %(code)s")),
    (r"unknown error code (?P<code>\d+)", N_("unknown error code %(code)s")),
    (r"unspecified error", N_("unspecified error")),
)  # fmt: skip
