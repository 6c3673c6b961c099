# The example application: AutoConnect's WebUpdate example (webupdate.py) sets the
# portal up as it is imported; here the board serves it, like a sketch's loop().
from webupdate import portal

while True:
    portal.handle_client()
