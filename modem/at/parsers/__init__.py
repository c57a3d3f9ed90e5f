"""Pure parsers for the information responses and URCs of 3GPP TS 27.005/27.007, by subject.

- ``network``: signal (+CSQ, with the 0–5 bars), registration (+CREG family), operator (+COPS)
- ``power``: the functionality level (+CFUN), which says whether the radio is on
- ``identity``: the SIM's state (+CPIN) and who is who: IMEI, IMSI, ICCID, +CGMI/+CGMM/+CGMR, ATI
- ``sms``: +CSCA, +CMGS, +CMTI/+CDSI, +CMGL/+CMGR, +CMT/+CDS, +CPMS
- ``ussd``: +CUSD and the decoding of its text
- ``calls``: +CLIP, who calls (the caller of a ``RING``)
- ``capabilities``: what AT+CNMI=? and AT+CPMS=? say a device accepts

Each takes the line (or the lines of a ``Response``) as the modem printed it and returns a
value; a reply that does not parse raises RemoteProtocolError naming the command and the line,
never IndexError or ValueError. They are tested on lines captured from real devices
(tests/unit/test_at_parsers.py says where each comes from). Vendor-only codes (Huawei's
``^RSSI``, ``^HCSQ``, ...) are parsed in ``modem.vendors``; import the parsers from ``modem.at``.
"""
