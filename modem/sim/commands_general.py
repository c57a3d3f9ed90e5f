"""V.250 basic commands, identification, error format, radio and network registration.

Sources: ITU-T V.250 (E, V, Z, &F, I, S-registers), 3GPP TS 27.007 §5 (+CGMI ... +CGSN, +CSCS),
§7 (+CREG, +COPS, +CSQ), §8.2 (+CFUN), §9.1 (+CMEE), §10.1.20 (+CGREG), §10.1.22 (+CEREG).
Vendor wording comes from the profile (what ATI, +CGMR print).
"""

from __future__ import annotations

from .commandline import Command
from .handler import PENDING, Dce, Handler, Outcome
from .results import ERROR, Failure, cme


def _flag(command: Command) -> int:
    return int(command.value or "0")


def echo(m: Dce, c: Command, t: float) -> Outcome:
    value = _flag(c)
    if value not in (0, 1):
        return ERROR
    m.settings.echo = value == 1
    return []


def verbose(m: Dce, c: Command, t: float) -> Outcome:
    value = _flag(c)
    if value not in (0, 1):
        return ERROR
    m.settings.verbose = value == 1
    return []


def quiet(m: Dce, c: Command, t: float) -> Outcome:
    return [] if _flag(c) == 0 else ERROR  # Q1 would silence every result code: not modelled


def reset(m: Dce, c: Command, t: float) -> Outcome:
    m.reset_settings()
    return []


def store_profile(m: Dce, c: Command, t: float) -> Outcome:
    return []  # AT&W: accepted; the simulated profile is the factory one anyway


def s_register(m: Dce, c: Command, t: float) -> Outcome:
    number = int(c.name[1:])
    if c.kind == "read":
        return [f"{m.settings.s_registers.get(number, 0):03d}"]
    value = int(c.value or "0")
    if not 0 <= value <= 255:
        return ERROR
    m.settings.s_registers[number] = value
    return []


def identification(m: Dce, c: Command, t: float) -> Outcome:
    if c.value not in ("", "0"):
        return ERROR
    return [line.format(imei=m.imei) for line in m.profile.ati]


def _simple(attribute: str) -> Handler:
    def handler(m: Dce, c: Command, t: float) -> Outcome:
        if c.kind == "test":
            return []
        if c.kind != "action":
            return ERROR
        if attribute == "imei":
            return [m.imei]
        value = getattr(m.profile, attribute)
        if value is None:
            return ERROR  # Wavecom's AT+CGMR (python-gsmmodem WavecomMultiband900E1800)
        lines = [value] if isinstance(value, str) else list(value)  # Nokia: five lines
        return [" " + line if m.profile.quirks.leading_space else line for line in lines]

    return handler


def capabilities(m: Dce, c: Command, t: float) -> Outcome:
    return [f"+GCAP: {m.profile.gcap}"] if c.kind == "action" else ERROR


def error_format(m: Dce, c: Command, t: float) -> Outcome:
    if c.kind == "read":
        return [f"+CMEE: {m.settings.cmee}"]
    if c.kind == "test":
        return ["+CMEE: (0-2)"]
    if c.kind == "action":
        m.settings.cmee = 0
        return []
    value = c.arg(0).as_int(0)
    if value not in (0, 1, 2):
        return cme(3) if m.settings.cmee else ERROR
    m.settings.cmee = value
    return []


def charset(m: Dce, c: Command, t: float) -> Outcome:
    if c.kind == "read":
        return [f'+CSCS: "{m.settings.cscs}"']
    if c.kind == "test":
        return ["+CSCS: (" + ",".join(f'"{name}"' for name in m.profile.charsets) + ")"]
    if c.kind != "set":
        return ERROR
    value = (c.arg(0).text or "").upper()
    if value not in m.profile.charsets:
        return cme(4)
    m.settings.cscs = value
    return []


def functionality(m: Dce, c: Command, t: float) -> Outcome:
    if c.kind == "read":
        if m.profile.quirks.cfun_read_prints_ranges:
            return [f"+CFUN: {m.profile.cfun_test}"]  # the ZTE K3565-Z (``Quirks``)
        return [f"+CFUN: {m.cfun}"]
    if c.kind == "test":
        return [f"+CFUN: {m.profile.cfun_test}"]
    if c.kind != "set":
        return ERROR
    fun = c.arg(0).as_int(1)
    rst = c.arg(1).as_int(0)
    if fun not in (0, 1, 4) or rst not in (0, 1):
        return cme(4)
    if rst == 1:
        if fun != 1:
            return cme(3)
        m.after_ok(m.reset)  # the OK goes out first, then the modem reboots
        return []
    if fun == 1 and m.faults.radio_refused:  # held in low-power mode (``Faults``)
        code = m.faults.radio_refused_code
        return ERROR if code is None else cme(code)
    m.after_ok(lambda now: m.set_cfun(fun, now))  # the radio changes once the OK is out
    return []


