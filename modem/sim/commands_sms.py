"""SMS commands in PDU mode (3GPP TS 27.005 §3): settings, storages, sending, reading, deleting.

Text mode (AT+CMGF=1) is accepted as a setting, but AT+CMGS/CMGL/CMGR then answer
``+CMS ERROR: 302`` (operation not allowed): the simulator models PDU mode, which is the only mode
the driver uses, rather than half of text mode.

Sending (§3.5.1): ``AT+CMGS=<length>`` writes the prompt, the DTE writes the hex PDU (SMSC
address first) and Ctrl-Z. A length that does not match the TPDU, hex that is not hex, or a PDU
the codec cannot read answer ``+CMS ERROR: 304``; without network, ``331``; otherwise the network
answers after ``faults.send_delay`` with ``+CMGS: <mr>`` or, with ``faults.fail_rate``, an error
code drawn from ``faults.fail_codes``. With ``faults.unanswered_rate`` an accepted part is on air
but never answered: the modem hangs (says nothing, drops what it is sent) for
``faults.unanswered_for`` seconds, so the host cannot tell whether it left.
"""

from __future__ import annotations

from modem.errors import PduError

from .commandline import Command
from .commands_sim import sim_gate_cms
from .handler import LINE_GAP, PENDING, Dce, Handler, Outcome
from .results import ERROR, Failure, cms
from .storage import ALL, REC_READ, REC_UNREAD, MessageStore


def message_format(m: Dce, c: Command, t: float) -> Outcome:
    if c.kind == "read":
        return [f"+CMGF: {m.settings.cmgf}"]
    if c.kind == "test":
        return ["+CMGF: (0,1)"]
    value = c.arg(0).as_int(0)
    if value not in (0, 1):
        return cms(303)
    m.settings.cmgf = value
    return []


def message_service(m: Dce, c: Command, t: float) -> Outcome:
    if c.kind == "read":
        return [f"+CSMS: {m.settings.csms},1,1,1"]
    if c.kind == "test":
        return ["+CSMS: (0,1)"]
    value = c.arg(0).as_int()
    if value not in (0, 1):
        return cms(303)
    m.settings.csms = value
    return ["+CSMS: 1,1,1"]


def show_text_parameters(m: Dce, c: Command, t: float) -> Outcome:
    if c.kind == "read":
        return [f"+CSDH: {m.settings.csdh}"]
    if c.kind == "test":
        return ["+CSDH: (0,1)"]
    value = c.arg(0).as_int(0)
    if value not in (0, 1):
        return cms(303)
    m.settings.csdh = value
    return []


def new_message_indications(m: Dce, c: Command, t: float) -> Outcome:
    if not m.profile.quirks.sms_access:
        return ERROR  # a phone used as a modem: no indications at all (Quirks.sms_access)
    if c.kind == "read":
        return ["+CNMI: " + ",".join(str(v) for v in m.settings.cnmi)]
    if c.kind == "test":
        return [f"+CNMI: {m.profile.cnmi_test}"]
    if c.kind != "set":
        return ERROR
    values = list(m.settings.cnmi)
    ranges = m.profile.cnmi_ranges
    for position in range(5):
        value = c.arg(position).as_int()
        if value is None:
            continue  # an omitted value keeps the current one
        if value not in ranges[position]:
            return cms(303)
        values[position] = value
    if len(c.args) > 5:
        return cms(303)
    m.settings.cnmi = values
    if values[0] in (1, 2, 3):
        m.after_ok(lambda now: m.flush_sms_urcs(now, discard=values[4] == 1))
    m.memory_available(t)  # a new route may need no storage: the network may try again
    return []


def _cpms_line(m: Dce, names: list[str], with_names: bool) -> str:
    fields: list[str] = []
    for name in names:
        store = m.store(name)
        used, total = (store.used, store.capacity) if store else (0, 0)
        fields += ([f'"{name}"'] if with_names else []) + [str(used), str(total)]
    return "+CPMS: " + ",".join(fields)


