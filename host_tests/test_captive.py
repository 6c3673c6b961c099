"""Captive-portal detection, the DNS catch-all, authentication and cross-site POSTs."""
import base64
import os
import random
import socket

import pytest
from dnslib import QTYPE, DNSRecord

from portaltest import connect, form, portal_board, wait_for

HOME = {"SSID": "HomeNet", "Passphrase": "homepass123", "dhcp": "en"}


@pytest.fixture(scope="module")
def board(tmp_path_factory):
    from conftest import Board
    tmp = tmp_path_factory.mktemp("captive")
    made = []
    b = portal_board(lambda name, **kw: made.append(Board(tmp / name, **kw)) or made[-1], tmp,
                     {"config": {"ap_grace_ms": 600000}})
    yield b
    b.stop()


def get(board, path, host):
    return board.request("GET", path, headers={"Host": host})


def dns(board, name, qtype="A", timeout=2.0):
    q = DNSRecord.question(name, qtype)
    return DNSRecord.parse(q.send("127.0.0.1", board.dns_port, timeout=timeout))


PROBES = [("connectivitycheck.gstatic.com", "/generate_204"), ("clients3.google.com", "/generate_204"),
          ("captive.apple.com", "/hotspot-detect.html"), ("www.apple.com", "/library/test/success.html"),
          ("www.msftconnecttest.com", "/connecttest.txt"), ("www.msftncsi.com", "/ncsi.txt"),
          ("detectportal.firefox.com", "/canonical.html"), ("detectportal.firefox.com", "/success.txt")]


def test_unconfigured_probes_lead_to_the_portal(board):
    portal = "http://127.0.0.1:%d/_ac" % board.port
    for host, path in PROBES:
        status, headers, body = get(board, path, host)
        if path == "/generate_204":
            assert status == 200 and portal.encode() in body     # a page that moves on
            assert b'http-equiv="refresh"' in body
        else:
            assert status == 302 and headers["Location"] == portal, (host, path)
        assert "no-cache" in headers["Cache-Control"]


def test_any_unclaimed_path_on_a_named_host_goes_to_the_portal(board):
    for host in ("example.com", "neverssl.com:80", "a.b.c.d.e"):
        status, headers, _ = get(board, "/some/page?x=1", host)
        assert status == 302 and headers["Location"] == "http://127.0.0.1:%d/_ac" % board.port


def test_ip_literal_and_mdns_hosts_get_plain_404(board):
    for host in ("127.0.0.1:%d" % board.port, "172.217.28.1", "esp32.local", "[::1]:80"):
        assert get(board, "/some/page", host)[0] == 404, host
    assert get(board, "/generate_204", "172.217.28.1")[0] == 404


def test_portal_pages_answer_on_any_host(board):
    for host in ("captive.apple.com", "172.217.28.1", "x.local"):
        assert get(board, "/_ac/config", host)[0] == 200


def test_dns_answers_every_a_query_with_the_soft_ap(board):
    for name in ("connectivitycheck.gstatic.com", "example.com", "a.very.long.name.example.org", "x"):
        r = dns(board, name)
        assert r.header.rcode == 0 and len(r.rr) == 1
        assert r.rr[0].rtype == QTYPE.A and str(r.rr[0].rdata) == "172.217.28.1"
        assert 60 <= r.rr[0].ttl <= 300 and str(r.rr[0].rname).rstrip(".") == name.rstrip(".")
    for qtype in ("AAAA", "TXT", "MX", "ANY"):
        r = dns(board, "example.com", qtype)
        assert r.header.rcode == 0 and r.rr == [], qtype


