"""The udev rules: every line read and checked, then run on captured and tabled devices.

Captures (``captures/*.txt``) are ``udevadm info`` outputs of real devices posted in public; the
port table below restates, model by model, the interface numbers of ModemManager's per-vendor
``77-mm-*-port-types.rules`` (and chan_dongle's for the Huawei E1550/E173), which the rules cite.
"""

from __future__ import annotations

import re
import subprocess
from importlib.resources import files
from pathlib import Path

import pytest

from appliance.discovery import KNOWN_VENDORS, port_of
from tests.pi.udev_rules import Device, Outcome, Parent, evaluate, parse, read_capture

RULES_TEXT = (files("appliance") / "data" / "76-smsrelay.rules").read_text(encoding="utf-8")
RULES = parse(RULES_TEXT)
CAPTURES = Path(__file__).parent / "captures"
SAFE_LINK = re.compile(r"gsm/[a-z]+-[A-Za-z0-9._:+-]+-at")


def tty(
    vendor: str,
    model: str,
    interface: str,
    *,
    serial: str | None = "0123456789ABCDEF",
    driver: str = "option",
    interfaces: str = ":ffffff:",
    usb_class: tuple[str, str, str] | None = None,
    action: str = "add",
    **extra: str,
) -> Device:
    """A USB modem's tty as 60-serial.rules leaves it (usb_id and path_id imported)."""
    properties = {
        "SUBSYSTEM": "tty",
        "DEVNAME": f"/dev/ttyUSB{int(interface, 16)}",
        "ID_BUS": "usb",
        "ID_VENDOR_ID": vendor,
        "ID_MODEL_ID": model,
        "ID_USB_INTERFACE_NUM": interface,
        "ID_USB_INTERFACES": interfaces,
        "ID_USB_DRIVER": driver,
        "ID_PATH": f"platform-fd500000.pcie-pci-0000:01:00.0-usb-0:1.3:1.{int(interface, 16)}",
        **extra,
    }
    if serial:
        properties["ID_SERIAL_SHORT"] = serial
    parents = []
    if usb_class:
        klass, subclass, protocol = usb_class
        parents.append(
            Parent(
                "usb",
                {
                    "bInterfaceNumber": interface,
                    "bInterfaceClass": klass,
                    "bInterfaceSubClass": subclass,
                    "bInterfaceProtocol": protocol,
                },
            )
        )
    parents.append(Parent("usb", {"idVendor": vendor, "idProduct": model}))
    kernel = properties["DEVNAME"].removeprefix("/dev/")
    return Device("tty", kernel, properties, action=action, parents=tuple(parents))


def captured(name: str, **parents_attributes: str) -> Device:
    node, properties = read_capture(CAPTURES / name)
    parents = (Parent("usb", dict(parents_attributes)),) if parents_attributes else ()
    return Device(properties["SUBSYSTEM"], Path(node).name, properties, parents=parents)


def discovered(outcome: Outcome, node: str) -> str | None:
    """What discovery would open for the device udev left like this."""
    return port_of({**outcome.properties, "DEVLINKS": " ".join(outcome.devlinks)}, node)


def assert_modem_port(outcome: Outcome) -> None:
    assert outcome.properties.get("ID_MM_DEVICE_IGNORE") == "1"
    assert (outcome.group, outcome.mode) == ("dialout", "0660")


# --- every line ------------------------------------------------------------------------------


def test_every_line_is_a_rule_with_known_keys_and_operators():
    # parse() refuses unknown keys, assignment operators other than = and +=, and keys whose
    # {name} is missing or extra; here also the values our rules may give.
    assert len(RULES) > 30
    for rule in RULES:
        for token in rule.assigns("ENV", "SMSRELAY_PORT"):
            assert token.value in ("at", "ignore"), rule
        for token in rule.assigns("ENV", "ID_MM_DEVICE_IGNORE"):
            assert token.value == "1", rule
        for token in rule.assigns("GROUP"):
            assert token.value == "dialout", rule
        for token in rule.assigns("MODE"):
            assert token.value == "0660", rule
        for token in rule.assigns("SYMLINK"):
            assert token.op == "+=" and token.value.startswith("gsm/"), rule


