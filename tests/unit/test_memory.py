"""The daemon's memory tuning: called where it must be, harmless where glibc's functions are not."""

from __future__ import annotations

import dataclasses
import gc
import platform
import subprocess
import sys
import textwrap

import pytest

import appliance.daemon
from appliance import memory
from appliance.config import load_config
from appliance.daemon import Daemon
from appliance.store.engine import (
    MigrationFailed,
    _schema_is_current,
    create_engine_for,
    migrate,
)

ON_GLIBC = platform.libc_ver()[0] == "glibc"


class FakeFunction:
    """Stands for a ctypes function: records its calls, takes argtypes and restype."""

    def __init__(self, returns: int) -> None:
        self.returns, self.calls = returns, []

    def __call__(self, *args: int) -> int:
        self.calls.append(args)
        return self.returns


class MuslLike:
    """A C library with ``mallopt`` (musl's does nothing) and no ``malloc_trim``."""

    def __init__(self) -> None:
        self.mallopt = FakeFunction(returns=0)


class GlibcLike:
    def __init__(self) -> None:
        self.mallopt = FakeFunction(returns=1)
        self.malloc_trim = FakeFunction(returns=1)


class NoMalloc:
    """A C library without either function."""


@pytest.fixture
def unfrozen():
    """gc.freeze() is process-wide: give the test suite its collector back afterwards."""
    yield
    gc.unfreeze()


@pytest.fixture
def no_arena_variable(monkeypatch):
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)


def test_the_arena_cap_is_set_with_mallopt(no_arena_variable):
    libc = GlibcLike()
    assert memory.limit_malloc_arenas(libc=libc) is True
    assert libc.mallopt.calls == [(memory.M_ARENA_MAX, memory.DAEMON_ARENAS)]


def test_an_arena_count_in_the_environment_is_the_operator_s_choice(monkeypatch):
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    libc = GlibcLike()
    assert memory.limit_malloc_arenas(libc=libc) is False
    assert libc.mallopt.calls == []


@pytest.mark.parametrize("libc", [MuslLike(), NoMalloc()], ids=["musl-like", "no-malloc"])
def test_without_glibc_s_functions_the_cap_is_a_no_op(no_arena_variable, libc):
    assert memory.limit_malloc_arenas(libc=libc) is False


def test_settling_collects_the_start_up_garbage_and_freezes_the_rest(unfrozen):
    class Cycle:
        pass

    garbage = Cycle()
    garbage.me = garbage  # only the collector frees a cycle
    del garbage
    libc = GlibcLike()
    settled = memory.settle_after_start(libc=libc)
    assert settled.collected >= 1
    assert settled.frozen == gc.get_freeze_count() > 0
    assert settled.trimmed is True
    assert libc.malloc_trim.calls == [(0,)]


@pytest.mark.parametrize("libc", [MuslLike(), NoMalloc()], ids=["musl-like", "no-malloc"])
def test_settling_without_malloc_trim_still_freezes(unfrozen, libc):
    settled = memory.settle_after_start(libc=libc)
    assert settled.trimmed is False
    assert settled.frozen > 0


def test_the_real_c_library_takes_both_calls(no_arena_variable, unfrozen):
    """The ctypes signatures against this machine's libc: glibc says yes, any other says no."""
    assert memory.limit_malloc_arenas(memory.DAEMON_ARENAS) is ON_GLIBC
    memory.settle_after_start()  # malloc_trim(0) may or may not find pages: it must not fail


def test_the_daemon_settles_its_heap_once_started(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(appliance.daemon, "settle_after_start", lambda: calls.append("settled"))
    base = load_config(None, environ={"XDG_DATA_HOME": str(tmp_path), "TZ": "UTC"})
    daemon = Daemon(dataclasses.replace(base, auto_discovery=False))
    try:
        daemon.start()
        assert calls == ["settled"]
        assert daemon.scheduler is not None and daemon.scheduler.running  # after everything
    finally:
        daemon.stop()


def test_an_isolated_migration_leaves_alembic_out_of_the_process(tmp_path):
    url = f"sqlite:///{tmp_path / 'smsrelay.db'}"
    program = textwrap.dedent(
        f"""
        import sys
        from appliance.store.engine import create_engine_for, migrate
        migrate(create_engine_for({url!r}), isolated=True)
        print(sorted(m for m in sys.modules if m.split(".")[0] in ("alembic", "mako")))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
    assert _schema_is_current(create_engine_for(url))


def test_an_isolated_migration_that_fails_says_why(tmp_path):
    not_a_database = tmp_path / "smsrelay.db"
    not_a_database.write_bytes(b"this is not an SQLite file, whatever its name says" * 4)
    with pytest.raises(MigrationFailed, match="file is not a database"):
        migrate(create_engine_for(f"sqlite:///{not_a_database}"), isolated=True)


def test_an_in_memory_database_is_migrated_in_process_even_when_isolated():
    engine = create_engine_for("sqlite://")
    migrate(engine, isolated=True)  # a child could not see this database
    assert _schema_is_current(engine)
