"""Drive a program through a pseudo-terminal, the way a person at a terminal
would: type keys, wait for output, read the screen text. Standard library only.

    with Session([vfl], env=...) as s:
        s.expect("vfl> ")
        s.send("1+1\r")
        s.expect(r"\n2\r?\n")
"""
import errno
import fcntl
import os
import pty
import re
import select
import signal
import struct
import termios
import time

ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Za-z0-9]|\x1b[=>]|\x07")


def clean(data):
    """Bytes from the terminal as text, without escape sequences or CRs."""
    return ANSI.sub(b"", data).replace(b"\r", b"").decode("utf-8", "replace")


class Timeout(AssertionError):
    pass


class Session:
    def __init__(self, argv, env=None, cwd=None, rows=30, cols=100):
        self.argv = argv
        self.raw = b""          # everything read so far
        self.mark = 0           # expect() searches clean(raw[mark:])
        self.status = None
        pid, fd = pty.fork()
        if pid == 0:            # child: the pty is its controlling terminal
            try:
                if cwd:
                    os.chdir(cwd)
                os.execve(argv[0], argv, env if env is not None else os.environ)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _read(self, timeout):
        r, _, _ = select.select([self.fd], [], [], timeout)
        if not r:
            return False
        try:
            data = os.read(self.fd, 65536)
        except OSError as e:    # EIO: the child closed the terminal
            if e.errno == errno.EIO:
                return None
            raise
        if not data:
            return None
        self.raw += data
        return True

    def text(self):
        """Text output since the last match."""
        return clean(self.raw[self.mark:])

    def all_text(self):
        return clean(self.raw)

    def expect(self, pattern, timeout=10):
        """Wait until the regex matches the output after the last match."""
        rx = re.compile(pattern, re.S)
        deadline = time.time() + timeout
        while True:
            text = clean(self.raw[self.mark:])
            m = rx.search(text)
            if m:
                # advance the mark past the matched text in raw bytes
                self._advance(text[:m.end()])
                return m
            left = deadline - time.time()
            if left <= 0:
                raise Timeout("timed out waiting for %r; output so far:\n%s"
                              % (pattern, self.all_text()))
            if self._read(min(left, 0.2)) is None:
                text = clean(self.raw[self.mark:])
                m = rx.search(text)
                if m:
                    self._advance(text[:m.end()])
                    return m
                raise Timeout("program ended before %r appeared; output:\n%s"
                              % (pattern, self.all_text()))

    def _advance(self, matched_clean):
        # find the shortest raw prefix whose clean form covers the match
        target = len(matched_clean)
        lo, hi = self.mark, len(self.raw)
        while lo < hi:
            mid = (lo + hi) // 2
            if len(clean(self.raw[self.mark:mid])) >= target:
                hi = mid
            else:
                lo = mid + 1
        self.mark = lo

    def send(self, keys, pause=0.15):
        """Type keys (str). Pause after, as a person would: a Ctrl-C flushes
        whatever the program has not read yet."""
        os.write(self.fd, keys.encode())
        time.sleep(pause)
        self.drain()

    def drain(self, timeout=0.05, limit=2.0):
        """Read what is there, until quiet for timeout (at most limit s)."""
        end = time.time() + limit
        while time.time() < end and self._read(timeout):
            pass

    def wait(self, timeout=10):
        """Wait for the program to end; return its exit status."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            self._read(0.05)
            pid, st = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = os.waitstatus_to_exitcode(st)
                return self.status
        raise Timeout("program did not exit; output:\n%s" % self.all_text())

    def close(self):
        if self.status is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except OSError:
                pass
        try:
            os.close(self.fd)
        except OSError:
            pass