def test_gotos_jump_forward_to_a_label():
    labels = {t.value: r.number for r in RULES for t in r.assigns("LABEL")}
    assert len(labels) == sum(len(r.assigns("LABEL")) for r in RULES), "a label is defined twice"
    for rule in RULES:
        for token in rule.assigns("GOTO"):
            assert token.value in labels, f"line {rule.number}: no LABEL {token.value}"
            assert labels[token.value] > rule.number, f"line {rule.number} jumps backwards"


def test_every_rule_that_touches_a_port_keeps_modemmanager_off():
    touching = [
        rule
        for rule in RULES
        if rule.assigns("ENV", "SMSRELAY_PORT")
        or rule.assigns("SYMLINK")
        or rule.assigns("GROUP")
        or rule.assigns("MODE")
    ]
    assert touching
    for rule in touching:
        assert rule.assigns("ENV", "ID_MM_DEVICE_IGNORE"), f"line {rule.number}"


def _vendor_patterns() -> list[tuple[int, set[str]]]:
    found = []
    for rule in RULES:
        for token in rule.tokens:
            if token.is_match and token.name == "ID_VENDOR_ID":
                found.append((rule.number, set(token.value.split("|"))))
    return found


def test_vendor_ids_are_the_known_makers_and_each_has_its_rules():
    mentioned = set().union(*(ids for _, ids in _vendor_patterns()))
    assert mentioned == set(KNOWN_VENDORS)
    whole_device = [
        r
        for r in RULES
        if any(t.key == "ENV" and t.name == "DEVTYPE" and t.value == "usb_device" for t in r.tokens)
    ]
    assert len(whole_device) == 1
    (usb_ids,) = [ids for number, ids in _vendor_patterns() if number == whole_device[0].number]
    assert usb_ids == set(KNOWN_VENDORS)
    makers = {
        next(iter(ids))
        for number, ids in _vendor_patterns()
        if len(ids) == 1
        and any(r.number == number and r.assigns("ENV", ".SMSRELAY_MAKER") for r in RULES)
    }
    assert makers == set(KNOWN_VENDORS), "every known maker gets a name for its links"
    assert any(
        t.name == "ID_USB_DRIVER" and t.value == "cdc_acm" for r in RULES for t in r.tokens
    ), "plain CDC-ACM modems have their rule"


