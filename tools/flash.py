"""python -m tools.flash: write MicroPython and the application to a board with esptool.

The firmware goes to the board's firmware offset and a LittleFS image of --files to the
region MicroPython mounts as its filesystem, so the board boots straight into the
application; --romfs adds the library's ROMFS image (make build writes build/romfs.img
for ESP8266_GENERIC-FLASH_2M_ROMFS) at the board's ROMFS partition. --app-only writes
just a MicroPython application image (micropython.bin) into the board's application slot
and keeps everything else. esptool verifies every
region it writes (MD5 of the flash against the data)."""
import argparse
import os
import sys

import serial
from esptool.cmds import (attach_flash, connect_esp, detect_flash_size, reset_chip,
                          run_stub, write_flash)
from esptool.loader import ESPLoader
from esptool.util import FatalError, flash_size_bytes

from tools import flashlayout, fsimage, fwimage, romfs
from tools.flashlayout import BOARDS, LayoutError
from tools.simboard.board import _flashfmt as ff

FLASH_SIZES = ("detect", "1MB", "2MB", "4MB", "8MB", "16MB")
HINTS = (
    ("could not open port", "is the board plugged in and PORT right (ls /dev/ttyUSB* "
     "/dev/ttyACM*)? On Linux, permission denied means: sudo usermod -aG dialout $USER, "
     "then log in again."),
    ("Failed to connect", "hold the BOOT button while esptool prints 'Connecting...', "
     "and use a USB cable that carries data."),
)


class Refused(Exception):
    """Input that must not be written; raised before anything is written."""


