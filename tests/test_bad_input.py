"""Bad input to `studio render`: exit code 2, one clear line, library unchanged.

Each case runs on a copy of a library after a successful render, so it holds
a project, takes and an export whose every byte (and the database's content)
is compared before and after the failing command. The render is done once for
the module: the cases only read it, and each gets its own copy.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from tests.conftest import run_studio, snapshot, write_script


@pytest.fixture(scope="module")
def rendered_once(tmp_path_factory):
    """A library after a successful render, its engine stopped: the original."""
    from studio.engine.client import stop_engine

    folder = tmp_path_factory.mktemp("rendered")
    root = folder / "library"
    script = write_script(folder, "good.txt", "A finished project. It must stay intact.")
    run = run_studio(root, folder, "render", script, "--no-progress")
    pid = stop_engine(root)
    if pid is not None:
        _wait_until_gone(pid)  # its database connections closed: nothing writes any more
    assert run.returncode == 0, run.stderr
    return root


def _wait_until_gone(pid: int, timeout: float = 60) -> None:
    """Until the process has exited (gone, or a zombie nobody reaped yet)."""
    stat = Path(f"/proc/{pid}/stat")
    deadline = time.monotonic() + timeout
    while True:
        try:
            state = stat.read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return
        if state in ("Z", "X"):
            return
        assert time.monotonic() < deadline, f"process {pid} did not exit"
        time.sleep(0.05)


@pytest.fixture
def rendered(rendered_once, library_dir):
    """This test's copy of the rendered library, and its snapshot."""
    shutil.copytree(rendered_once, library_dir)
    state = snapshot(library_dir)
    assert state == snapshot(rendered_once)  # the copy holds what the render made
    assert any(name.startswith("takes/") for name in state)
    return state


def _unwritable(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    os.chmod(folder, 0o500)
    return folder


CASES = {
    "empty": ("empty.txt", b"", [], "nothing to speak"),
    "whitespace": ("blank.txt", b"  \n\n \t ", [], "nothing to speak"),
    "binary": ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", [], "not a text file"),
    "latin1": ("old.txt", "Café crème.".encode("latin-1"), [], "not UTF-8 text"),
    "huge": ("huge.txt", b"All work and no play. " * 100_000, [], "over the limit"),
    "emoji": ("fun.txt", "Great news!\nWe won 🎉 again.".encode(), [],
              "emoji '🎉' (U+1F389) at line 2, column 8, which cannot be spoken: remove it, "
              "or pass --strip-symbols"),
    "control": ("ctl.txt", b"Bell\x07 rings.", [], "control character U+0007"),
    "chinese": ("zh.txt", "Hello there.\n\n今天天气很好。".encode(), [],
                "segment 2 ('今天天气很好。') is Chinese, "
                "but voice 'joe' (piper) reads English only"),
    "unknown voice": ("ok.txt", b"Fine text.", ["--voice", "nobody"], "no voice named 'nobody'"),
    "bad format": ("ok.txt", b"Fine text.", ["--out", "x.mp4"], "unknown audio format .mp4"),
    "no such folder": ("ok.txt", b"Fine text.", ["--out", "missing/dir/x.wav"],
                       "cannot write the output file"),
    "bad lufs": ("ok.txt", b"Fine text.", ["--lufs", "3"], "--lufs 3.0 is out of range"),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_refused_with_one_line_and_nothing_changes(
    case, rendered, studio, tmp_path, library_dir
) -> None:
    name, data, extra, message = CASES[case]
    script = tmp_path / name
    script.write_bytes(data)
    run = studio("render", script, *extra)
    assert run.returncode == 2, run.stderr
    assert len(run.error_lines) == 1 and message in run.error_lines[0], run.stderr
    assert run.stdout == ""
    assert snapshot(library_dir) == rendered


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through folder permissions")
def test_unwritable_out_folder(rendered, studio, tmp_path, library_dir) -> None:
    script = write_script(tmp_path, "ok.txt", "Fine text.")
    run = studio("render", script, "--out", _unwritable(tmp_path) / "x.wav")
    assert run.returncode == 2 and "cannot write the output file" in run.stderr
    assert snapshot(library_dir) == rendered


def test_out_on_a_read_only_filesystem(rendered, studio, tmp_path, library_dir) -> None:
    """/proc is read-only for everyone, root included: a real unwritable place."""
    script = write_script(tmp_path, "ok.txt", "Fine text.")
    run = studio("render", script, "--out", "/proc/voiceover.wav")
    assert run.returncode == 2
    assert len(run.error_lines) == 1 and "cannot write the output file" in run.stderr
    assert snapshot(library_dir) == rendered


def test_out_is_a_folder(rendered, studio, tmp_path, library_dir) -> None:
    script = write_script(tmp_path, "ok.txt", "Fine text.")
    (tmp_path / "taken.wav").mkdir()
    run = studio("render", script, "--out", tmp_path / "taken.wav")
    assert run.returncode == 2 and "is a folder" in run.stderr
    assert snapshot(library_dir) == rendered


def test_emoji_can_be_dropped_on_request(studio, tmp_path) -> None:
    script = write_script(tmp_path, "fun.txt", "We won 🎉 again.")
    run = studio("render", script, "--strip-symbols", "--no-progress")
    assert run.returncode == 0, run.stderr


def test_missing_script_file(studio, tmp_path) -> None:
    run = studio("render", tmp_path / "nope.txt")
    assert run.returncode == 2 and "no script file" in run.stderr
