# Test application: a 30-element page served by the portal's web server.
import asyncio

from autoconnect import (ACCheckbox, ACInput, ACRadio, ACRange, ACSelect, ACText, AutoConnect,
                         AutoConnectAux)

portal = AutoConnect()
big = AutoConnectAux("/thirty", "Thirty")
for i in range(30):
    name, label, kind = "e%d" % i, "Element %d" % i, i % 6
    if kind == 0:
        big.add(ACText(name, "text %d" % i))
    elif kind == 1:
        big.add(ACInput(name, "v", label))
    elif kind == 2:
        big.add(ACCheckbox(name, "on", label))
    elif kind == 3:
        big.add(ACRadio(name, ["one", "two", "three"], label))
    elif kind == 4:
        big.add(ACSelect(name, ["one", "two"], label))
    else:
        big.add(ACRange(name, i, label, 0, 30))
portal.join(big)
asyncio.run(portal.server.serve())