def signal_quality(m: Dce, c: Command, t: float) -> Outcome:
    if c.kind == "test":
        return ["+CSQ: (0-31,99),(0-7,99)"]
    if c.kind != "action":
        return ERROR
    if m.cfun != 1:
        return ["+CSQ: 99,99"]
    return [f"+CSQ: {m.signal},{m.profile.ber}"]


def _registration_handler(name: str, attribute: str) -> Handler:
    def handler(m: Dce, c: Command, t: float) -> Outcome:
        if name == "+CEREG" and not m.profile.has_cereg:
            return ERROR
        if c.kind == "test":
            return [f"{name}: (0-2)"]
        if c.kind == "read":
            n = getattr(m.settings, attribute)
            return [f"{name}: {m.registration_fields(m.registration(t), n, urc=False)}"]
        if c.kind != "set":
            return ERROR
        n = c.arg(0).as_int(0)
        if n not in (0, 1, 2):
            return cme(4)
        setattr(m.settings, attribute, n)
        return []

    return handler


def operator(m: Dce, c: Command, t: float) -> Outcome:
    if c.kind == "read":
        if not m.registered(t):
            return ["+COPS: 0"]
        fmt = m.settings.cops_format
        name = m.home_network if fmt == 2 else m.operator
        act = "" if m.profile.cops_act is None else f",{m.profile.cops_act}"
        return [f'+COPS: 0,{fmt},"{name}"{act}']
    if c.kind == "test":
        state = m.sim_state(t)
        if state != "ready":
            return _sim_failure(state)
        act = "" if m.profile.cops_act is None else f",{m.profile.cops_act}"
        found = f'(2,"{m.operator}","{m.operator}","{m.home_network}"{act})'
        # A network scan takes seconds on every real modem (the manuals allow 180 s).
        m.resume(t + 8.0, [f"+COPS: {found},,(0-4),(0-2)"])
        return PENDING
    if c.kind != "set":
        return ERROR
    mode = c.arg(0).as_int(0)
    if mode == 3:
        fmt = c.arg(1).as_int(0)
        if fmt not in (0, 1, 2):
            return cme(4)
        m.settings.cops_format = fmt
        return []
    if mode in (0, 1, 4):
        return []
    if mode == 2:
        m.set_cfun(4, t)  # deregistered until AT+COPS=0: what the DTE sees is the same
        return []
    return cme(4)


def _sim_failure(state: str) -> Failure:
    return cme({"absent": 10, "busy": 14, "pin": 11, "puk": 12}.get(state, 13))


def huawei_curc(m: Dce, c: Command, t: float) -> Outcome:
    if not m.profile.has_curc:
        return ERROR
    if c.kind == "read":
        return [f"^CURC: {int(m.settings.curc)}"]
    if c.kind == "test":
        return ["^CURC: (0-1)"]
    value = c.arg(0).as_int(1)
    if value not in (0, 1):
        return ERROR
    m.settings.curc = value == 1
    return []


HANDLERS: dict[str, Handler] = {
    "E": echo,
    "V": verbose,
    "Q": quiet,
    "Z": reset,
    "&F": reset,
    "&W": store_profile,
    "I": identification,
    "+CGMI": _simple("manufacturer"),
    "+GMI": _simple("manufacturer"),
    "+CGMM": _simple("model"),
    "+GMM": _simple("model"),
    "+CGMR": _simple("revision"),
    "+GMR": _simple("revision"),
    "+CGSN": _simple("imei"),
    "+GSN": _simple("imei"),
    "+GCAP": capabilities,
    "+CMEE": error_format,
    "+CSCS": charset,
    "+CFUN": functionality,
    "+CSQ": signal_quality,
    "+CREG": _registration_handler("+CREG", "creg"),
    "+CGREG": _registration_handler("+CGREG", "cgreg"),
    "+CEREG": _registration_handler("+CEREG", "cereg"),
    "+COPS": operator,
    "^CURC": huawei_curc,
}
for _register in (0, 3, 4, 5, 7):
    HANDLERS[f"S{_register}"] = s_register
