"""The simulated ESP-IDF second-stage bootloader (rollback enabled).

Picks the boot slot from otadata, marks a NEW image PENDING_VERIFY, aborts a
PENDING_VERIFY image that was not confirmed before this reset, and verifies the
image (magic, checksum, SHA-256) before booting it, trying the other slots when
it does not verify."""
from tools import appimage
from tools.simboard.board import _flashfmt as ff


class NoBootableApp(Exception):
    """No slot holds a valid application image."""


def boot(flash, log=print):
    """Select and verify the slot to run; returns (label, app descriptor dict)."""
    slots = flash.slots()
    if not slots:
        raise NoBootableApp("no app partitions")
    recs = flash.records()
    i = ff.active(recs)
    if i >= 0 and recs[i][1] == ff.PENDING_VERIFY:
        log(f"bootloader: {_slot(recs[i], slots)[0]} was not confirmed: rolling back")
        flash.write_record(i, recs[i][0], ff.ABORTED)
        recs = flash.records()
        i = ff.active(recs)
    if i >= 0 and recs[i][1] == ff.NEW:
        flash.write_record(i, recs[i][0], ff.PENDING_VERIFY)
    first = _slot(recs[i], slots) if i >= 0 else slots[0]
    for label, off, size in [first] + [s for s in slots if s != first]:
        data = flash.read(off, size)
        try:
            appimage.verify(data)
        except ValueError as e:
            log(f"bootloader: {label}: {e}")
            continue
        return label, appimage.read_descriptor(data) or {}
    raise NoBootableApp("no bootable app partition")


def _slot(rec, slots):
    return slots[(rec[0] - 1) % len(slots)]