def preferred_storage(m: Dce, c: Command, t: float) -> Outcome:
    quirks = m.profile.quirks
    if c.kind == "test":
        if not quirks.sms_access:
            return ["+CPMS: (),(),()"]  # the Nokia N79's answer: no storage at all
        if m.profile.cpms_test is not None:
            return [f"+CPMS: {m.profile.cpms_test}"]  # Wavecom's nested form
        lists = m.profile.cpms_lists or (m.profile.storage_names,) * quirks.cpms_memories
        return ["+CPMS: " + ",".join("(" + ",".join(f'"{n}"' for n in ns) + ")" for ns in lists)]
    if not quirks.sms_access:
        return ERROR
    gate = sim_gate_cms(m, t)
    if gate:
        return gate
    memories = quirks.cpms_memories  # Wavecom answers with two: '+CPMS: 14,50,14,50'
    if c.kind == "read":
        return [_cpms_line(m, m.settings.cpms[:memories], with_names=True)]
    if c.kind != "set" or len(c.args) > memories:
        return ERROR
    chosen = list(m.settings.cpms)
    for position in range(min(3, len(c.args))):
        name = c.arg(position).text
        if name is None:
            continue
        name = name.upper()
        if not m.profile.cpms_accepts(position, name) or m.store(name) is None:
            return cms(302)
        chosen[position] = name
    m.settings.cpms = chosen
    m.memory_available(t)
    return [_cpms_line(m, chosen[:memories], with_names=False)]


def sms_parameters(m: Dce, c: Command, t: float) -> Outcome:
    """AT+CSMP (TS 27.005 §3.3.2), the text-mode parameters: kept, and on the devices that do
    so, the SMS centre address wiped with them (``Quirks.csmp_clears_smsc``)."""
    if c.kind == "test":
        return []
    if c.kind == "read":
        return ["+CSMP: " + ",".join(str(v) for v in m.settings.csmp)]
    if c.kind != "set":
        return ERROR
    values = [c.arg(i).as_int(default) for i, default in enumerate(m.settings.csmp)]
    if len(c.args) > 4 or any(v is None or not 0 <= v <= 255 for v in values):
        return cms(304)
    m.settings.csmp = tuple(values)  # type: ignore[assignment]
    if m.profile.quirks.csmp_clears_smsc:
        m.settings.csca = ("", 129)
        m.smsc = ""  # on the SIM: ATZ and power cycles do not bring it back
    return []


def service_centre(m: Dce, c: Command, t: float) -> Outcome:
    if c.kind == "test":
        return []
    gate = sim_gate_cms(m, t)
    if gate:
        return gate
    if c.kind == "read":
        number, kind = m.settings.csca
        if m.settings.cscs == "UCS2":
            number = number.encode("utf-16-be").hex().upper()
        return [f'+CSCA: "{number}",{kind}']
    if c.kind != "set":
        return ERROR
    number = c.arg(0).text or ""
    if m.settings.cscs == "UCS2":
        try:
            number = bytes.fromhex(number).decode("utf-16-be")
        except ValueError:
            return cms(304)
    kind = c.arg(1).as_int(145 if number.startswith("+") else 129)
    m.settings.csca = (number, kind)
    return []


def send(m: Dce, c: Command, t: float) -> Outcome:
    if c.kind == "test":
        return []
    if c.kind != "set":
        return ERROR
    gate = sim_gate_cms(m, t)
    if gate:
        return gate
    if m.settings.cmgf != 0:
        return cms(302)
    length = c.arg(0).as_int()
    if length is None or not 1 <= length <= 164:
        return cms(304)
    m.open_prompt(length, t)
    return PENDING


def submit_pdu(m: Dce, length: int, text: str, t: float) -> None:
    """Ctrl-Z after the prompt: check the PDU, then let the network answer."""
    from modem import pdu

    hex_text = "".join(text.split())
    try:
        octets = bytes.fromhex(hex_text)
        if not octets or len(octets) - 1 - octets[0] != length:
            raise ValueError("the length does not match the TPDU")
        submit = pdu.decode(hex_text, smsc=True, direction="submit")
    except (ValueError, PduError):
        m.resume(t + LINE_GAP, cms(304))
        return
    if octets[0] == 0 and not m.settings.csca[0]:  # no SMSC in the PDU, none on the SIM
        m.resume(t + LINE_GAP, cms(330))
        return
    if not m.registered(t):
        m.resume(t + LINE_GAP, cms(331))
        return
    faults = m.faults
    done = t + faults.send_delay
    if faults.fail_rate and m.fault_draw() < faults.fail_rate:
        m.resume(done, cms(m.fault_choice(faults.fail_codes)))
        return
    reference = m.next_reference()

    def on_air(now: float) -> None:
        m.record_submit(submit, reference, now)
        if submit.request_report:
            m.at(
                now + faults.report_delay,
                lambda later: _report(m, submit, reference, now, later),
                "net",
            )

    if faults.unanswered_rate and m.fault_draw() < faults.unanswered_rate:

        def on_air_unanswered(now: float) -> None:
            on_air(now)
            m.hang_at(now, faults.unanswered_for)

        m.at(done, on_air_unanswered)  # a "cmd" timer: a hang or power-off before, and it stays
        return
    m.resume(done, [f"+CMGS: {reference}"], on_written=on_air)