def parse_args(argv):
    ap = argparse.ArgumentParser(prog="python -m tools.flash", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", "-p", required=True, help="serial port, e.g. /dev/ttyUSB0")
    ap.add_argument("--firmware", required=True,
                    help="MicroPython firmware .bin (micropython.bin with --app-only)")
    ap.add_argument("--board", choices=BOARDS,
                    help="board the firmware is for (default: read from the firmware)")
    ap.add_argument("--files", metavar="DIR", help="folder to put on the filesystem")
    ap.add_argument("--romfs", metavar="IMAGE",
                    help="ROMFS image for the board's ROMFS partition (make build writes "
                         "build/romfs.img for ESP8266_GENERIC-FLASH_2M_ROMFS)")
    ap.add_argument("--app-only", action="store_true",
                    help="write only an application image, keep bootloader and files")
    ap.add_argument("--baud", "-b", type=int, default=460800,
                    help="baud rate while writing (default 460800)")
    ap.add_argument("--flash-size", choices=FLASH_SIZES, default="detect",
                    help="flash size, also stored in the firmware header (default: detect)")
    return ap.parse_args(argv)


def read_firmware(path):
    try:
        data = open(path, "rb").read()
        return data, fwimage.inspect(data)
    except (OSError, ValueError) as e:
        raise Refused(f"{path}: {e}") from None


def check_kind(args, fw):
    """Refuse an application-only image where a full firmware goes, and the reverse."""
    if fw.kind == fwimage.APP and not args.app_only:
        raise Refused(f"{args.firmware} is an application-only image (micropython.bin / "
                      "*.app-bin): it has no bootloader or partition table. Flash the full "
                      "firmware (e.g. ESP32_GENERIC-OTA-<date>-<version>.bin), or pass "
                      "--app-only to update only MicroPython.")
    if fw.kind != fwimage.APP and args.app_only:
        raise Refused(f"{args.firmware} is a full {fw.chip} firmware, not an application-only "
                      "image (micropython.bin / *.app-bin): drop --app-only to flash it.")


def check_app_only(args, fw):
    """Refuse what --app-only cannot do: files, a ROMFS image, other chips than the ESP32."""
    if args.files:
        raise Refused("--app-only keeps the filesystem: drop --files")
    if fw.chip != "esp32":
        raise Refused(f"{args.firmware} is an {fw.chip} application image: --app-only "
                      "writes ESP32 ones")
    if args.romfs:
        raise Refused("--app-only keeps the ROMFS partition: drop --romfs")
    if args.board and BOARDS[args.board].chip == "esp8266":
        raise Refused("--app-only is for ESP32 boards: an ESP8266 firmware has no "
                      "separate application image")


def board_for(args, fw, what, table):
    """The board `what` (a firmware, or a board's partition table) belongs to; Refused
    when it is not the --board asked for."""
    try:
        found = flashlayout.board_of(fw.chip, table)
    except LayoutError as e:
        raise Refused(f"{what}: {e}") from None
    same_chip = args.board and BOARDS[args.board].chip == BOARDS[found].chip == "esp8266"
    if args.board and args.board != found and not same_chip:   # (ESP8266 variants look alike)
        raise Refused(f"{what} is for {found} ({BOARDS[found].description}), but --board "
                      f"{args.board} was given: use the {args.board} firmware, or --board "
                      f"{found}.")
    return args.board or found


def connect(port, chip, baud):
    """An esptool loader on `port` running the flasher stub, with the flash attached."""
    esp = run_stub(connect_esp(port=port, chip=chip))
    if baud > ESPLoader.ESP_ROM_BAUD:
        esp.change_baud(baud)
    attach_flash(esp)
    print(f"Connected to {esp.get_chip_description()} on {port}")
    return esp


def flash_size_of(esp, asked):
    size = detect_flash_size(esp) if asked == "detect" else asked
    if size is None:
        raise FatalError("could not detect the flash size: pass --flash-size")
    print(f"Flash size: {size} ({'detected' if asked == 'detect' else '--flash-size'})")
    return size


def full_plan(args, fw, data, board, flash_size, rom):
    """[(offset, data, description)] for a firmware, a ROMFS image (rom, or None) and
    the --files filesystem."""
    offset = BOARDS[board].firmware_offset
    version = f" {fw.version}" if fw.version else ""
    plan = [(offset, data, f"{board} firmware{version} ({args.firmware})")]
    if rom:
        plan.append(rom)
    if args.files:
        plan.append(filesystem(args.files, board, flash_size, fw.table, offset + len(data)))
    return plan


def romfs_region(path, board, firmware_end):
    """(offset, image, description) of a ROMFS image in the board's ROMFS partition."""
    part = BOARDS[board].romfs
    if part is None:
        raise Refused(f"{board} has no ROMFS partition: use the ESP8266_GENERIC-FLASH_2M_ROMFS "
                      "firmware and --board, or drop --romfs")
    try:
        image = open(path, "rb").read()
    except OSError as e:
        raise Refused(f"--romfs {path}: {e.strerror}") from None
    size = romfs.length(image)
    if size is None:
        raise Refused(f"--romfs {path} is not a ROMFS image (make build writes one)")
    if size != len(image):
        raise Refused(f"--romfs {path} is {len(image)} bytes but its header says {size}: "
                      "a truncated or padded image (run make build again)")
    if len(image) > part[1]:
        raise Refused(f"--romfs {path} ({len(image)} bytes) does not fit the {part[1]}-byte "
                      f"ROMFS partition at 0x{part[0]:x}")
    if firmware_end > part[0]:
        raise Refused(f"the firmware ends at 0x{firmware_end:x}, past the ROMFS partition at "
                      f"0x{part[0]:x}: is it the FLASH_2M_ROMFS firmware?")
    return part[0], image, f"ROMFS image ({path})"


def filesystem(folder, board, flash_size, table, firmware_end):
    """(offset, image, description) of the LittleFS holding `folder`."""
    try:
        offset, size = flashlayout.filesystem(board, flash_size_bytes(flash_size), table)
    except LayoutError as e:
        raise Refused(str(e)) from None
    if firmware_end > offset:
        raise Refused(f"the firmware ends at 0x{firmware_end:x}, past the filesystem "
                      f"at 0x{offset:x}")
    blocks = size // fsimage.BLOCK_SIZE
    try:
        image = fsimage.build(folder, blocks)
    except fsimage.DoesNotFit:
        raise Refused(f"{folder} does not fit in the {size // 1024} KB filesystem at "
                      f"0x{offset:x}") from None
    count = sum(len(files) for _, _, files in os.walk(folder))
    return offset, image, f"LittleFS of {blocks} blocks, {count} files from {folder}"


def app_plan(args, fw, data, esp):
    """(board, plan) for an application image: its slot, and erased otadata so the
    bootloader starts that slot."""
    table = ff.parse_table(esp.read_flash(ff.TABLE_OFFSET, fwimage.TABLE_SIZE))
    if not table:
        raise Refused("the board has no partition table at 0x8000: flash the full "
                      "firmware first")
    board = board_for(args, fw, "the board's partition table", table)
    offset, size = flashlayout.app_slot(table)
    if len(data) > size:
        raise Refused(f"{args.firmware} ({len(data)} bytes) does not fit the "
                      f"{size}-byte application slot at 0x{offset:x}")
    plan = [(offset, data, f"MicroPython application {fw.version} ({args.firmware})")]
    ota = flashlayout.otadata(table)
    if ota:
        plan.append((ota[0], b"\xff" * ota[1], "otadata erased: boot the slot above"))
    return board, plan


def show(board, plan):
    print(f"\nWriting to {board}:")
    for offset, data, what in plan:
        print(f"  0x{offset:08x} {len(data):>9} bytes  {what}")


def run(args):
    data, fw = read_firmware(args.firmware)
    check_kind(args, fw)
    if args.app_only:
        check_app_only(args, fw)
    if args.files and not os.path.isdir(args.files):
        raise Refused(f"--files {args.files}: not a folder")
    board = None if args.app_only else board_for(args, fw, args.firmware, fw.table)
    rom = romfs_region(args.romfs, board, BOARDS[board].firmware_offset + len(data)) \
        if args.romfs and board else None
    with connect(args.port, fw.chip, args.baud) as esp:
        if args.app_only:
            board, plan = app_plan(args, fw, data, esp)
            flash_size = "keep"
        else:
            flash_size = flash_size_of(esp, args.flash_size)
            plan = full_plan(args, fw, data, board, flash_size, rom)
        show(board, plan)
        write_flash(esp, [(offset, blob) for offset, blob, _ in plan], flash_size=flash_size)
        reset_chip(esp, "hard-reset")
    print(f"\nDone: {len(plan)} region(s) written to {board} and verified by esptool; "
          "the board is restarting.")


def hint(message):
    return next((f"\nhint: {h}" for key, h in HINTS if key in message), "")


def main(argv=None):
    args = parse_args(argv)
    try:
        run(args)
    except Refused as e:
        print(f"flash: error: {e}\nNothing was written.", file=sys.stderr)
        return 2
    except (FatalError, serial.SerialException, OSError) as e:
        print(f"flash: error: {e}{hint(str(e))}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
