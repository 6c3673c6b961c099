"""A board for esptool without hardware: esp32-mock-bootloader served in this process on
a fresh PTY per session, its 4 MB flash kept between sessions and readable by tests."""
import contextlib
import threading

from esp32_mock_bootloader import server

FLASH_SIZE = 4 * 1024 * 1024


class _CountingConnection(server.BootloaderConnection):
    """A PTY connection that counts the bytes the client sent."""

    def __init__(self, pty, board):
        super().__init__(pty=pty)
        self.board = board

    def recv(self, size):
        chunk = super().recv(size)
        self.board.received += len(chunk)
        return chunk


class MockBoard:
    """An ESP32 or ESP8266 ROM bootloader (`chip`) with an erased 4 MB flash."""

    def __init__(self, chip):
        self.chip = chip
        self.flash = server.FlashImage()
        self.received = 0

    def read(self, offset, size):
        return bytes(self.flash.data[offset:offset + size])

    def erased(self):
        return self.flash.data.count(0xFF) == len(self.flash.data)

    @contextlib.contextmanager
    def session(self):
        """Serve one client until the block ends; yields the PTY path for esptool.

        The PTY keeps its slave end open, so the session ends when the block does (the
        client's exit is no EOF); exit_on_disconnect only turns off the mock's 3-second
        cut after FLASH_END."""
        pty = server.PtyMasterTransport.create()
        stop = threading.Event()
        conn = _CountingConnection(pty, self)
        thread = threading.Thread(target=server.handle_client, daemon=True,
                                  args=(conn, stop, self.chip),
                                  kwargs={"exit_on_disconnect": True, "flash": self.flash})
        thread.start()
        try:
            yield pty.client_path
        finally:
            stop.set()
            thread.join(10)
            pty.close()
        assert not thread.is_alive(), "the mock bootloader did not stop"