def test_dns_drops_malformed_packets_and_keeps_running(board):
    rnd = random.Random(53)
    q = DNSRecord.question("example.com").pack()
    bad = [b"", b"\x00", q[:11], q[:16], bytes([q[0], q[1], 0x81, 0x80]) + q[4:],     # a response
           q[:2] + b"\x28\x00" + q[4:],                                                  # opcode UPDATE
           q[:4] + b"\x00\x02" + q[6:],                                                  # 2 questions
           q[:12] + b"\xc0\x0c\x00\x01\x00\x01",                                         # pointer
           q[:12] + b"\x3f" + b"a" * 63 + b"\x00"]                                       # truncated
    bad += [os.urandom(rnd.randint(0, 600)) for _ in range(500)]
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(0.3)
        for pkt in bad[:9]:
            s.sendto(pkt, ("127.0.0.1", board.dns_port))
            with pytest.raises(socket.timeout):
                s.recvfrom(600)
        for pkt in bad[9:]:
            s.sendto(pkt, ("127.0.0.1", board.dns_port))
    for attempt in range(5):            # a resolver retries: the flood may fill the buffer
        try:
            r = dns(board, "still.alive.example", timeout=1.0)
            break
        except socket.timeout:
            continue
    assert str(r.rr[0].rdata) == "172.217.28.1"
    assert board.status()["portal"] is True


def test_cross_site_posts_are_refused(board):
    for origin in ("http://evil.example", "null", "http://127.0.0.1:1"):
        status, _, body = form(board, "/_ac/connect", {"SSID": "CafeFree", "dhcp": "en"},
                               {"Origin": origin})
        assert status == 403, origin
    assert board.status()["ssid"] is None
    status, _, _ = form(board, "/_ac/del", {"del": "x"}, {"Origin": "http://evil.example"})
    assert status in (403, 404)


def test_connected_probes_report_online_then_portal_closes(board):
    status, _ = connect(board, HOME)
    assert board.status()["ssid"] == "HomeNet" and board.status()["portal"] is True
    expect = {"/generate_204": (204, b""),
              "/hotspot-detect.html": (200, b"<HTML><HEAD><TITLE>Success</TITLE></HEAD><BODY>Success</BODY></HTML>"),
              "/library/test/success.html": (200, b"<HTML><HEAD><TITLE>Success</TITLE></HEAD><BODY>Success</BODY></HTML>"),
              "/connecttest.txt": (200, b"Microsoft Connect Test"), "/ncsi.txt": (200, b"Microsoft NCSI"),
              "/success.txt": (200, b"success\n"),
              "/canonical.html": (200, b'<meta http-equiv="refresh" content="0;url=https://support.mozilla.org/kb/captive-portal"/>')}
    for host, path in PROBES:
        status, _, body = get(board, path, host)
        assert (status, body) == expect[path], path
    # other names still reach the portal while it is up
    assert get(board, "/x", "example.com")[0] == 302


@pytest.mark.parametrize("scope,via_ap_needs_auth", [(0x4, False), (0x4 | 0x8000, True)])
def test_basic_authentication_scopes(make_board, tmp_path, scope, via_ap_needs_auth):
    b = portal_board(make_board, tmp_path, {"config": {"auth": 2, "auth_scope": scope,
                                                       "ap_grace_ms": 600000}})
    good = {"Authorization": "Basic " + base64.b64encode(b"esp32ap:12345678").decode()}
    bad = {"Authorization": "Basic " + base64.b64encode(b"esp32ap:wrong").decode()}
    # the station is down: requests count as coming through the soft AP
    assert (b.request("GET", "/_ac")[0] == 401) == via_ap_needs_auth
    b.request("GET", "/_ac/config", headers=good)
    connect_headers = good if via_ap_needs_auth else {}
    status, _, _ = form(b, "/_ac/connect", HOME, connect_headers)
    assert status == 200
    wait_for(lambda: b.request("GET", "/_ac/status", headers=good)[0] == 200 and
             b.get_json("/api/x")["status"] & 1)
    for path in ("/_ac", "/_ac/config", "/_ac/open", "/_ac/status", "/_ac/reset", "/_ac/disc"):
        status, headers, _ = b.request("GET", path)
        assert status == 401 and headers["WWW-Authenticate"] == 'Basic realm="AUTOCONNECT"', path
        assert b.request("GET", path, headers=bad)[0] == 401
        assert b.request("GET", path, headers=good)[0] == 200, path
    for path in ("/_ac/success", "/_ac/fail"):
        assert b.request("GET", path)[0] == 200
    for spelling in ("//_ac", "/_ac/", "/%5Fac/config", "/x/../_ac/open", "/_ac/./status"):
        assert b.request("GET", spelling)[0] == 401, spelling
    assert form(b, "/_ac/connect", HOME)[0] == 401
