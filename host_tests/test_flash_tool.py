"""tools.flash against esp32-mock-bootloader: what lands in flash, esptool's verification,
refusals that write nothing; tools.fsimage, tools.fwimage and tools.flashlayout."""
import hashlib
import random
import struct
import subprocess
import sys

import pytest
from esptool.bin_image import ELFSection, ESP8266ROMFirmwareImage, ImageSegment

from conftest import MICROPYTHON, ROOT
from mockbootloader import FLASH_SIZE, MockBoard

from tools import appimage, flashlayout, fsimage, fwimage, romfs
from tools.simboard.board import _flashfmt as ff

APP, DATA = ff.TYPE_APP, ff.TYPE_DATA
PLAIN = (("nvs", DATA, 0x02, 0x9000, 0x6000), ("phy_init", DATA, 0x01, 0xF000, 0x1000),
         ("factory", APP, 0x00, 0x10000, 0x1F0000))
OTA = (("nvs", DATA, 0x02, 0x9000, 0x4000), ("otadata", DATA, 0x00, 0xD000, 0x2000),
       ("phy_init", DATA, 0x01, 0xF000, 0x1000), ("ota_0", APP, 0x10, 0x10000, 0x180000),
       ("ota_1", APP, 0x11, 0x190000, 0x180000))
MB = 1024 * 1024
ESP32_4MB_40M, ESP8266_1MB_40M, ESP8266_4MB_40M = 0x20, 0x20, 0x40
VERIFIED = "Hash of data verified."


# --- fake firmware -----------------------------------------------------------------

def partition_table(rows):
    entries = b"".join(struct.pack(ff.ENTRY, ff.ENTRY_MAGIC, t, s, off, size, label.encode(), 0)
                       for label, t, s, off, size in rows)
    md5 = b"\xeb\xeb" + b"\xff" * 14 + hashlib.md5(entries).digest()
    return (entries + md5).ljust(0xC00, b"\xff")


def bootloader(chip="esp32"):
    """A valid second-stage-bootloader-like image (4 MB flash in its header)."""
    img = appimage.CHIPS[chip]()
    img.flash_mode, img.flash_size_freq = 2, ESP32_4MB_40M
    img.entrypoint = 0x40080400
    img.segments = [ELFSection(b".iram_loader.text", 0x40080400,
                               random.Random(1).randbytes(12 * 1024), 0)]
    return img.save(None)


def merged_firmware(rows, version="v1.24.1", chip="esp32"):
    """A merged MicroPython firmware as written at the bootloader offset (0x1000 on
    ESP32, 0x0 on the others): bootloader, partition table at 0x8000, app at 0x10000."""
    base = 0x1000 if chip == "esp32" else 0
    app = appimage.build(version, "micropython", 256 * 1024, chip)
    out = bytearray(b"\xff" * (0x10000 - base + len(app)))
    boot = bootloader(chip)
    out[:len(boot)] = boot
    out[0x8000 - base:0x8C00 - base] = partition_table(rows)
    out[0x10000 - base:] = app
    return bytes(out)


def esp8266_firmware(size_freq=ESP8266_1MB_40M):
    """An ESP8266 firmware: a v1 image at 0x0 padded to 0x9000, then irom0 text."""
    img = ESP8266ROMFirmwareImage()
    img.flash_mode, img.flash_size_freq, img.entrypoint = 2, size_freq, 0x40100004
    rnd = random.Random(2)
    img.segments = [ImageSegment(0x40100000, rnd.randbytes(24 * 1024)),
                    ImageSegment(0x3FFE8000, rnd.randbytes(2 * 1024))]
    return img.save(None)[1].ljust(0x9000, b"\xff") + rnd.randbytes(300 * 1024)


