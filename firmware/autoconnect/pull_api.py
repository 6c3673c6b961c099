"""AutoConnectUpdate's program API: check(), update(name), run(name), auto(minutes)
and reboot(). AutoConnectUpdate (ota_pull.py) finds them through __getattr__, which
loads this module."""
import asyncio

from .ota import OTAError, Updater
from .ota_pull import FAIL, NOAVAIL, PROGRESS, RESET, SUCCESS


async def check(agent, limit=16):
    """The installable entries of the catalog (dicts: name, type, date, time, size)."""
    cat = await agent.catalog()
    out = []
    try:
        while len(out) < limit:
            e = await cat.entry()
            if e is None:
                break
            out.append(e)
    finally:
        cat.c.close()
    return out


async def run(agent, name, version=None):
    """Download name and put it in place; returns the new version, or None when
    there is no update. Failures set state FAIL and result, and raise OTAError."""
    from .ota_job import BUSY
    from .pull_job import download
    if Updater.busy:
        raise OTAError(BUSY)
    Updater.busy = True
    agent.state, agent.amount, agent.size, agent.result = PROGRESS, 0, 0, None
    agent.fire("start")
    try:
        got = await download(agent, name, version)
    except Exception as e:
        agent.state, agent.result = FAIL, str(e) if isinstance(e, OTAError) else repr(e)
        agent.fire("error", agent.result)
        raise OTAError(agent.result)
    finally:
        Updater.busy = False
    if got is None:
        agent.state = NOAVAIL
        return None
    agent.state = SUCCESS
    agent.fire("end")
    return got


async def update(agent, name, version=None):
    """run(), then reboot into the new version (unless reboot_on_update is False)."""
    got = await run(agent, name, version)
    if got is not None and agent.reboot_on_update:
        reboot(agent)
    return got


def reboot(agent):
    """Restart into the installed update (in the background, after the page is out)."""
    from .ota_job import reboot
    agent.state = RESET
    asyncio.create_task(reboot())


def auto(agent, minutes):
    """Every `minutes`, ask the server for the newest installable entry with the
    running version and install it when it is newer (0 stops)."""
    if agent._auto:
        agent._auto.cancel()
        agent._auto = None
    if minutes:
        agent._auto = asyncio.create_task(_poll(agent, int(minutes * 60000)))


async def _poll(agent, period_ms):
    """auto()'s task."""
    from . import sysinfo
    while True:
        await asyncio.sleep_ms(period_ms)
        if agent.state in (PROGRESS, SUCCESS, RESET):
            continue
        try:
            newest = None
            for e in await check(agent, 64):
                if newest is None or _when(e) > _when(newest):
                    newest = e
            if newest is not None:
                await update(agent, newest["name"], sysinfo.app_version() or "0")
        except OTAError as e:
            print("auto update:", e)


def _when(e):
    """An entry's date and time (MM/DD/YY HH:MM:SS) in sortable order."""
    d = str(e.get("date", ""))
    return ("19" if d[6:8] >= "70" else "20") + d[6:8] + d[0:2] + d[3:5] + str(e.get("time", ""))
