# Runs before main.py: finishes installing an application bundle received over the air.
# Only when one is staged does it load that code; after a swap it resets once more, so
# the new application starts with the heap in one piece.
import os

try:
    os.stat("/.stage")
    try:
        from autoconnect.bundle_swap import apply
        if apply():
            import machine
            machine.reset()
    except Exception as e:
        import sys
        sys.print_exception(e)
except OSError:
    pass
