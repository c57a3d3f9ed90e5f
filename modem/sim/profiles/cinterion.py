"""Cinterion PHS8 (HSPA module by Cinterion, later Gemalto and Thales), as its firmware answers.

Sources (ModemManager, its cinterion plugin and tests, from real modules):
- "Cinterion PHS8-USA REVISION 03.001": the device string of test-modem-helpers.c
  test_cgdcont_test_response_cinterion_phs8 (manufacturer, model and revision as ATI prints them).
- AT+CNMI=? "+CNMI: (0,1,2),(0,1),(0,2),(0),(1)": mm-modem-helpers-cinterion.c, "Example
  (PHS8)", and test_cnmi_phs8. <ds> takes 0 only: no status report reaches the TE through
  AT+CNMI, and <bfr> takes 1 only, so a setting with bfr 0 is refused.
- AT+CPMS=? '+CPMS: ("ME","MT"),("ME","SM","MT"),("SM","MT")': test_cpms_response_cinterion, a
  Cinterion's reply where each memory has its own list (mem1 has no SM, mem3 no ME).
- "^SYSSTART" once the module has booted: mm-broadband-modem-cinterion.c (sysstart_regex,
  filtered as unsolicited).
- No SIM class of its own in ModemManager: the ICCID comes through 3GPP's AT+CRSM.
Not measured here, so chosen: the default memories, capacities, slots from 1, timings.
"""

from __future__ import annotations

from modem.sim.profile import Profile, Storage, TimedUrc

PHS8 = Profile(
    name="cinterion-phs8",
    manufacturer="Cinterion",  # "Cinterion PHS8-USA REVISION 03.001"
    model="PHS8-USA",  # the same
    revision="REVISION 03.001",  # the same
    ati=("Cinterion", "PHS8-USA", "REVISION 03.001"),  # the same string, one word a line
    gcap="+CGSM",  # chosen
    tac="00101007",  # test range (TS 23.003): no PHS8 IMEI was published
    iccid_style="crsm",  # ModemManager reads it through AT+CRSM
    cnmi_test="(0,1,2),(0,1),(0,2),(0),(1)",  # "Example (PHS8)"
    cnmi_default=(0, 0, 0, 0, 1),  # chosen within those ranges
    storages=(Storage("SM", 30), Storage("ME", 100)),  # chosen
    storage_names=("ME", "MT", "SM"),
    storage_aliases={"MT": "ME"},  # chosen: MT is ME and SM together on real modules
    cpms_default=("ME", "ME", "SM"),  # chosen within the lists below
    cpms_lists=(("ME", "MT"), ("ME", "SM", "MT"), ("SM", "MT")),  # test_cpms_response_cinterion
    first_index=1,  # chosen
    cmgr_empty="error",
    boot_urcs=(TimedUrc(1.0, "^SYSSTART"),),  # mm-broadband-modem-cinterion.c
    announces_cpin=False,
    cpin_absent_urc=None,
    ready_urcs=(),
    sim_init_time=3.0,
    responsive_after=1.0,
    registration_time=4.0,
    cfun_reset_reenumerates=True,  # a USB module
    reenumeration_time=6.0,
    send_delay=3.0,
    ussd_style="text",
    ussd_delay=3.0,
)

PROFILES = (PHS8,)
