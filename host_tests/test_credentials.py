"""The credential store: API, limits, damage, and power cuts at each step of a save."""
import json
import random
import subprocess
import time

import pytest

from conftest import APPS
from portaltest import connect, form, portal_board, wait_for

HOME = {"SSID": "HomeNet", "Passphrase": "homepass123", "dhcp": "en"}
CAFE = {"SSID": "CafeFree", "Passphrase": "", "dhcp": "en"}
KEEP_PORTAL = {"config": {"retain_portal": True}}


def store(board):
    path = board.state / "fs" / "ac_credt.json"
    return [e["ssid"] for e in json.loads(path.read_text())["entries"]] if path.exists() else []


def test_credential_api(make_board):
    b = make_board(main=APPS / "credops.py")
    b.start(ready=False, extra=("--exit-on-halt",))
    assert b.proc.wait(60) == 0, b.log()
    out = json.loads(b.log().split("RESULT ", 1)[1].splitlines()[0])
    assert out["empty"] == [0, [], None, None]
    assert out["after4"] == ["four", "three", "two"]               # max 3: the oldest dropped
    assert out["two"] == {"ssid": "two", "password": "new", "bssid": "", "dhcp": False,
                          "ip": "10.0.0.9", "netmask": "255.0.0.0", "gateway": "10.0.0.1",
                          "dns1": "10.0.0.1", "dns2": "0.0.0.0"}
    assert out["order"] == ["two", "four", "three"]
    assert out["touched"] == ["four", "aa:bb:cc:dd:ee:ff"]
    assert out["delete"] == [True, False, ["four", "two"]]
    assert out["restored"] == ["four", "two"]
    assert out["bad"] == ["ValueError"] * 3
    assert out["restore_garbage"] == "ValueError"
    assert out["damaged"] == [[], True]
    assert out["after_damage"] == [["fresh"], None]


def test_damaged_store_is_reported_and_read_as_empty(make_board, tmp_path):
    b = portal_board(make_board, tmp_path, KEEP_PORTAL)
    connect(b, HOME)
    (b.state / "fs" / "ac_credt.json").write_bytes(b"\x00\xff{{ not json")
    pid = b.pid()
    b.kill9()
    b.wait_reboot(pid)
    assert wait_for(lambda: b.status()["portal"]) and b.status()["ssid"] is None
    assert "No saved credentials." in b.request("GET", "/_ac/open")[2].decode()
    assert "damaged store read as empty" in b.log()
    connect(b, HOME)
    assert store(b) == ["HomeNet"]


@pytest.mark.parametrize("step", ["openat", "write", "close", "rename"])
def test_power_cut_at_each_step_of_a_save(make_board, tmp_path, step):
    b = portal_board(make_board, tmp_path, KEEP_PORTAL)
    connect(b, HOME)
    assert store(b) == ["HomeNet"]
    pid = b.pid()
    tmpfile = b.state / "fs" / "ac_credt.json.tmp"
    env = dict(kv.split("=", 1) for kv in open(f"/proc/{pid}/environ").read().split("\0") if "=" in kv)
    named = env["SIM_FS"] + "/" + tmpfile.name      # as the board spells it (through a link)
    tracer = subprocess.Popen(
        ["strace", "-qq", "-p", str(pid), "-P", str(tmpfile), "-P", str(named), "-e",
         "trace=open,openat,write,close,rename,renameat,renameat2",
         "-e", "inject=%s:signal=KILL:when=1" % (step if step != "rename" else "rename,renameat,renameat2")],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    time.sleep(0.5)                                   # strace attached
    form(b, "/_ac/connect", CAFE)
    b.wait_reboot(pid)
    trace = tracer.communicate(timeout=10)[1]
    assert "killed by SIGKILL" in trace, trace
    assert store(b) in (["HomeNet"], ["CafeFree", "HomeNet"])      # old or new, never broken
    assert store(b) == ["HomeNet"]                                 # cut before the rename
    assert connect(b, CAFE)[1].endswith("/_ac/success")             # the next save works
    assert store(b) == ["CafeFree", "HomeNet"]


def test_power_cut_at_random_moments_of_saves(make_board, tmp_path):
    b = portal_board(make_board, tmp_path, KEEP_PORTAL)
    rnd = random.Random(11)
    nets = [HOME, CAFE]
    for i in range(20):
        pid = b.pid()
        form(b, "/_ac/connect", nets[i % 2])
        time.sleep(rnd.uniform(0.2, 0.9))              # the join takes ~0.5 s, then the save
        b.kill9()
        b.wait_reboot(pid)
        got = store(b)
        assert set(got) <= {"HomeNet", "CafeFree"} and len(got) == len(set(got))
        wait_for(lambda: b.status()["portal"] or b.status()["ssid"], timeout=10)
    assert connect(b, HOME)[1].endswith("/_ac/success")
    assert store(b)[0] == "HomeNet"
