"""LittleFS v2 images of a folder, in the form MicroPython mounts (4096-byte blocks)."""
import os

from littlefs import LittleFS, LittleFSError

BLOCK_SIZE = 4096
DISK_VERSION = 0x00020000   # on-disk format 2.0: mountable by every littlefs v2


class DoesNotFit(ValueError):
    """The files need more blocks than the filesystem has."""


def _new(block_count, block_size):
    return LittleFS(block_size=block_size, block_count=block_count,
                    disk_version=DISK_VERSION, mount=False)


def build(folder, block_count, block_size=BLOCK_SIZE):
    """Bytes of a filesystem of `block_count` blocks holding the tree under `folder`."""
    fs = _new(block_count, block_size)
    fs.format()
    fs.mount()
    try:
        for top, dirs, files in os.walk(folder):
            dirs.sort()
            rel = os.path.relpath(top, folder).replace(os.sep, "/")
            if rel != ".":
                fs.mkdir(rel)
            for name in sorted(files):
                path = name if rel == "." else f"{rel}/{name}"
                with open(os.path.join(top, name), "rb") as src, fs.open(path, "wb") as dst:
                    dst.write(src.read())
    except LittleFSError as e:
        if e.code == LittleFSError.Error.LFS_ERR_NOSPC:
            raise DoesNotFit(f"{folder} does not fit in {block_count} blocks of "
                             f"{block_size} bytes") from None
        raise
    fs.unmount()
    return bytes(fs.context.buffer)


def read_tree(image, block_size=BLOCK_SIZE):
    """(folders, {path: bytes}) of an image, paths relative to its root."""
    fs = _new(len(image) // block_size, block_size)
    fs.context.buffer[:] = image
    fs.mount()
    folders, files = set(), {}
    for top, dirs, names in fs.walk("/"):
        base = top.strip("/")
        folders.update(f"{base}/{d}".lstrip("/") for d in dirs)
        for name in names:
            path = f"{base}/{name}".lstrip("/")
            with fs.open(path, "rb") as f:
                files[path] = f.read()
    return folders, files
