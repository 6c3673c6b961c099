"""Pulling an update from an update server (AutoConnectUpdate): AutoConnect's request
with the Arduino cores' x-<ARCH>-* headers, the answer's checks, and the image or
bundle streamed into place as it arrives. Loaded for the job."""
import hashlib
import os

from . import sysinfo
from .httpc import get
from .ota import OTAError
from .ota_job import open_sink

_CODES = {401: "Unauthorized (401)", 403: "Forbidden (403)", 404: "File Not Found (404)"}


def target(uri, name):
    """AutoConnect's download URI: "/" + name when uri is ".", else uri/name."""
    from .urlenc import quote
    return ("/" if uri == "." else uri.rstrip("/") + "/") + quote(name)


async def download(agent, name, version=None):
    """Stream name from agent's server into place; returns the new version, or None
    when there is no update: the server answers 304, or, when version (the running
    one) is given, what it sends is not newer (its x-version, else the version in
    the image or bundle)."""
    from . import roomy
    c = await get(agent.host, agent.port, target(agent.uri, name), headers(agent, version),
                  roomy(8192) or agent.buf, agent.timeout_ms)
    try:
        if c.status == 304:
            return None
        if c.status != 200:
            raise OTAError(_CODES.get(c.status) or "Wrong HTTP Code (%d)" % c.status)
        size = c.headers.get("content-length", "")
        if not size.isdigit() or not int(size):
            raise OTAError("Server Did Not Report Size")
        if version and not newer(c.headers.get("x-version") or await _version_of(c), version):
            return None
        return await _stream(agent, c, int(size))
    finally:
        c.close()


async def _version_of(c):
    """The version in the first bytes of the body: an app image's descriptor or a
    bundle's first line."""
    while c.end - c.start < 80 and await c.fill():
        pass
    b = bytes(c.mv[c.start:min(c.end, c.start + 80)])
    if b[:1] == b"\xe9":
        return str(b[48:80].split(b"\0", 1)[0], "utf-8")
    if b[:5] == b"ACB1 ":
        return str(b[5:].split(b"\n", 1)[0], "utf-8")
    return ""


async def _stream(agent, c, size):
    sink = None
    got = 0
    try:
        while got < size:
            chunk = await c.chunk()
            if not chunk:
                raise OTAError("Incomplete: %d of %d bytes received" % (got, size))
            if sink is None:            # an app image starts with 0xE9, a bundle with ACB1
                sink = open_sink("firmware" if chunk[0] == 0xE9 else "bundle", size,
                                 c.headers.get("x-md5"))
            if got + len(chunk) > size:
                chunk = chunk[:size - got]
            sink.write(chunk)
            got += len(chunk)
            agent.progress(got, size)
        return sink.finish() or "?"
    except OTAError:
        if sink is not None:
            sink.abort()
        raise


def newer(a, b):
    """Whether version a is newer than b (their numbers compared in order)."""
    return _numbers(a) > _numbers(b)


def _numbers(v):
    out, n = [], ""
    for ch in v + ".":
        if "0" <= ch <= "9":
            n += ch
        elif n:
            out.append(int(n))
            n = ""
    return out


def headers(agent, version=None):
    """The request headers of ESP8266httpUpdate / HTTPUpdate, with this board's values."""
    import network
    esp32 = sysinfo.chip() == "esp32"
    arch = "ESP32" if esp32 else "ESP8266"
    p = "x-%s-" % arch
    part = sysinfo.running_partition()      # None on ESP8266 and without OTA slots
    size, md5 = agent.sketch or _sketch(agent, part)
    h = [("User-Agent", arch + "-http-Update")]
    if esp32:
        h.append(("Cache-Control", "no-cache"))
    else:
        import machine
        h.append((p + "Chip-ID", str(int.from_bytes(machine.unique_id(), "little"))))
    h += [(p + "STA-MAC", _mac(network.WLAN(network.STA_IF))),
          (p + "AP-MAC", _mac(network.WLAN(network.AP_IF))),
          (p + "free-space", str(_free_space(esp32, part))), (p + "sketch-size", str(size)),
          (p + "sketch-md5", md5), (p + "chip-size", str(_chip_size())),
          (p + "sdk-version", _sdk(part)), (p + "mode", "sketch")]
    if version:
        h.append((p + "version", version))
    return h


def _mac(wlan):
    return ":".join("%02X" % b for b in wlan.config("mac"))


def _chip_size():
    import esp
    return esp.flash_size()


def _sdk(part):
    if part is not None:
        head = bytearray(32)
        part.readblocks(0, head, 144)       # the app descriptor's idf_ver
        return str(bytes(head).split(b"\0", 1)[0], "utf-8")
    return os.uname().release


def _free_space(esp32, part):
    if esp32:
        try:
            return part.get_next_update().ioctl(4, 0) * 4096
        except (AttributeError, OSError):
            return 0
    st = os.statvfs("/")
    return st[0] * st[4]


def _sketch(agent, part):
    """(size, MD5) of the running application, computed once: the app image in the
    running slot (part) on ESP32, main.py on ESP8266."""
    buf = agent.buf
    md5 = _md5()
    if part is not None:
        size = _image_size(part, buf)
        done = 0
        while done < size:
            n = min(len(buf), size - done)
            mv = memoryview(buf)[:n]
            part.readblocks(done // 4096, mv, done % 4096)
            md5.update(mv)
            done += n
    else:
        size = 0
        try:
            with open("/main.py", "rb") as f:
                while True:
                    n = f.readinto(buf)
                    if not n:
                        break
                    md5.update(memoryview(buf)[:n])
                    size += n
        except OSError:
            pass
    agent.sketch = (size, "".join("%02x" % b for b in md5.digest()))
    return agent.sketch


def _md5():
    try:
        return hashlib.md5()  # type: ignore[attr-defined]  # guarded: none on ESP8266
    except AttributeError:                  # ESP8266: no md5 in hashlib
        from .md5 import MD5
        return MD5()


def _image_size(part, buf):
    """The length of the app image at the start of part, from its segment headers."""
    head = memoryview(buf)[:24]
    part.readblocks(0, head)
    nseg, digest = head[1], head[23] == 1
    pos = 24
    for _ in range(nseg if nseg <= 16 else 0):
        seg = memoryview(buf)[:8]
        part.readblocks(pos // 4096, seg, pos % 4096)
        pos += 8 + (seg[4] | seg[5] << 8 | seg[6] << 16 | seg[7] << 24)
    return (pos + 16) // 16 * 16 + (32 if digest else 0)
