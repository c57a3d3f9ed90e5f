"""The registry of simulated modem models, one module per vendor.

Each module's ``PROFILES`` lists its models; every fact in them cites a transcript, a test
capture or a manual of the real device (or says it was chosen). A model added to a module's
``PROFILES`` is served by ``--simulate --profile NAME`` and run by the pty suite
(tests/pty/test_every_profile.py) with nothing else to change.
"""

from __future__ import annotations

from modem.sim.profile import Profile

from . import cinterion, generic, huawei, nokia, qualcomm, quectel, simcom, wavecom, zte

_MODULES = (generic, huawei, zte, qualcomm, wavecom, nokia, simcom, quectel, cinterion)

PROFILES: dict[str, Profile] = {
    profile.name: profile for module in _MODULES for profile in module.PROFILES
}


def get_profile(name: str) -> Profile:
    """The profile called ``name``; ValueError naming the known ones otherwise."""
    try:
        return PROFILES[name]
    except KeyError:
        known = ", ".join(sorted(PROFILES))
        raise ValueError(f"unknown modem profile {name!r} (known: {known})") from None


__all__ = ["PROFILES", "Profile", "get_profile"]
