"""``smsrelay serve``: wires the store, the pool, the dispatcher, the scheduler and discovery.

Start-up order matters for the at-most-once rule: the schema is migrated and what this node left
``sending`` is settled (``unknown``) *before* any worker opens a port.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Protocol

from apscheduler.schedulers.background import BackgroundScheduler

from modem.device import Timeouts

from .alerts import AlertJob  # issue 16: alerts to a person
from .campaigning.dated import run_dated_campaigns
from .clock import Clock, SystemClock
from .config import Config, ModemConfig
from .consent_desk import ConsentDesk
from .database_trouble import DatabaseTrouble
from .discovery import Discovery
from .dispatch import Dispatcher
from .mail.forwarding import MailForwarder  # issue 16: SMS to email and back
from .mail.imap_poll import ImapPoller
from .mail.listener import MailListener
from .memory import settle_after_start
from .nodes import Membership, NodeNameTaken
from .outbox import wakeup_path
from .pool import Pool
from .privacy import apply_retention
from .reports import ReportRecorder
from .ringing_store import RingingStore
from .send_socket_server import SendSocket
from .store.engine import create_engine_for, migrate
from .store.file_modes import database_paths, exposed, make_private_folder
from .waiters import ring, waiters_path
from .wakeup import Wakeup, WakeupInUse
from .webhooks import WebhookSender  # issue 4: webhook deliveries
from .worker import WorkerSettings

if TYPE_CHECKING:
    from modem.sim import Profile

log = logging.getLogger(__name__)


# The interpreter lets a thread that computes keep its lock for 5 ms (by default) before a thread
# that waits for it may run. A modem's worker that has just read its modem's OK is such a waiting
# thread, and every ms it waits is a ms the modem stands idle. At 1 ms: 8 simulated modems went
# from 0.968 to 0.973 of the ideal (bench/dispatch.py), the daemon's CPU per message did not grow.
SWITCH_INTERVAL = 0.001  # seconds
RETAIN_AFTER_START = timedelta(minutes=10)  # the retention job's first run after a start


class StartError(RuntimeError):
    """The daemon could not start (the panel could not listen, say); the reason in words."""


class Stoppable(Protocol):
    def stop(self) -> None: ...


# A frontend (the web panel) started with the running daemon and its bind address. The appliance
# finds them through the "smsrelay.frontends" entry points, so it never imports the web package.
Frontend = Callable[["Daemon", str], Stoppable]


def installed_frontends() -> list[Frontend]:
    return [entry.load() for entry in entry_points(group="smsrelay.frontends")]


@dataclass(frozen=True)
class Tuning:
    """Knobs that tests and benchmarks turn; the defaults are for real modems."""

    timeouts: Timeouts = field(default_factory=Timeouts)
    health_interval: float = 30.0
    expire_interval: float = 60.0
    rescan_interval: float = 60.0
    retry_base: float = 30.0
    reconnect_after: float = 2.0
    retry_failed_after: float = 300.0
    power_cycle_wait: float = 60.0
    registration_wait: float = 120.0
    alerts_interval: float = 60.0  # issue 16: the alert job's period
    mail_interval: float = 5.0  # received SMS forwarded by email


@dataclass(frozen=True)
class Simulation:
    """``serve --simulate N``: N simulated modems started in-process."""

    modems: int = 0
    profile: str | Profile = "generic"  # a name, or a Profile (with its quirks)
    time_scale: float = 1.0
    faults: dict[str, object] = field(default_factory=dict)
    seed: int = 0
    msisdns: tuple[str | None, ...] = ()  # the own number on each simulated SIM (AT+CNUM)


class Daemon:
    def __init__(
        self,
        config: Config,
        *,
        clock: Clock | None = None,
        simulation: Simulation | None = None,
        tuning: Tuning | None = None,
        frontends: Sequence[Frontend] = (),
        isolate_migration: bool = False,
    ) -> None:
        self.config = config
        self.clock = clock or SystemClock()
        self.simulation = simulation or Simulation()
        self.tuning = tuning or Tuning()
        self.engine = create_engine_for(config.database)
        # every outcome it records rings the processes waiting for one (``send --wait``)
        waiters = waiters_path(config)
        self.store = RingingStore(self.engine, on_settled=lambda: ring(waiters))
        self.simulators: list = []
        self.wakeup: Wakeup | None = None
        self.pool: Pool | None = None
        self.reports: ReportRecorder | None = None
        self.desk: ConsentDesk | None = None
        self.dispatcher: Dispatcher | None = None
        self.scheduler: BackgroundScheduler | None = None
        self.discovery: Discovery | None = None
        self.webhooks: WebhookSender | None = None  # issue 4: POSTs what the event log says
        # issue 15: this daemon among the nodes sharing PostgreSQL (leases, notifications, locks)
        self.membership = Membership(
            self.store, config, self.clock, self._wake, holding=self._holding
        )
        self.trouble: DatabaseTrouble | None = None  # a full disk, a database out of reach
        self._stopped = threading.Event()
        self._frontend_factories = list(frontends)
        # ``serve`` migrates in a child process: alembic would stay in the daemon's memory (12 MB)
        self._isolate_migration = isolate_migration
        self._stop_asked = threading.Event()
        self._on_signals = False
        self.frontends: list[Stoppable] = []
        self.mail_listener: MailListener | None = None  # issue 16: [mail] listen
        self.send_socket: SendSocket | None = None  # issue 16: ``smsrelay send`` hands over

    # --- start and stop ------------------------------------------------------------------------

    def start(self) -> Daemon:
        make_private_folder(self.config.data_dir)
        # first: a second daemon on this data folder (the same node, most likely) must stop
        # before it settles the first one's sends as its own (``recover``) or opens a port
        try:
            self.wakeup = Wakeup(wakeup_path(self.config))
        except WakeupInUse:
            self.stop()
            raise StartError(
                f"another smsrelay serve already uses the data folder {self.config.data_dir} "
                f"(its wake-up socket {wakeup_path(self.config)} answers): give each node on "
                "this machine its own [appliance] data_dir (and its own [node] name)"
            ) from None
        # made by the daemon, so its user (and group, under the service's umask) owns it
        waiters_path(self.config).mkdir(exist_ok=True)
        sys.setswitchinterval(SWITCH_INTERVAL)
        migrate(self.engine, isolated=self._isolate_migration)
        self._say_what_others_can_read()
        try:
            self.membership.join()  # before recover: a live namesake's sends are not ours
        except NodeNameTaken as exc:
            self.engine.dispose()
            raise StartError(str(exc)) from None
        settled = self.store.recover(self.config.node, self.config.resend_unknown, self.clock.now())
        if settled:
            log.warning(
                "%d message(s) were being sent when smsrelay stopped: %s",
                len(settled),
                "queued again" if self.config.resend_unknown else "now unknown",
            )
        self.trouble = DatabaseTrouble(self.config.data_dir)  # its note for the panel, the CLI
        self.reports = ReportRecorder(self.store, self.trouble).start()
        self.desk = ConsentDesk(self.store, self.config, self.clock, self._wake).start()
        self.pool = Pool(
            store=self.store,
            clock=self.clock,
            node=self.config.node,
            on_idle=self._worker_free,
            record_report=self.reports.record,
            on_received=self.desk.received,
            on_call=self.desk.missed_call,
            trouble=self.trouble,
            claim_ahead=self._claim_ahead,
        )
        self.dispatcher = Dispatcher(
            store=self.store,
            pool=self.pool,
            clock=self.clock,
            config=self.config,
            wakeup=self.wakeup,
            on_wake=self._panel_requests,
            lease=self.membership.lease_until,
            trouble=self.trouble,
        )
        explicit = [*self.config.modems, *self._start_simulators()]
        for modem in explicit:
            self.pool.add(self._settings(modem))
        if self.config.auto_discovery and not self.simulation.modems:
            self.discovery = Discovery(
                add=lambda port: self.pool.add(self._settings(port)),
                remove=self.pool.remove,
                explicit=[m.port for m in explicit],
            )
            self.discovery.rescan()
            self.discovery.start_monitor()
        self.dispatcher.start()
        self.webhooks = WebhookSender(  # issue 4
            self.store, self.clock, networks=self.config.security.webhook_networks
        ).start()
        self.scheduler = self._schedule()
        self.scheduler.start()
        # the system's clock, not the daemon's: the message is queued as the CLI would queue it
        self.send_socket = SendSocket(self.store, self.config, SystemClock().now).start()
        if self.config.mail.listen is not None:
            try:
                self.mail_listener = MailListener(self.store, self.config, self.clock).start()
            except Exception as exc:  # the port is taken, say
                self.stop()
                raise StartError(f"[mail] listen: cannot listen: {exc}") from exc
        for start_frontend in self._frontend_factories:
            try:
                self.frontends.append(start_frontend(self, self.config.bind))
            except Exception as exc:  # the port is taken, say: stop what started, in words
                if self._stop_asked.is_set():  # SIGTERM while it started: stop, no error
                    log.info("asked to stop while starting: %s", exc)
                    return self
                self.stop()
                raise StartError(str(exc)) from exc
        settle_after_start()  # the start-up heap: collected, frozen, trimmed (appliance.memory)
        return self

    def _say_what_others_can_read(self) -> None:
        """Warn of a data folder or database files other users may open (``file_modes``)."""
        data = self.config.data_dir
        paths = dict.fromkeys([data, data / "secret_key", *database_paths(self.config.database)])
        for warning in exposed(list(paths)):
            log.warning("%s", warning)

    def stop(self) -> None:
        if self._stopped.is_set():
            return
        self._stopped.set()
        for frontend in self.frontends:  # asked first, waited for last: they stop meanwhile
            begin = getattr(frontend, "begin_stop", None)
            if begin is not None:
                begin()
        if self.send_socket is not None:  # first: no new message while it stops
            self.send_socket.stop()
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
        if self.mail_listener is not None:
            self.mail_listener.stop()
        if self.discovery is not None:
            self.discovery.stop()
        if self.dispatcher is not None:
            self.dispatcher.stop()
        if self.pool is not None:
            self.pool.stop()
        if self.reports is not None:  # after the pool: the reports its workers handed over
            self.reports.stop()
        if self.desk is not None:  # after the pool too; what it leaves is handled at next start
            self.desk.stop()
        if self.webhooks is not None:  # issue 4: after the pool, whose last events it fans out
            self.webhooks.stop()
        for frontend in self.frontends:
            frontend.stop()
        for server in self.simulators:
            server.stop()
        self.membership.leave()  # after the pool: its last claims are settled
        if self.wakeup is not None:
            self.wakeup.close()
        if self.trouble is not None:
            self.trouble.close()
        self.engine.dispose()

    @property
    def stop_asked(self) -> threading.Event:
        """Set by SIGINT or SIGTERM: frontends still starting give up at once when it is."""
        return self._stop_asked

    def stop_on_signals(self) -> Daemon:
        """SIGINT and SIGTERM ask ``run_forever`` to stop. Installed before ``start``: a signal
        that comes while the daemon starts (systemd stopping it, say) is kept, not lost."""
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: self._stop_asked.set())
        self._on_signals = True
        return self

    def run_forever(self) -> None:
        """Block until SIGINT or SIGTERM, then stop cleanly."""
        if not self._on_signals:
            self.stop_on_signals()
        try:
            self._stop_asked.wait()
        finally:
            self.stop()

    # --- parts ---------------------------------------------------------------------------------

    def _start_simulators(self) -> list[ModemConfig]:
        if not self.simulation.modems:
            return []
        from modem.sim import start_fleet

        directory = self.config.data_dir / "simulated"
        directory.mkdir(parents=True, exist_ok=True)
        self.simulators = start_fleet(
            self.simulation.modems,
            profile=self.simulation.profile,
            directory=directory,
            time_scale=self.simulation.time_scale,
            seed=self.simulation.seed or self._simulation_seed(),
            msisdns=self.simulation.msisdns,
            **self.simulation.faults,
        )
        defaults = self.config.defaults
        return [replace(defaults, port=str(server.link)) for server in self.simulators]

    def _simulation_seed(self) -> int:
        """Nodes sharing a database simulate modems of their own (IMEIs and ICCIDs drawn from
        the node's name); one node keeps seed 0, the identities it always had."""
        if not self.membership.shared:
            return 0
        return 1 + zlib.crc32(self.config.node.encode()) % 1_000_000

    def _settings(self, modem: ModemConfig | str) -> WorkerSettings:
        if isinstance(modem, str):
            modem = replace(self.config.defaults, port=modem)
        tuning = self.tuning
        return WorkerSettings(
            port=str(modem.port),
            pin=modem.pin,
            max_per_minute=modem.max_per_minute,
            daily_limit=modem.daily_limit,
            monthly_limit=modem.monthly_limit,
            group=modem.group,
            timeouts=tuning.timeouts,
            retry_base=tuning.retry_base,
            reconnect_after=tuning.reconnect_after,
            retry_failed_after=tuning.retry_failed_after,
            power_cycle_wait=tuning.power_cycle_wait,
            registration_wait=tuning.registration_wait,
            resend_unknown=self.config.resend_unknown,
            timezone=self.config.timezone,
            region=self.config.region,
            validity=self.config.validity,
            hangup_calls=modem.hangup_calls,
            hangup_command=modem.hangup_command,
            credit_code=modem.credit_code,
            credit_every=modem.credit_every,
            credit_low=modem.credit_low,
        )

    def _schedule(self) -> BackgroundScheduler:
        assert self.pool is not None and self.dispatcher is not None
        scheduler = BackgroundScheduler(timezone=self.config.timezone)
        common = {"max_instances": 1, "coalesce": True}
        tuning = self.tuning
        scheduler.add_job(
            self.pool.poll_all, "interval", seconds=tuning.health_interval, id="health", **common
        )
        one_node = self.membership.exclusive  # jobs one node at a time runs (advisory locks)
        scheduler.add_job(
            one_node("expire", self._expire),
            "interval",
            seconds=tuning.expire_interval,
            id="expire",
            **common,
        )
        scheduler.add_job(
            self.dispatcher.wake, "cron", hour=0, minute=0, second=1, id="new-day", **common
        )  # the day's caps open again
        # [retention], every night (the sends' quiet time), and once soon after a start, for an
        # appliance that is switched off at night
        scheduler.add_job(
            one_node("retention", self._retain), "cron", hour=3, minute=30, id="retention",
            misfire_grace_time=3600,
            next_run_time=datetime.now(UTC) + RETAIN_AFTER_START, **common,
        )  # fmt: skip
        # campaigns on contacts' own dates (a birthday, eligible again): planned every hour
        scheduler.add_job(
            one_node("dated-campaigns", self._plan_dated), "interval", hours=1,
            id="dated-campaigns",
            next_run_time=datetime.now(UTC) + timedelta(minutes=1), **common,
        )  # fmt: skip
        self._schedule_mail_and_alerts(scheduler, one_node, common)
        if self.membership.shared:  # several nodes may share it: leases and their sweep
            every = self.membership.renew_every
            scheduler.add_job(
                self.membership.renew, "interval", seconds=every, id="lease", **common
            )
            scheduler.add_job(
                one_node("sweep", self.membership.sweep), "interval", seconds=every, id="sweep",
                next_run_time=datetime.now(UTC), **common,
            )  # fmt: skip
        if self.discovery is not None:
            scheduler.add_job(
                self.discovery.rescan,
                "interval",
                seconds=tuning.rescan_interval,
                id="rescan",
                **common,
            )
        return scheduler

    def _schedule_mail_and_alerts(self, scheduler, one_node, common) -> None:
        """Issue 16: the alert job (one node at a time), the forwarding of received SMS by
        email when ``[mail] to`` is set, the IMAP mailbox polled when ``[imap] host`` is."""
        alerts = AlertJob(self.store, self.config, self.clock, self._wake)
        scheduler.add_job(
            one_node("alerts", alerts.run), "interval", seconds=self.tuning.alerts_interval,
            id="alerts", next_run_time=datetime.now(UTC), **common,
        )  # fmt: skip
        if self.config.imap.host is not None:  # replies read from a mailbox
            poller = ImapPoller(self.store, self.config, self.clock)
            scheduler.add_job(
                one_node("mail-imap", poller.run), "interval",
                seconds=self.config.imap.every.total_seconds(), id="mail-imap",
                next_run_time=datetime.now(UTC), **common,
            )  # fmt: skip
        if self.config.mail.to and self.config.mail.forward:
            forwarder = MailForwarder(self.store, self.config, self.clock)
            scheduler.add_job(
                one_node("mail-forward", forwarder.run), "interval",
                seconds=self.tuning.mail_interval, id="mail-forward",
                next_run_time=datetime.now(UTC), **common,
            )  # fmt: skip

    def _holding(self) -> set[int]:
        return self.pool.holding() if self.pool is not None else set()

    def _wake(self) -> None:
        """New work was queued in this process (a keyword's confirmation): a dispatcher pass."""
        if self.wakeup is not None:
            self.wakeup.set()

    def _worker_free(self, worker: object) -> None:
        """A worker became free: its next message at once if one may go, else a dispatcher pass."""
        if self.dispatcher is not None:
            self.dispatcher.offer(worker)
        elif self.wakeup is not None:
            self.wakeup.set()

    def _claim_ahead(self, worker: object) -> bool:
        """A worker on the air may take its next message now (``Dispatcher.claim_ahead``)."""
        return self.dispatcher is not None and self.dispatcher.claim_ahead(worker)

    def _panel_requests(self) -> None:
        """What the panel asked of this daemon's modems besides messages: credit queries
        (``Store.ask_credit``), handed to the workers of those SIMs."""
        asked = self.store.credit_requests()
        if asked and self.pool is not None:
            self.pool.check_credit(set(asked))

    def _plan_dated(self) -> None:
        if run_dated_campaigns(self.store, self.config, self.clock.now()):
            self._wake()

    def _retain(self) -> None:
        apply_retention(self.store, self.config.retention, self.clock.now())

    def _expire(self) -> None:
        expired = self.store.expire(self.clock.now())
        if expired:
            log.info("%d message(s) expired", expired)
