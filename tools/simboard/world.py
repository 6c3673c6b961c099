"""World files for the simulated board (--world): the radio environment it checks at
every scan, connect and status check, and reads again when it changed."""
import json
from pathlib import Path


def write(path, networks, stations=0):
    """Write a world atomically (the board may be reading it), with quick scans (50 ms)
    and connections (300 ms)."""
    tmp = Path(path).with_suffix(".tmp")
    tmp.write_text(json.dumps({"networks": list(networks), "stations": stations,
                               "connect_ms": 300, "scan_ms": 50}))
    tmp.replace(path)
