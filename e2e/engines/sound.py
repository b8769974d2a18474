"""A sound server for the browsers: Debian's PulseAudio with one null sink, nothing audible.

Firefox plays sound through PulseAudio; on a machine without one (a CI runner) it has no audio
output at all. sound_server() starts a private PulseAudio (its own XDG_RUNTIME_DIR and HOME in
a temporary folder, its socket there, no D-Bus, no system-wide instance), whose only sink is a
null sink, and stops it after, also when the test fails.

As root PulseAudio warns that it is "not intended to be run as root" but runs: --system would
be the multi-user daemon with its own user and socket under /run, which this needs none of.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

PULSEAUDIO = "pulseaudio"
START_SECONDS = 20.0


def _answers(path: Path) -> bool:
    """Whether something accepts connections on the Unix socket at path."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        probe.settimeout(1)
        try:
            probe.connect(str(path))
        except OSError:
            return False
        return True


@contextlib.contextmanager
def sound_server() -> Iterator[dict[str, str]]:
    """Run a private PulseAudio with a null sink; yield the environment a browser needs to use
    it (PULSE_SERVER and the rest of os.environ)."""
    executable = shutil.which(PULSEAUDIO)
    if executable is None:
        raise RuntimeError("pulseaudio is missing: make browser installs it")
    folder = Path(tempfile.mkdtemp(prefix="valmis-pulse-"))
    runtime, home = folder / "run", folder / "home"
    runtime.mkdir(mode=0o700)
    home.mkdir()
    native = runtime / "native"
    environment = {**os.environ, "XDG_RUNTIME_DIR": str(runtime), "HOME": str(home)}
    environment.pop("DBUS_SESSION_BUS_ADDRESS", None)
    log = (folder / "pulseaudio.log").open("wb")
    process = subprocess.Popen(
        [executable, "-n", "--daemonize=no", "--exit-idle-time=-1", "--use-pid-file=no",
         "--system=no", "--log-target=stderr",
         "-L", "module-null-sink sink_name=valmis_null",
         "-L", f"module-native-protocol-unix socket={native} auth-anonymous=1"],
        stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=environment,
        start_new_session=True)
    try:
        deadline = time.monotonic() + START_SECONDS
        while not (native.exists() and _answers(native)):
            if process.poll() is not None or time.monotonic() > deadline:
                log.flush()
                raise RuntimeError("PulseAudio did not start: "
                                   + (folder / "pulseaudio.log").read_text(errors="replace"))
            time.sleep(0.05)
        yield {**os.environ, "PULSE_SERVER": f"unix:{native}"}
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def no_sound_server() -> Iterator[dict[str, str]]:
    """Yield an environment in which a browser finds no sound server, as on a machine with no
    audio at all: PULSE_SERVER names a socket that does not exist, and the client may not start
    a server of its own (autospawn off)."""
    folder = Path(tempfile.mkdtemp(prefix="valmis-no-sound-"))
    try:
        (folder / "client.conf").write_text("autospawn = no\n")
        yield {**os.environ, "PULSE_SERVER": f"unix:{folder / 'native'}",
               "PULSE_CLIENTCONFIG": str(folder / "client.conf"),
               "XDG_RUNTIME_DIR": str(folder)}
    finally:
        shutil.rmtree(folder, ignore_errors=True)
