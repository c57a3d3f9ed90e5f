"""Wavecom serial modems (the "MULTIBAND 900E 1800" family and its descendants): no OK after +CPIN.

Source: python-gsmmodem's test/fakemodems.py, class WavecomMultiband900E1800 ("Family of old
Wavecom serial modems"; "+CPIN replies are not ended with OK", submitted by a user of one):
``AT+CPIN?`` answers ``+CPIN: READY`` or ``+CPIN: SIM PIN`` and nothing more, AT+CGMI and AT+CGMM
print ``" WAVECOM MODEM"`` and ``" MULTIBAND  900E  1800"`` with a leading space, AT+CGMR answers
ERROR, AT+CPMS takes two memories (``+CPMS: (("SM","BM","SR"),("SM"))``). Capture:
tests/captures/wavecom-multiband.txt; the simulator's switches: ``modem.sim.quirks``.

- The missing OK: ``without_final`` below, read by the AT core (``modem.at.settling``).
- The leading space: the AT core strips every line; ``vendor_for`` matches "wavecom" anywhere.
- Two memories: ``modem.device.initialisation`` tries three, then two, then one.
- The ICCID: AT+CCID, the first of the defaults.
- ``+CME ERROR: 515``, "Please wait, init or command processing in progress": "Between the
  hardware SIM detect pin indicating 'present' and the final results, the AT+CPIN? sends
  '+CME ERROR: 515' (Please wait, init in progress)" (Wavecom AT Commands Interface Guide,
  WM_DEV_OAT_UGD_049 §2.5; the same in Multi-Tech's MTSMC-G AT manual S000293I, a Wavecom
  inside). ``initialising_cme`` below: during initialisation it is waited out like "SIM busy"
  (``modem.device.unlock``), and never taken for a refusal of AT+CNMI or AT+CMGF.
"""

from __future__ import annotations

from modem.at import SETTLE, Completion

from .vendor import Vendor

VENDOR = Vendor(
    name="wavecom",
    manufacturers=("wavecom",),
    without_final={"AT+CPIN?": Completion("+CPIN:", SETTLE)},
    initialising_cme=(515,),
)
