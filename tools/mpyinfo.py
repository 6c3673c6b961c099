""".mpy headers and what a board can load.

A .mpy file starts with b"M", the bytecode version (6 since MicroPython 1.19), a
feature byte (native architecture << 2 | sub-version, 0 for bytecode-only files)
and the small-int size. A board reports what it loads in sys.implementation._mpy:
version | sub-version << 8 | native architecture << 10."""

# MicroPython's MP_NATIVE_ARCH_* numbering (py/persistentcode.h).
ARCHES = ("none", "x86", "x64", "armv6", "armv6m", "armv7m", "armv7em", "armv7emsp",
          "armv7emdp", "xtensa", "xtensawin", "rv32imc", "rv64imc")
RELEASES = {(5, 0): "1.12-1.18", (6, 0): "1.19", (6, 1): "1.20-1.21", (6, 2): "1.22",
            (6, 3): "1.23 or later"}


class Header:
    """What one .mpy file needs: version, sub-version and arch (0 = bytecode only)."""

    def __init__(self, version, sub, arch):
        self.version, self.sub, self.arch = version, sub, arch

    @classmethod
    def of_bytes(cls, data):
        if len(data) < 4 or data[:1] != b"M":
            raise ValueError("not a .mpy file")
        return cls(data[1], data[2] & 3, data[2] >> 2)

    @classmethod
    def of_file(cls, path):
        with open(path, "rb") as f:
            return cls.of_bytes(f.read(4))

    @classmethod
    def of_board(cls, mpy):
        """From a board's sys.implementation._mpy."""
        return cls(mpy & 0xFF, (mpy >> 8) & 3, mpy >> 10)

    def describe(self):
        """e.g. 'mpy v6.3 (MicroPython 1.23 or later), native code for xtensawin'."""
        text = f"mpy v{self.version}"
        if self.arch:
            text += f".{self.sub}"
            release = RELEASES.get((self.version, self.sub))
            if release:
                text += f" (MicroPython {release})"
            text += f", native code for {arch_name(self.arch)}"
        return text


def arch_name(arch):
    return ARCHES[arch] if arch < len(ARCHES) else f"arch {arch}"


def problem(header, board):
    """Why a board (a Header from its _mpy) refuses a file (its Header), or None."""
    if header.version != board.version:
        return f"the file is mpy v{header.version}, the board loads mpy v{board.version}"
    if header.arch and header.arch != board.arch:
        return (f"the file holds native code for {arch_name(header.arch)}, the board runs "
                f"{arch_name(board.arch) if board.arch else 'no native code'}")
    if header.arch and header.sub != board.sub:
        return (f"the file is mpy v{header.version}.{header.sub}, the board loads "
                f"v{board.version}.{board.sub}")
    return None
