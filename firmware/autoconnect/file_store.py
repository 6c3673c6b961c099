"""Storing an uploaded file on the filesystem under a sanitised name."""
import os


def safe_name(name):
    """A file name without folders, dot-dot or control characters."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if c >= " " and c not in '<>:"|?*').strip().lstrip(".")
    return name[:64] or "upload.bin"


class FileSink:
    """A plain file upload into a folder: write(), abort(), finish() -> path."""

    def __init__(self, folder, name):
        try:
            os.mkdir(folder)
        except OSError:
            pass
        self.path = "%s/%s" % (folder.rstrip("/"), safe_name(name))
        self.f = open(self.path, "wb")

    def write(self, data):
        try:
            self.f.write(data)
        except OSError as e:
            from .ota import OTAError
            raise OTAError("cannot store %s: %s" % (self.path, e))

    def abort(self):
        self.f.close()
        os.remove(self.path)

    def finish(self):
        self.f.close()
        return self.path
