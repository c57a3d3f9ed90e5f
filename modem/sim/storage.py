"""A modem's message storages: numbered slots holding PDUs with their 27.005 status.

Each slot holds the PDU exactly as AT+CMGR/AT+CMGL print it (the SMSC address, then the TPDU),
the TPDU length those commands print, and the ``<stat>`` of 3GPP TS 27.005 §3.1 (0 received
unread, 1 received read, 2 stored unsent, 3 stored sent). Indices start at 0 or 1 depending on
the device (Qualcomm-based modems count from 0). Storages outlive a reboot: the SIM's and the
modem's flash are non-volatile.
"""

from __future__ import annotations

from dataclasses import dataclass

REC_UNREAD, REC_READ, STO_UNSENT, STO_SENT, ALL = 0, 1, 2, 3, 4


@dataclass
class StoredMessage:
    """One occupied slot."""

    stat: int
    pdu: str
    tpdu_length: int


def tpdu_length(pdu_hex: str) -> int:
    """Octets of a hex PDU after its leading SMSC address (what +CMGL/+CMT/+CDS print)."""
    smsc_octets = int(pdu_hex[:2], 16)
    return len(pdu_hex) // 2 - 1 - smsc_octets


class MessageStore:
    """The slots of one storage, ``capacity`` of them numbered from ``first_index``."""

    def __init__(self, name: str, capacity: int, first_index: int) -> None:
        self.name = name
        self.capacity = capacity
        self.first_index = first_index
        self._slots: dict[int, StoredMessage] = {}

    @property
    def used(self) -> int:
        return len(self._slots)

    @property
    def full(self) -> bool:
        return len(self._slots) >= self.capacity

    def valid_index(self, index: int) -> bool:
        """True when ``index`` names a slot of this storage, empty or not."""
        return self.first_index <= index < self.first_index + self.capacity

    def add(self, stat: int, pdu_hex: str) -> int | None:
        """Store a PDU in the lowest free slot; its index, or None when the storage is full."""
        for index in range(self.first_index, self.first_index + self.capacity):
            if index not in self._slots:
                self._slots[index] = StoredMessage(stat, pdu_hex, tpdu_length(pdu_hex))
                return index
        return None

    def get(self, index: int) -> StoredMessage | None:
        return self._slots.get(index)

    def delete(self, index: int) -> None:
        self._slots.pop(index, None)

    def delete_by_flag(self, flag: int) -> None:
        """AT+CMGD=<index>,<delflag> for flag 1-4 (27.005 §3.5.4): which statuses go."""
        doomed = {1: {REC_READ}, 2: {REC_READ, STO_SENT}, 3: {REC_READ, STO_SENT, STO_UNSENT}}.get(
            flag, {REC_UNREAD, REC_READ, STO_UNSENT, STO_SENT}
        )
        for index in [i for i, m in self._slots.items() if m.stat in doomed]:
            del self._slots[index]

    def listing(self, stat: int) -> list[tuple[int, StoredMessage]]:
        """Occupied slots with status ``stat`` (4 = all), by index."""
        return sorted(
            (index, message)
            for index, message in self._slots.items()
            if stat == ALL or message.stat == stat
        )