@pytest.fixture
def app_folder(tmp_path):
    """What tools.build would lay out: main.py, boot.py, a library, assets, a deep file."""
    root = tmp_path / "board"
    rnd = random.Random(3)
    files = {"main.py": b"import autoconnect\nautoconnect.run()\n", "boot.py": b"",
             "lib/autoconnect/__init__.mpy": rnd.randbytes(9000),
             "lib/autoconnect/portal.mpy": rnd.randbytes(20000),
             "assets/style.css": b"body{margin:0}\n" * 300,
             "a/b/c/deep.txt": b"deep"}
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    (root / "empty").mkdir()
    return root, files


def flash(board, *args, timeout=60):
    """Run `python -m tools.flash` against a mock board, one esptool session."""
    with board.session() as port:
        return subprocess.run([sys.executable, "-m", "tools.flash", "--port", port, *args],
                              cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def write_file(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def assert_filesystem(board, offset, size, files):
    folders, found = fsimage.read_tree(board.read(offset, size))
    assert found == files
    assert folders == {"a", "a/b", "a/b/c", "assets", "empty", "lib", "lib/autoconnect"}


# --- flashing through the mock ------------------------------------------------------

@pytest.mark.parametrize("rows,board_arg,fs_offset", [
    (PLAIN, ["--board", "ESP32_GENERIC"], 0x200000),
    (OTA, [], 0x310000),                      # board read from the firmware
])
def test_esp32_firmware_and_files(tmp_path, app_folder, rows, board_arg, fs_offset):
    board = MockBoard("esp32")
    firmware = merged_firmware(rows)
    root, files = app_folder
    r = flash(board, "--firmware", write_file(tmp_path, "fw.bin", firmware),
              "--files", str(root), *board_arg)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.count(VERIFIED) == 2                    # esptool's MD5 check, per region
    assert f"0x{fs_offset:08x}" in r.stdout and "Done:" in r.stdout
    assert board.read(0x1000, len(firmware)) == firmware
    assert_filesystem(board, fs_offset, FLASH_SIZE - fs_offset, files)
    assert board.read(0x1000 + len(firmware), fs_offset - 0x1000 - len(firmware)) \
        == b"\xff" * (fs_offset - 0x1000 - len(firmware))


def test_esp8266_firmware_and_files(tmp_path, app_folder):
    board = MockBoard("esp8266")
    firmware = esp8266_firmware(ESP8266_1MB_40M)
    root, files = app_folder
    r = flash(board, "--board", "ESP8266_GENERIC", "--firmware",
              write_file(tmp_path, "esp8266.bin", firmware), "--files", str(root))
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.count(VERIFIED) == 2
    written = board.read(0, len(firmware))
    # the header now records the detected 4 MB, the size the filesystem was laid out for
    assert written[3] == ESP8266_4MB_40M and written[:3] + written[4:] == \
        firmware[:3] + firmware[4:]
    fs_size = FLASH_SIZE - 0x100000 - 20 * 1024
    assert_filesystem(board, 0x100000, fs_size, files)
    assert board.read(0x100000 + fs_size, 20 * 1024) == b"\xff" * 20 * 1024


def test_esp8266_romfs_firmware_image_and_files(tmp_path, app_folder):
    board = MockBoard("esp8266")
    firmware = esp8266_firmware(ESP8266_4MB_40M)
    root, files = app_folder
    image = romfs.build(root)
    board.flash.data[0xB0000:0x100000] = bytes(0x50000)         # an old partition's bytes
    r = flash(board, "--board", "ESP8266_GENERIC-FLASH_2M_ROMFS", "--firmware",
              write_file(tmp_path, "esp8266.bin", firmware), "--files", str(root),
              "--romfs", write_file(tmp_path, "romfs.img", image))
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.count(VERIFIED) == 3 and "0x000b0000" in r.stdout
    assert board.read(0, len(firmware)) == firmware
    assert board.read(0xB0000, len(image)) == image
    end = 0xB0000 + (len(image) + 3) // 4 * 4                # (esptool pads to 4 bytes)
    assert board.read(end, 0x100000 - end) == bytes(0x100000 - end)   # nothing more written
    assert_filesystem(board, 0x100000, FLASH_SIZE - 0x100000 - 20 * 1024, files)


def test_romfs_refusals(tmp_path, app_folder):
    root, _ = app_folder
    data = romfs.build(root)
    image = write_file(tmp_path, "romfs.img", data)
    small = write_file(tmp_path, "small.bin", esp8266_firmware())
    cases = [
        (["--board", "ESP8266_GENERIC", "--firmware", small, "--romfs", image],
         "ESP8266_GENERIC has no ROMFS partition"),
        (["--board", "ESP8266_GENERIC-FLASH_2M_ROMFS", "--firmware", small,
          "--romfs", small], "is not a ROMFS image"),
        (["--board", "ESP8266_GENERIC-FLASH_2M_ROMFS", "--romfs", image, "--firmware",
          write_file(tmp_path, "big.bin", esp8266_firmware() + bytes(500 * 1024))],
         "past the ROMFS partition at 0xb0000"),
        (["--board", "ESP8266_GENERIC-FLASH_2M_ROMFS", "--firmware", small, "--romfs",
          write_file(tmp_path, "huge.img", romfs.MAGIC + b"\x99\x80\x00" + bytes(400 * 1024))],
         "does not fit the 327680-byte ROMFS partition"),
        (["--board", "ESP8266_GENERIC-FLASH_2M_ROMFS", "--firmware", small, "--romfs",
          write_file(tmp_path, "cut.img", data[:-100])], "a truncated or padded image"),
    ]
    for args, message in cases:
        board = MockBoard("esp8266")
        r = flash(board, *args)
        assert r.returncode == 2 and message in r.stderr, (args, r.stderr)
        assert board.received == 0 and board.erased()


def test_app_only_update_keeps_files(tmp_path, app_folder):
    board = MockBoard("esp32")
    root, files = app_folder
    r = flash(board, "--firmware", write_file(tmp_path, "fw.bin", merged_firmware(OTA)),
              "--files", str(root))
    assert r.returncode == 0, r.stdout + r.stderr
    board.flash.data[0xD000:0xD020] = ff.pack_record(2, ff.VALID)     # ota_1 running
    app = appimage.build("v1.25.0", "micropython", 300 * 1024)
    r = flash(board, "--app-only", "--firmware", write_file(tmp_path, "micropython.bin", app))
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.count(VERIFIED) == 2
    assert board.read(0x10000, len(app)) == app
    assert board.read(0xD000, 0x2000) == b"\xff" * 0x2000             # boots ota_0
    assert appimage.read_descriptor(board.read(0x10000, 4096))["version"] == "v1.25.0"
    assert_filesystem(board, 0x310000, FLASH_SIZE - 0x310000, files)


# --- refusals: clear message, exit code 2, nothing written --------------------------

def refusal_cases():
    app = appimage.build("v1.24.1", "micropython", 64 * 1024)
    return [
        ("app.bin", app, [], "is an application-only image"),
        ("full.bin", merged_firmware(OTA), ["--app-only"], "not an application-only image"),
        ("esp8266.bin", esp8266_firmware(), ["--board", "ESP32_GENERIC"],
         "is for ESP8266_GENERIC (ESP8266 firmware), but --board ESP32_GENERIC"),
        ("esp32.bin", merged_firmware(PLAIN), ["--board", "ESP8266_GENERIC"],
         "is for ESP32_GENERIC (ESP32 firmware without OTA partitions), but --board "
         "ESP8266_GENERIC"),
        ("plain.bin", merged_firmware(PLAIN), ["--board", "ESP32_GENERIC-OTA"],
         "is for ESP32_GENERIC (ESP32 firmware without OTA partitions)"),
        ("s3.bin", merged_firmware(PLAIN, chip="esp32s3"), [],
         "esp32s3 firmware: only ESP32_GENERIC, ESP32_GENERIC-OTA, ESP8266_GENERIC, "
         "ESP8266_GENERIC-FLASH_2M_ROMFS are"),
        ("s3-app.bin", appimage.build("v1", "micropython", 8192, chip="esp32s3"),
         ["--app-only"], "is an esp32s3 application image: --app-only writes ESP32 ones"),
        ("app-8266.bin", app, ["--app-only", "--board", "ESP8266_GENERIC"],
         "--app-only is for ESP32 boards"),
        ("app-files.bin", app, ["--app-only", "--files", "."], "drop --files"),
        ("notes.txt", b"not a firmware\n" * 100, [], "not an ESP firmware image"),
        ("bootloader.bin", bootloader(), [], "no partition table at 0x7000"),
    ]


@pytest.mark.parametrize("name,data,args,message",
                         [pytest.param(*case, id=case[0]) for case in refusal_cases()])
def test_refused_before_connecting(tmp_path, app_folder, name, data, args, message):
    board = MockBoard("esp32")
    r = flash(board, "--firmware", write_file(tmp_path, name, data), *args)
    assert r.returncode == 2, r.stdout + r.stderr
    assert message in r.stderr and "Nothing was written." in r.stderr
    assert board.received == 0 and board.erased()


def test_files_that_do_not_fit_are_refused(tmp_path):
    board = MockBoard("esp32")
    big = tmp_path / "big"
    big.mkdir()
    (big / "blob.bin").write_bytes(random.Random(4).randbytes(1000 * 1024))
    r = flash(board, "--firmware", write_file(tmp_path, "fw.bin", merged_firmware(OTA)),
              "--files", str(big))
    assert r.returncode == 2, r.stdout + r.stderr
    assert f"{big} does not fit in the 960 KB filesystem at 0x310000" in r.stderr
    assert board.received > 0 and board.erased()              # asked the size, wrote nothing


def test_app_only_on_a_blank_board_is_refused(tmp_path):
    board = MockBoard("esp32")
    app = appimage.build("v1.24.1", "micropython", 64 * 1024)
    r = flash(board, "--app-only", "--firmware", write_file(tmp_path, "micropython.bin", app))
    assert r.returncode == 2 and "no partition table at 0x8000" in r.stderr
    assert board.erased()


def test_missing_port_is_reported_with_a_hint(tmp_path):
    r = subprocess.run([sys.executable, "-m", "tools.flash", "--port", str(tmp_path / "tty"),
                        "--firmware", write_file(tmp_path, "fw.bin", merged_firmware(OTA))],
                       cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert r.returncode == 1
    assert "could not open port" in r.stderr and "dialout" in r.stderr


# --- units ----------------------------------------------------------------------------

def test_filesystem_regions():
    plain, ota = ff.parse_table(partition_table(PLAIN)), ff.parse_table(partition_table(OTA))
    assert flashlayout.filesystem("ESP32_GENERIC", 4 * MB, plain) == (0x200000, 0x200000)
    assert flashlayout.filesystem("ESP32_GENERIC-OTA", 4 * MB, ota) == (0x310000, 0xF0000)
    assert flashlayout.filesystem("ESP32_GENERIC", 16 * MB, plain) == (0x200000, 0xE00000)
    vfs = ff.parse_table(partition_table(PLAIN + (("vfs", DATA, 0x81, 0x200000, 0x100000),)))
    assert flashlayout.filesystem("ESP32_GENERIC", 4 * MB, vfs) == (0x200000, 0x100000)
    assert flashlayout.filesystem("ESP8266_GENERIC", 2 * MB) == (0x100000, 0xFB000)
    assert flashlayout.filesystem("ESP8266_GENERIC", 4 * MB) == (0x100000, 0x2FB000)
    assert flashlayout.filesystem("ESP8266_GENERIC", 16 * MB) == (0x100000, 0xEFB000)
    with pytest.raises(flashlayout.LayoutError, match="less than 2 MB"):
        flashlayout.filesystem("ESP8266_GENERIC", 1 * MB)
    with pytest.raises(flashlayout.LayoutError, match="no room for a filesystem at 0x200000"):
        flashlayout.filesystem("ESP32_GENERIC", 2 * MB, plain)


def test_boards_and_slots():
    plain, ota = ff.parse_table(partition_table(PLAIN)), ff.parse_table(partition_table(OTA))
    assert flashlayout.board_of("esp32", plain) == "ESP32_GENERIC"
    assert flashlayout.board_of("esp32", ota) == "ESP32_GENERIC-OTA"
    assert flashlayout.board_of("esp8266") == "ESP8266_GENERIC"
    with pytest.raises(flashlayout.LayoutError, match="esp32s3 firmware"):
        flashlayout.board_of("esp32s3", plain)
    assert flashlayout.app_slot(plain) == (0x10000, 0x1F0000)
    assert flashlayout.app_slot(ota) == (0x10000, 0x180000)
    assert flashlayout.otadata(plain) is None and flashlayout.otadata(ota) == (0xD000, 0x2000)


def test_firmware_kinds():
    full = fwimage.inspect(merged_firmware(OTA, "v1.24.1"))
    assert (full.kind, full.chip, full.version) == (fwimage.FULL, "esp32", "v1.24.1")
    assert [p[4] for p in full.table] == [row[0] for row in OTA]
    s3 = fwimage.inspect(merged_firmware(PLAIN, "v2", chip="esp32s3"))
    assert (s3.kind, s3.chip, s3.version) == (fwimage.FULL, "esp32s3", "v2")
    app = fwimage.inspect(appimage.build("v9", "micropython", 8192, chip="esp32s3"))
    assert (app.kind, app.chip, app.version) == (fwimage.APP, "esp32s3", "v9")
    old = fwimage.inspect(esp8266_firmware())
    assert (old.kind, old.chip) == (fwimage.ESP8266, "esp8266")
    broken = bytearray(esp8266_firmware())
    broken[20] ^= 0xFF                                        # checksum no longer matches
    with pytest.raises(ValueError, match="not a valid ESP32 or ESP8266 image"):
        fwimage.inspect(bytes(broken))


def test_fsimage_round_trip_and_overflow(app_folder):
    root, files = app_folder
    image = fsimage.build(str(root), 64)
    assert len(image) == 64 * 4096
    assert fsimage.read_tree(image)[1] == files
    with pytest.raises(fsimage.DoesNotFit):
        fsimage.build(str(root), 8)


MOUNT = r"""
import binascii, hashlib, os, sys, vfs
class Bdev:
    def __init__(self, data):
        self.data = bytearray(data)
    def readblocks(self, n, buf, off=0):
        buf[:] = self.data[n * 4096 + off:n * 4096 + off + len(buf)]
    def writeblocks(self, n, buf, off=0):
        self.data[n * 4096 + off:n * 4096 + off + len(buf)] = buf
    def ioctl(self, op, arg):
        return {4: len(self.data) // 4096, 5: 4096, 6: 0}.get(op)
vfs.mount(vfs.VfsLfs2(Bdev(open(sys.argv[1], "rb").read())), "/fs")
def walk(d):
    for name, kind, *_ in os.ilistdir(d):
        if kind == 0x4000:
            walk(d + "/" + name)
        else:
            with open(d + "/" + name, "rb") as f:
                digest = hashlib.sha256(f.read()).digest()
            print(d[3:] + "/" + name, binascii.hexlify(digest).decode())
walk("/fs")
"""


def test_micropython_mounts_the_image(tmp_path, app_folder):
    root, files = app_folder
    image = tmp_path / "fs.img"
    image.write_bytes(fsimage.build(str(root), 240))
    (tmp_path / "mount.py").write_text(MOUNT)
    r = subprocess.run([MICROPYTHON, str(tmp_path / "mount.py"), str(image)],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    listed = dict(line.rsplit(" ", 1) for line in r.stdout.split("\n") if line)
    assert listed == {f"/{path}": hashlib.sha256(data).hexdigest() for path, data in files.items()}
