"""Fetches one large response at a time with curl, reading at full speed, and prints per try:
HTTP status, time to first byte and to the last byte (curl's time_starttransfer and time_total,
in seconds), bytes received, and how many files were created in WATCH_DIR meanwhile (or "-").

Usage: large_response.py URL TRIES [WATCH_DIR]

A buffering proxy's temporary file lives only while it serves the response, so the directory is
watched with inotify for files created during each try rather than listed before and after. Only
creations count: .NET creates its file under one name and renames it, which is still one file.
"""
import ctypes
import os
import struct
import subprocess
import sys

IN_CREATE = 0x100
IN_ISDIR = 0x40000000


class CreatedFiles:
    def __init__(self, directory):
        self._libc = ctypes.CDLL(None, use_errno=True)
        self._fd = self._libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if self._fd < 0 or self._libc.inotify_add_watch(self._fd, directory.encode(), IN_CREATE) < 0:
            raise OSError(ctypes.get_errno(), f"cannot watch {directory}")

    def take(self):
        """Files created since the last call."""
        count = 0
        while True:
            try:
                data = os.read(self._fd, 65536)
            except BlockingIOError:
                return count
            offset = 0
            while offset < len(data):
                _, mask, _, length = struct.unpack_from("iIII", data, offset)
                offset += 16 + length
                if not mask & IN_ISDIR:
                    count += 1


def main(url, tries, watch_dir=None):
    watcher = CreatedFiles(watch_dir) if watch_dir else None
    for _ in range(tries):
        if watcher:
            watcher.take()
        done = subprocess.run(
            ["curl", "-s", "-o", "/dev/null", "--max-time", "60",
             "-w", "%{http_code} %{time_starttransfer} %{time_total} %{size_download}", url],
            capture_output=True, text=True)
        fields = done.stdout.split() if len(done.stdout.split()) == 4 else ["000", "0", "0", "0"]
        created = str(watcher.take()) if watcher else "-"
        print("\t".join(fields + [created]), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3] if len(sys.argv) > 3 else None)