def _report(m: Dce, submit: object, reference: int, sent: float, t: float) -> None:
    from modem import pdu

    report = pdu.encode_status_report(
        reference,
        submit.recipient,  # type: ignore[attr-defined]
        sc_timestamp=m.wall_clock(sent),
        discharge_time=m.wall_clock(t),
        status=m.faults.report_status,
        smsc=m.smsc,
    )
    m.network_report(report, t)


def _read_store(m: Dce, c: Command, t: float) -> MessageStore | Failure:
    """The storage AT+CMGL/AT+CMGR read (<mem1>), or why they cannot."""
    if not m.profile.quirks.sms_access:
        return ERROR
    gate = sim_gate_cms(m, t)
    if gate:
        return gate
    if m.settings.cmgf != 0:
        return cms(302)
    store = m.store(m.settings.cpms[0])
    return store if store is not None else cms(302)


def list_messages(m: Dce, c: Command, t: float) -> Outcome:
    if c.kind == "test":
        return ["+CMGL: (0-4)"]
    store = _read_store(m, c, t)
    if isinstance(store, Failure):
        return store
    stat = c.arg(0).as_int(REC_UNREAD) if c.kind == "set" else REC_UNREAD
    if stat not in (0, 1, 2, 3, ALL):
        return cms(302)
    lines: list[str] = []
    for index, message in store.listing(stat):
        lines += [f"+CMGL: {index},{message.stat},,{message.tpdu_length}", message.pdu]
        if message.stat == REC_UNREAD:
            message.stat = REC_READ
    return lines


def read_message(m: Dce, c: Command, t: float) -> Outcome:
    if c.kind == "test":
        return []
    if c.kind != "set":
        return ERROR
    store = _read_store(m, c, t)
    if isinstance(store, Failure):
        return store
    index = c.arg(0).as_int()
    if index is None or not store.valid_index(index):
        return cms(321)
    message = store.get(index)
    if message is None:
        return [] if m.profile.cmgr_empty == "ok" else cms(321)
    lines = [f"+CMGR: {message.stat},,{message.tpdu_length}", message.pdu]
    if message.stat == REC_UNREAD:
        message.stat = REC_READ
    return lines


def delete_message(m: Dce, c: Command, t: float) -> Outcome:
    if c.kind == "test":
        first = m.profile.first_index
        store = m.store(m.settings.cpms[0])
        last = first + (store.capacity - 1 if store else 0)
        return [f"+CMGD: ({first}-{last}),(0-4)"]
    if c.kind != "set" or not m.profile.quirks.sms_access:
        return ERROR
    gate = sim_gate_cms(m, t)
    if gate:
        return gate
    store = m.store(m.settings.cpms[0])
    if store is None:
        return cms(302)
    index, flag = c.arg(0).as_int(), c.arg(1).as_int(0)
    if flag not in (0, 1, 2, 3, 4):
        return cms(302)
    if flag:
        store.delete_by_flag(flag)
    elif index is None or not store.valid_index(index):
        return cms(321)
    else:
        store.delete(index)
    m.memory_available(t)
    return []


HANDLERS: dict[str, Handler] = {
    "+CMGF": message_format,
    "+CSMS": message_service,
    "+CSDH": show_text_parameters,
    "+CNMI": new_message_indications,
    "+CPMS": preferred_storage,
    "+CSCA": service_centre,
    "+CSMP": sms_parameters,
    "+CMGS": send,
    "+CMGL": list_messages,
    "+CMGR": read_message,
    "+CMGD": delete_message,
}
