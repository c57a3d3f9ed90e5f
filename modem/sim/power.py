"""Power, boot, the SIM and registration of a simulated modem, on its simulated clock.

Power-on (cold: boot URCs, the SIM read after ``sim_init_time``, registration after
``registration_time``, as the profile says), power-off, AT+CFUN, the reboot of AT+CFUN=1,1 with
a USB re-enumeration, and the +CREG/+CGREG/+CEREG and vendor URCs of a change. A mixin of
``FakeModem``: it uses its clock (``_at``, ``_cancel``), its output (``_write``) and the network
side (``_offer``).
"""

from __future__ import annotations

import math

from .handler import SimState
from .results import urc

RESET_AFTER_OK = 1.0  # seconds from the OK of AT+CFUN=1,1 to the reboot (the OK must get out)


class PowerAndRegistration:
    """Power, boot, SIM state and network registration."""

    def power_off(self, now: float) -> None:
        """The modem loses power (unplugged). What the network holds for it stays there."""
        self._advance(now)
        self._power_off(now)

    def _power_off(self, now: float) -> None:
        self._cancel("cmd", "urc", "boot", "periodic", "reg", "hang", "bus")
        self._power = "off"
        self._hung_until = None
        self._rx.clear()
        self._line.clear()
        self._state, self._prompt, self._line_rest = "idle", None, []
        self.awaiting_network = False
        self._check_registration(now)

    def power_on(self, now: float) -> None:
        """The modem powers up and boots: boot URCs, SIM read, registration, as the profile says."""
        self._advance(now)
        if self._power == "on":
            self._power_off(now)
        self._detached = False
        self._power_on(now, cold=True)

    def power_cycle(self, now: float) -> None:
        """Off and on again: the only cure for a modem hung for good."""
        self.power_off(now)
        self.power_on(now)

    def remove_sim(self, now: float) -> None:
        """Pull the SIM out: SIM commands answer "SIM not inserted", registration is lost."""
        self._advance(now)
        self.sim.present = False
        self._check_registration(now)

    def insert_sim(self, now: float) -> None:
        """Put the SIM back: the modem reads it again (``sim_init_time``), then registers.

        As a module with SIM hot-swap detection does (Quectel EC2x AT Commands Manual,
        AT+QSIMDET; SIMCom SIM800 Series AT Command Manual, AT+CSDT): the card is powered and
        read as at boot, so it asks for its PIN again if it has one, and the profile's
        ``+CPIN:`` URC announces it.
        """
        self._advance(now)
        self.sim.present = True
        self.sim.locked = self.sim.pin is not None
        self._sim_ready_at = now + self.profile.sim_init_time
        self._at(self._sim_ready_at, "boot", self._sim_read)
        self._check_registration(now)

    def sim_state(self, t: float) -> SimState:
        if not self.sim.present:
            return "absent"
        if t < self._sim_ready_at:
            return "busy"
        if self.sim.dead:
            return "failure"
        if self.sim.blocked:
            return "puk"
        if self.sim.locked:
            return "pin"
        return "ready"

    def registration(self, t: float) -> int:
        """+CREG <stat>: 0 not registered, 1 home, 2 searching, 3 denied (TS 27.007 §7.2)."""
        if self._power != "on" or self._cfun != 1 or self.sim_state(t) != "ready":
            return 0
        if self.faults.registration_denied:
            return 3
        if self.faults.not_searching:
            return 0
        if self.faults.no_network or t < self._registered_at:
            return 2
        return 1

    def registered(self, t: float) -> bool:
        return self.registration(t) in (1, 5)

    @property
    def cfun(self) -> int:
        return self._cfun

    def set_cfun(self, fun: int, t: float) -> None:
        """Radio on (1) or off (0, 4): registering again takes the profile's registration time."""
        if fun == 1 and self._cfun != 1:
            self._registered_at = t + self.profile.registration_time
            self._at(self._registered_at, "reg", self._check_registration)
        self._cfun = fun
        self._check_registration(t)

    def reset(self, t: float) -> None:
        """AT+CFUN=1,1 answered: the modem reboots ``RESET_AFTER_OK`` later; a USB modem drops off
        the bus then and comes back as a new device after its re-enumeration time."""
        self._at(t + RESET_AFTER_OK, "bus", self._reboot)

    def _reboot(self, t: float) -> None:
        self._power_off(t)
        if self.profile.cfun_reset_reenumerates:
            self._detached = True
            self._bus_events.append("detach")
            back = t + self.profile.reenumeration_time
            self._at(back, "bus", self._attach)
        self._power_on(t, cold=True)

    def unlock_sim(self, t: float) -> None:
        """The SIM accepted the PIN or PUK: announce it and start registering."""
        self.sim.locked = False
        self.sim.blocked = False
        if self.profile.announces_cpin:
            self._write(urc(["+CPIN: READY"]))
        self._sim_became_ready(t)

    # power, boot, SIM, registration

    def _power_on(self, now: float, cold: bool) -> None:
        p = self.profile
        self._power = "on"
        self._hung_until = None
        self.settings = self._default_settings()
        self._urc_buffer = []
        self._cfun = p.quirks.radio_at_start  # 1 unless the device starts with its radio off
        self._registered_at = math.inf
        self.sim.locked = self.sim.pin is not None
        if not cold:  # constructed as a modem that has been running for a while
            self._responsive_at = self._sim_ready_at = now
            self._sim_data_at = now + p.quirks.sim_busy_after_ready
            if self.sim_state(now) == "ready" and self._cfun == 1:
                self._registered_at = now
            self._last_stat = self.registration(now)
            self._last_mode = p.system_mode if self.registered(now) else (0, 0)
            self._start_periodic(now)
            return
        self._responsive_at = now + p.responsive_after
        self._sim_ready_at = now + p.sim_init_time
        for boot in p.boot_urcs:
            self._at(now + boot.delay, "boot", lambda _t, ln=boot.line: self._write(urc([ln])))
        self._at(self._sim_ready_at, "boot", self._sim_read)
        self._start_periodic(self._responsive_at)

    def _sim_read(self, t: float) -> None:
        """The SIM has been read after power-on: say so, and carry on if it needs no PIN."""
        state = self.sim_state(t)
        if state == "absent":
            if self.profile.cpin_absent_urc:
                self._write(urc([self.profile.cpin_absent_urc]))
            return
        if self.profile.announces_cpin:
            text = {"ready": "READY", "pin": "SIM PIN", "puk": "SIM PUK"}.get(state)
            if text:
                self._write(urc([f"+CPIN: {text}"]))
        if state == "ready":
            self._sim_became_ready(t)

    def sim_data_busy(self, t: float) -> bool:
        """Whether the SIM, though ready, still answers "SIM busy" to reads of its data
        (``Quirks.sim_busy_after_ready``)."""
        return t < self._sim_data_at

    def _sim_became_ready(self, t: float) -> None:
        self._sim_data_at = t + self.profile.quirks.sim_busy_after_ready
        for ready in self.profile.ready_urcs:
            self._at(t + ready.delay, "boot", lambda _t, ln=ready.line: self._write(urc([ln])))
        if self._cfun == 1:
            self._registered_at = t + self.profile.registration_time
            self._at(self._registered_at, "reg", self._check_registration)

    def _start_periodic(self, t: float) -> None:
        for periodic in self.profile.periodic_urcs:
            self._schedule_periodic(t + periodic.period, periodic.period, periodic.line)

    def _schedule_periodic(self, t: float, period: float, line: str) -> None:
        def tick(now: float) -> None:
            if self.settings.curc:
                mode, submode = self._last_mode
                rssi = self.signal if self._cfun == 1 else 99
                self._write(
                    urc([line.format(rssi=rssi, mode=mode, submode=submode, boot=self.boot_id)])
                )
            self._schedule_periodic(now + period, period, line)

        self._at(t, "periodic", tick)

    def _check_registration(self, t: float) -> None:
        stat = self.registration(t)
        if stat == self._last_stat:
            return
        self._last_stat = stat
        s = self.settings
        for name, n in (("+CREG", s.creg), ("+CGREG", s.cgreg), ("+CEREG", s.cereg)):
            if n >= 1 and (name != "+CEREG" or self.profile.has_cereg):
                self._write(urc([f"{name}: {self.registration_fields(stat, n, urc=True)}"]))
        mode = self.profile.system_mode if stat in (1, 5) else (0, 0)
        if self.profile.mode_urc and mode != self._last_mode:
            self._write(urc([self.profile.mode_urc.format(mode=mode[0], submode=mode[1])]))
        self._last_mode = mode
        if stat in (1, 5):
            self._offer(t)

    def registration_fields(self, stat: int, n: int, urc: bool) -> str:
        """``<stat>[,<lac>,<ci>[,<AcT>]]`` (URC) or ``<n>,<stat>...`` (read), TS 27.007 §7.2."""
        fields = [str(stat)] if urc else [str(n), str(stat)]
        if n == 2 and stat in (1, 5):
            fields += [f'"{self.lac}"', f'"{self.cell}"']
            if self.profile.creg_act is not None:
                fields.append(str(self.profile.creg_act))
        return ",".join(fields)

    def _attach(self, t: float) -> None:
        self._detached = False
        self._bus_events.append("attach")
        self._offer(t)
