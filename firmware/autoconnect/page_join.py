"""/_ac/connect (start joining the chosen network) and /_ac/result (where it led)."""
from .page import Labels, page
from .response import TEXT, Response, redirect

_STATIC = (("sip", "ip"), ("gw", "gateway"), ("nm", "netmask"), ("ns1", "dns1"), ("ns2", "dns2"))


def _ipv4(s):
    parts = s.split(".")
    return len(parts) == 4 and all(p.isdigit() and len(p) <= 3 and int(p) < 256 for p in parts)


async def handle(req):
    portal = req.app
    from . import connect
    if req.path == "/_ac/result":
        from .captive import self_url
        return redirect(self_url(portal, req) + await connect.outcome(portal))
    if req.method != "POST":
        return Response("Method Not Allowed", 405, {"Allow": "POST"}, TEXT)
    form = await req.form()
    cred = form.get("Credential")
    if cred is not None:
        from .credential import store
        entry = store(portal).load(cred)
        if entry is None:
            return Response("Unknown credential", 400, None, TEXT)
    else:
        ssid = form.get("SSID", "")
        if not 0 < len(ssid.encode()) <= 32 or len(form.get("Passphrase", "").encode()) > 64:
            return Response("SSID must be 1 to 32 bytes, Passphrase at most 64", 400, None, TEXT)
        entry = {"ssid": ssid, "password": form.get("Passphrase", ""), "dhcp": "dhcp" in form}
        if not entry["dhcp"]:
            for name, key in _STATIC:
                v = form.get(name) or "0.0.0.0"
                if not _ipv4(v):
                    return Response("Invalid IPv4 address: " + name, 400, None, TEXT)
                entry[key] = v
    connect.start_join(portal, entry, cred is not None)
    return page(portal, Labels(portal), "PAGETITLE_CONNECTING", "connect", {"ssid": entry["ssid"]},
                "MENUTEXT_CONNECTING")
