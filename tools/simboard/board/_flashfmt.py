"""ESP-IDF partition table and otadata records.

Shared by the simulated bootloader (CPython) and the esp32 stand-in (MicroPython):
only struct and binascii are used."""
import binascii
import struct

TABLE_OFFSET = 0x8000
SECTOR = 4096
ENTRY = "<HBBII16sI"       # magic, type, subtype, offset, size, label, flags
ENTRY_MAGIC = 0x50AA
MD5_MAGIC = 0xEBEB
TYPE_APP = 0
TYPE_DATA = 1
SUBTYPE_OTA_DATA = 0
OTA_0 = 0x10
NEW, PENDING_VERIFY, VALID, INVALID, ABORTED = 0, 1, 2, 3, 4
UNDEFINED = ERASED = 0xFFFFFFFF


def parse_table(raw):
    """Entries of a binary partition table: (type, subtype, offset, size, label)."""
    out = []
    for pos in range(0, len(raw) - 31, 32):
        magic, ptype, sub, off, size, label, _ = struct.unpack_from(ENTRY, raw, pos)
        if magic != ENTRY_MAGIC:
            break
        out.append((ptype, sub, off, size, label.split(b"\0", 1)[0].decode()))
    return out


def crc(seq):
    """CRC of an otadata record, as ESP-IDF's bootloader computes it."""
    return binascii.crc32(struct.pack("<I", seq), 0xFFFFFFFF) & 0xFFFFFFFF


def pack_record(seq, state):
    """A 32-byte otadata record."""
    return struct.pack("<I20sII", seq, b"\xff" * 20, state, crc(seq))


def unpack_record(raw):
    """(seq, state, crc_ok) of a 32-byte otadata record."""
    seq, _, state, c = struct.unpack("<I20sII", bytes(raw[:32]))
    return seq, state, seq != ERASED and c == crc(seq)


def usable(rec):
    """A record the bootloader may follow (rollback enabled)."""
    seq, state, ok = rec
    return ok and state not in (INVALID, ABORTED)


def active(recs):
    """Index of the record that selects the boot slot, or -1 when none is usable."""
    best = -1
    for i, rec in enumerate(recs):
        if usable(rec) and (best < 0 or rec[0] > recs[best][0]):
            best = i
    return best


def next_seq(recs, slot, nslots):
    """(sector index, sequence number) that set_boot(slot) writes."""
    i = active(recs)
    if i < 0:
        return 0, slot + 1
    seq = recs[i][0]
    n = seq + 1
    while (n - 1) % nslots != slot:
        n += 1
    return 1 - i, n
