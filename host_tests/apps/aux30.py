# Test application: a 30-element page served by the portal's web server.
import asyncio

from autoconnect import (ACCheckbox, ACInput, ACRadio, ACRange, ACSelect, ACText, AutoConnect,
                         AutoConnectAux)

portal = AutoConnect()
big = AutoConnectAux("/thirty", "Thirty")
for i in range(30):
    name, label = "e%d" % i, "Element %d" % i
    big.add((ACText(name, "text %d" % i), ACInput(name, "v", label), ACCheckbox(name, "on", label),
             ACRadio(name, ["one", "two", "three"], label), ACSelect(name, ["one", "two"], label),
             ACRange(name, i, label, 0, 30))[i % 6])
portal.join(big)
asyncio.run(portal.server.serve())