def test_udevadm_verify_accepts_the_file(udevadm_verify, tmp_path):
    copy = tmp_path / "76-smsrelay.rules"
    copy.write_text(RULES_TEXT, encoding="utf-8")
    result = subprocess.run(
        [*udevadm_verify, "verify", "-N", "never", str(copy)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Fail:    0" in result.stdout


def test_udevadm_verify_catches_a_broken_line(udevadm_verify, tmp_path):
    broken = tmp_path / "76-smsrelay.rules"
    broken.write_text(RULES_TEXT.replace('SUBSYSTEM!="tty"', 'SUBSYSTEM="tty"'), encoding="utf-8")
    result = subprocess.run(
        [*udevadm_verify, "verify", "-N", "never", str(broken)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 1


# --- the port table --------------------------------------------------------------------------

# (maker, vendor, model, AT interface, the model's other tty interfaces, where it is from)
MODELS = [
    ("huawei", "12d1", "1001", "02", ["00", "01"], "chan_dongle: E1550/E173 data=ttyUSB2"),
    ("zte", "19d2", "0031", "03", ["00", "01"], "77-mm-zte-port-types.rules"),
    ("simcom", "1e0e", "9001", "02", ["00", "01", "03", "04"], "77-mm-simtech-port-types"),
    ("simcom", "1e0e", "9205", "02", ["00", "01", "03"], "77-mm-simtech-port-types"),
    ("simcom", "1e0e", "9206", "02", ["00", "01", "03", "04", "05"], "77-mm-simtech-port-types"),
    *[
        ("quectel", "2c7c", model, "02", ["00", "01", "03"], "77-mm-quectel-port-types")
        for model in ("0125", "0191", "0195", "0296", "0306", "0800")
    ],
    ("ublox", "1546", "1102", "00", ["02", "04", "06", "08", "0a", "0c"], "77-mm-ublox"),
    ("ublox", "1546", "1107", "00", ["02", "04", "06", "08", "0a"], "77-mm-ublox"),
    ("ublox", "1546", "110a", "00", ["02", "04", "06", "08", "0a"], "77-mm-ublox"),
    ("ublox", "1546", "1010", "06", ["02", "04", "08"], "77-mm-ublox"),
    ("telit", "1bc7", "0021", "00", ["06"], "77-mm-telit-port-types.rules"),
]


@pytest.mark.parametrize(
    ("maker", "vendor", "model", "at", "others", "source"),
    MODELS,
    ids=[f"{m[1]}:{m[2]}" for m in MODELS],
)
def test_a_known_model_has_exactly_its_at_port_tagged(maker, vendor, model, at, others, source):
    driver = "cdc_acm" if maker in ("ublox", "telit") else "option"
    outcome = evaluate(RULES, tty(vendor, model, at, driver=driver, serial="SN42"))
    assert outcome.properties.get("SMSRELAY_PORT") == "at", source
    assert outcome.symlinks == (f"gsm/{maker}-SN42-at",)
    assert SAFE_LINK.fullmatch(outcome.symlinks[0])
    assert_modem_port(outcome)
    assert discovered(outcome, f"/dev/ttyUSB{int(at, 16)}") == f"/dev/gsm/{maker}-SN42-at"
    for interface in others:
        other = evaluate(RULES, tty(vendor, model, interface, driver=driver, serial="SN42"))
        assert other.properties.get("SMSRELAY_PORT") == "ignore", (interface, source)
        assert other.symlinks == ()
        assert_modem_port(other)
        assert discovered(other, "/dev/ttyUSB9") is None


def test_an_unknown_model_of_a_known_maker_is_left_to_the_probe():
    outcome = evaluate(RULES, tty("2c7c", "0900", "02"))  # a Quectel model not in the table
    assert "SMSRELAY_PORT" not in outcome.properties and outcome.symlinks == ()
    assert_modem_port(outcome)
    assert discovered(outcome, "/dev/ttyUSB2") == "/dev/ttyUSB2"


def test_newer_huawei_sticks_are_told_apart_by_their_interface_classes():
    # ModemManager's 77-mm-huawei-net-port-types.rules: class ff, protocol 02 PC UI (AT),
    # 01 modem (PPP). The modem port is set aside only when the device has a PC UI port.
    both = ":ff0201:ff0202:"
    pc_ui = evaluate(
        RULES, tty("12d1", "1506", "02", interfaces=both, usb_class=("ff", "02", "02"))
    )
    assert pc_ui.properties.get("SMSRELAY_PORT") == "at"
    assert pc_ui.symlinks == ("gsm/huawei-0123456789ABCDEF-at",)
    modem = evaluate(
        RULES, tty("12d1", "1506", "00", interfaces=both, usb_class=("ff", "02", "01"))
    )
    assert modem.properties.get("SMSRELAY_PORT") == "ignore"
    alone = evaluate(
        RULES, tty("12d1", "1506", "00", interfaces=":ff0201:", usb_class=("ff", "02", "01"))
    )
    assert "SMSRELAY_PORT" not in alone.properties
    assert_modem_port(alone)


def test_a_device_without_serial_number_is_named_by_its_usb_path():
    outcome = evaluate(RULES, tty("1e0e", "9001", "02", serial=None))
    assert outcome.symlinks == (
        "gsm/simcom-platform-fd500000.pcie-pci-0000:01:00.0-usb-0:1.3:1.2-at",
    )
    assert SAFE_LINK.fullmatch(outcome.symlinks[0])


def test_a_local_rule_tags_any_dongle_and_wins_over_ours():
    # A SIM800C stick behind a CH340 USB-serial chip (1a86:7523) tagged by 75-smsrelay-local.rules
    ch340 = tty("1a86", "7523", "00", driver="ch341", serial=None, SMSRELAY_PORT="at")
    outcome = evaluate(RULES, ch340)
    assert outcome.symlinks == ("gsm/usb-platform-fd500000.pcie-pci-0000:01:00.0-usb-0:1.3:1.0-at",)
    assert_modem_port(outcome)
    acm = evaluate(RULES, tty("2341", "0043", "00", driver="cdc_acm", SMSRELAY_PORT="at"))
    assert acm.symlinks == ("gsm/acm-0123456789ABCDEF-at",)
    # ...and a local "ignore" on the AT port of a known model stays ignored.
    quiet = evaluate(RULES, tty("2c7c", "0125", "02", SMSRELAY_PORT="ignore"))
    assert quiet.properties["SMSRELAY_PORT"] == "ignore" and quiet.symlinks == ()


def test_other_usb_serial_devices_are_left_alone():
    for device in (
        tty("0403", "6001", "00", driver="ftdi_sio"),  # an FTDI cable
        tty("2341", "0043", "00", driver="cdc_acm"),  # an Arduino: CDC-ACM, but not ours
    ):
        outcome = evaluate(RULES, device)
        assert outcome.properties == device.properties
        assert (outcome.symlinks, outcome.group, outcome.mode) == ((), None, None)


def test_nothing_happens_on_remove():
    device = tty("2c7c", "0125", "02", action="remove")
    outcome = evaluate(RULES, device)
    assert outcome.properties == device.properties and outcome.symlinks == ()


# --- captured devices ------------------------------------------------------------------------


def test_captured_zte_mf636_modem_port_gets_its_stable_link():
    device = captured("zte-mf636-ttyUSB2.txt")
    outcome = evaluate(RULES, device)
    assert outcome.properties["SMSRELAY_PORT"] == "at"
    assert outcome.symlinks == ("gsm/zte-P673C3TBPD010000-at",)
    assert_modem_port(outcome)
    assert "/dev/serial/by-id/" in " ".join(outcome.devlinks)  # 60-serial.rules' links stay
    assert discovered(outcome, "/dev/ttyUSB2") == "/dev/gsm/zte-P673C3TBPD010000-at"


def test_captured_huawei_without_serial_is_probed_and_kept_from_modemmanager():
    # ID_USB_INTERFACES=:ffffff:080650: — its ttys are vendor-specific ff/ff/ff interfaces.
    device = captured(
        "huawei-141e-ttyUSB0.txt",
        bInterfaceClass="ff",
        bInterfaceSubClass="ff",
        bInterfaceProtocol="ff",
    )
    outcome = evaluate(RULES, device)
    assert "SMSRELAY_PORT" not in outcome.properties
    assert_modem_port(outcome)
    assert discovered(outcome, "/dev/ttyUSB0") == "/dev/ttyUSB0"
    # The same stick were it the E173's 1001 layout: the link is built from the USB path.
    e173 = evaluate(RULES, Device("tty", "ttyUSB0", {**device.properties, "ID_MODEL_ID": "1001"}))
    assert e173.symlinks == ("gsm/huawei-pci-0000:00:1d.7-usb-0:4:1.2-at",)


def test_captured_sierra_acm_port_on_a_pi_is_probed():
    outcome = evaluate(RULES, captured("sierra-hl7802-ttyACM1.txt"))
    assert "SMSRELAY_PORT" not in outcome.properties and outcome.symlinks == ()
    assert_modem_port(outcome)
    assert discovered(outcome, "/dev/ttyACM1") == "/dev/ttyACM1"


def test_captured_pi_uart_is_not_touched():
    device = captured("pi-ttyS0.txt")
    outcome = evaluate(RULES, device)
    assert outcome.properties == device.properties
    assert (outcome.symlinks, outcome.group, outcome.mode) == ((), None, None)
    assert discovered(outcome, "/dev/ttyS0") is None


def test_captured_zte_usb_device_is_ignored_by_modemmanager_as_a_whole():
    outcome = evaluate(RULES, captured("zte-usb-device.txt"))
    assert outcome.properties["ID_MM_DEVICE_IGNORE"] == "1"
    assert outcome.symlinks == () and outcome.group is None
