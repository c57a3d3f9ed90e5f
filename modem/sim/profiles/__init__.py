"""The registry of simulated modem models, one module per vendor."""

from __future__ import annotations

from modem.sim.profile import Profile

from . import generic, huawei, quectel, simcom

PROFILES: dict[str, Profile] = {
    profile.name: profile
    for profile in (generic.PROFILE, huawei.PROFILE, simcom.PROFILE, quectel.PROFILE)
}


def get_profile(name: str) -> Profile:
    """The profile called ``name``; ValueError naming the known ones otherwise."""
    try:
        return PROFILES[name]
    except KeyError:
        known = ", ".join(sorted(PROFILES))
        raise ValueError(f"unknown modem profile {name!r} (known: {known})") from None


__all__ = ["PROFILES", "Profile", "get_profile"]
