"""AutoConnectUpdate's pages after the catalog (page_catalog.py): /_ac/update_act
(the progress page), /_ac/update_progress (AutoConnect's polling protocol) and
/_ac/update_result. Loaded for the request."""
import asyncio
import sys

from .ota import OTAError
from .ota_pull import FAIL, IDLE, NOAVAIL, PROGRESS, RESET, SUCCESS
from .page import Labels, esc, page
from .response import TEXT, Response, redirect

_BLUE = "#3d7e9a"
_RED = "#e66157"


async def handle(req):
    portal = req.app
    agent = portal.update
    if req.path == "/_ac/update_progress":
        return await _progress(req, agent)
    if req.path == "/_ac/update_act":
        return await _act(req, portal, agent)
    return _result(portal, agent)


async def _act(req, portal, agent):
    if req.method != "POST":
        return redirect("/_ac/update")
    form = await req.form()
    name = form.get("firmwares")
    if not name:
        return redirect("/_ac/update")
    if agent.state not in (PROGRESS, SUCCESS, RESET):
        agent.bin = name
    return page(portal, Labels(portal), "MENULABEL_UPDATE", "pulling",
                {"bin": agent.bin, "server": "%s:%d" % (agent.host, agent.port)})


async def _progress(req, agent):
    st = agent.state
    if req.method == "GET":
        if st == PROGRESS:
            return _text("#p,%d:%d" % (agent.amount, agent.size))
        if st == RESET:
            return _text("invalid sequence", 500)
        if st in (NOAVAIL, FAIL):
            agent.ended, agent.state = st, IDLE     # answered: a retry may start
        return _text("#e")
    if req.method != "POST":
        return _text("invalid request", 500)
    op = (await req.form()).get("op")
    if op is None:
        return _text("invalid request", 500)
    if op == "#s":
        if st != IDLE or not agent.bin:
            return _text("invalid sequence", 500)
        agent.ended = None
        asyncio.create_task(_run(agent, sys.modules[__name__]))
        agent.state = PROGRESS
        return _text("")
    if op == "#r":
        if st != SUCCESS:
            return _text("invalid sequence", 500)
        if agent.reboot_on_update:
            agent.reboot()
        else:
            agent.state = IDLE
        return _text("")
    return _text("invalid operation", 500)


async def _run(agent, me):
    """The job. This module stays loaded while it runs: the browser polls the progress
    meanwhile, and loading the module again for each poll (while the job holds this
    copy) would take a small heap's last room."""
    sys.modules[__name__] = me
    try:
        await agent.run(agent.bin)
    except OTAError:
        pass                                # kept in agent.result for the result page
    finally:
        from . import unload
        unload(__name__)


def _text(body, status=200):
    return Response(body, status, {"Cache-Control": "no-store"}, TEXT)


def _result(portal, agent):
    st = agent.state if agent.state in (SUCCESS, RESET) else agent.ended
    if st is None or st == IDLE:
        return redirect("/_ac/update")
    name = agent.bin or ""
    if st in (SUCCESS, RESET):
        html, color = esc(name) + " successfully updated. restart...", _BLUE
        act = "1" if agent.reboot_on_update else "0"
    elif st == NOAVAIL:
        html, color, act = "<br>No available update.", _RED, ""
    else:
        html, color, act = esc(name) + " failed.<br>" + esc(agent.result or ""), _RED, ""
    return page(portal, Labels(portal), "MENULABEL_UPDATE", "pulled",
                {"result": lambda: (html,), "color": color, "act": act})
