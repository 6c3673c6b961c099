"""Host-side tools for AutoConnect for MicroPython (CPython 3.11)."""
