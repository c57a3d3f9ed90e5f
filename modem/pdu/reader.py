"""A cursor over the octets of a PDU that turns every shortfall into a ``PduError``.

Decoding reads a PDU front to back, field after field. Going through one reader means a
truncated or inconsistent PDU is reported the same way everywhere, with the name of the field
(as 3GPP TS 23.040 spells it) and the octet offset where it went wrong, and never as an
``IndexError`` from deep inside a slice.
"""

from __future__ import annotations

from modem.errors import PduError


class OctetReader:
    """Reads octets in order; offsets count from the first octet of the whole PDU."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._offset = 0

    @property
    def offset(self) -> int:
        """Offset of the next octet to read."""
        return self._offset

    @property
    def remaining(self) -> int:
        """How many octets are left."""
        return len(self._data) - self._offset

    def error(self, field: str, problem: str, offset: int | None = None) -> PduError:
        """The error to raise for ``field``, at ``offset`` (default: the next octet)."""
        where = self._offset if offset is None else offset
        return PduError(f"{field} at octet {where}: {problem}")

    def peek(self, field: str) -> int:
        """The next octet, without consuming it."""
        if self.remaining < 1:
            raise self.error(field, "the PDU ends here")
        return self._data[self._offset]

    def octet(self, field: str) -> int:
        """Consume one octet."""
        value = self.peek(field)
        self._offset += 1
        return value

    def take(self, count: int, field: str) -> bytes:
        """Consume ``count`` octets."""
        if count > self.remaining:
            raise self.error(field, f"needs {count} octets, only {self.remaining} remain")
        chunk = self._data[self._offset : self._offset + count]
        self._offset += count
        return chunk

    def expect_end(self, field: str) -> None:
        """Fail when octets are left over: the lengths announced in the PDU did not add up."""
        if self.remaining:
            raise self.error(field, f"{self.remaining} octets left over after the last field")
