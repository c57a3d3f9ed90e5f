"""A plain 3GPP modem: TS 27.007 / 27.005 and nothing vendor-specific.

What a driver may rely on everywhere, and only that: ICCID through AT+CRSM alone, the full
27.005 ranges of AT+CNMI, indices from 1, no boot URCs, no vendor noise. Its IMEIs use a TAC from
the test range (3GPP TS 23.003 reserves "00" allocations for test IMEIs), not a real model.
"""

from __future__ import annotations

from modem.sim.profile import Profile, Storage

PROFILE = Profile(
    name="generic",
    manufacturer="smsrelay",
    model="Simulated 3GPP modem",
    revision="sim-1.0",
    ati=("smsrelay", "Simulated 3GPP modem", "Revision: sim-1.0"),
    gcap="+CGSM",
    tac="00101001",
    iccid_style="crsm",
    cnmi_test="(0-3),(0-3),(0,2),(0-2),(0,1)",
    cnmi_default=(0, 0, 0, 0, 0),
    storages=(Storage("SM", 30), Storage("ME", 100), Storage("SR", 20)),
    storage_names=("SM", "ME", "MT", "SR"),
    storage_aliases={"MT": "ME"},
    cpms_default=("SM", "SM", "SM"),
    first_index=1,
    cmgr_empty="error",
    boot_urcs=(),
    announces_cpin=False,
    cpin_absent_urc=None,
    ready_urcs=(),
    sim_init_time=1.0,
    responsive_after=0.5,
    registration_time=2.0,
    cfun_reset_reenumerates=False,
    reenumeration_time=0.0,
    send_delay=3.0,
    ussd_style="text",
    ussd_delay=3.0,
)

PROFILES = (PROFILE,)
