"""The model manager against a real HTTP server on loopback: download, resume,
verify, repair and remove, with partial and corrupt transfers caught."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from studio.errors import UserError
from studio.weights import RECORD_NAME, ModelStore, load_manifest, repo_models_dir
from tests.model_server import FakeRepo, ModelServer, write_manifest

MB = 1 << 20


@pytest.fixture
def repo() -> FakeRepo:
    return FakeRepo(
        repo="acme/tiny-tts", revision="0123abcd",
        files={
            "config.yaml": b"sample_rate: 24000\n",
            "weights.bin": os.urandom(3 * MB + 123),
            "tokenizer/vocab.json": json.dumps({"a": 1}).encode(),
        },
    )


@pytest.fixture
def server(repo: FakeRepo):
    with ModelServer(repo) as running:
        yield running


def store_for(tmp_path: Path, text: str) -> ModelStore:
    return ModelStore(tmp_path / "models", write_manifest(tmp_path, text))


def test_download_verifies_and_installs_in_one_rename(tmp_path, repo, server) -> None:
    store = store_for(tmp_path, repo.manifest("tiny", server.endpoint))
    seen: list[tuple[str, int, int, int]] = []
    folder = store.download("tiny", progress=lambda *a: seen.append(a))
    for path, data in repo.files.items():
        assert (folder / path).read_bytes() == data
    assert store.status("tiny").state == "installed"
    assert store.verify("tiny") == []
    assert not (store.root / ".downloads" / "tiny").exists()
    record = json.loads((folder / RECORD_NAME).read_text())
    assert record["revision"] == "0123abcd" and set(record["files"]) == set(repo.files)
    assert seen[-1][2] == seen[-1][3] == sum(len(d) for d in repo.files.values())


def test_interrupted_download_resumes_with_a_range_request(tmp_path, repo, server) -> None:
    store = store_for(tmp_path, repo.manifest("tiny", server.endpoint))
    size = len(repo.files["weights.bin"])
    repo.cut_after["weights.bin"] = MB + 7
    with pytest.raises(UserError, match=r"weights.bin .*interrupted at 1\.0 MB.*resumes"):
        store.download("tiny")
    assert store.status("tiny").state == "downloading"  # nothing where a backend looks
    assert not store.folder("tiny").exists()
    part = store.root / ".downloads" / "tiny" / "weights.bin.part"
    assert part.stat().st_size == MB + 7

    store.download("tiny")
    assert ("weights.bin", f"bytes={MB + 7}-") in repo.requests
    assert repo.sent["weights.bin"] == size  # the first part was not fetched twice
    assert store.verify("tiny") == []


def test_server_that_ignores_ranges_restarts_the_file_cleanly(tmp_path, repo, server) -> None:
    store = store_for(tmp_path, repo.manifest("tiny", server.endpoint))
    repo.cut_after["weights.bin"] = 500_000
    with pytest.raises(UserError, match="interrupted"):
        store.download("tiny")
    repo.ignore_ranges = True
    store.download("tiny")
    assert store.verify("tiny") == []


def test_corrupt_file_is_caught_deleted_and_named(tmp_path, repo, server) -> None:
    store = store_for(tmp_path, repo.manifest("tiny", server.endpoint))
    repo.corrupt.add("weights.bin")
    with pytest.raises(UserError, match=r"model tiny are corrupt: weights.bin \(sha256"):
        store.download("tiny")
    staging = store.root / ".downloads" / "tiny"
    assert not (staging / "weights.bin").exists()
    assert not (staging / "weights.bin.part").exists()
    assert not store.folder("tiny").exists()

    repo.corrupt.clear()
    repo.requests.clear()
    store.download("tiny")
    fetched = {path for path, _ in repo.requests}
    assert fetched == {"weights.bin"}  # the good files were kept, not fetched again
    assert store.verify("tiny") == []


def test_verify_finds_damage_and_download_repairs_only_that(tmp_path, repo, server) -> None:
    store = store_for(tmp_path, repo.manifest("tiny", server.endpoint))
    folder = store.download("tiny")
    weights = folder / "weights.bin"
    data = bytearray(weights.read_bytes())
    data[1000] ^= 1
    weights.write_bytes(bytes(data))
    (folder / "config.yaml").write_bytes(b"sample")  # truncated
    (folder / "tokenizer" / "vocab.json").unlink()

    problems = {p.path: p.problem for p in store.verify("tiny")}
    assert problems == {"weights.bin": "checksum", "config.yaml": "size",
                        "tokenizer/vocab.json": "missing"}
    assert store.status("tiny").state == "incomplete"  # sizes alone see two of three

    repo.requests.clear()
    store.download("tiny")
    assert {path for path, _ in repo.requests} == set(problems)
    assert store.verify("tiny") == []


def test_unpinned_files_are_recorded_on_arrival_and_checked_later(
        tmp_path, repo, server) -> None:
    store = store_for(tmp_path, repo.manifest("tiny", server.endpoint, pinned=False))
    assert not store.spec("tiny").pinned
    folder = store.download("tiny")
    (folder / "weights.bin").write_bytes(os.urandom(len(repo.files["weights.bin"])))
    assert [p.problem for p in store.verify("tiny")] == ["checksum"]


def test_sources_are_tried_in_order_and_optional_files_may_be_absent(
        tmp_path, repo, server) -> None:
    dead = ('[[model.sources]]\nkind = "huggingface"\nrepo = "gone/away"\n'
            'revision = "x"\nendpoint = "http://127.0.0.1:9"\n')
    text = repo.manifest("tiny", server.endpoint, extra_sources=dead, optional=("extra.pt",))
    store = store_for(tmp_path, text)
    folder = store.download("tiny")
    assert not (folder / "extra.pt").exists()
    assert store.status("tiny").state == "installed"
    assert json.loads((folder / RECORD_NAME).read_text())["skipped"] == ["extra.pt"]


def test_missing_file_everywhere_is_a_clear_error(tmp_path, repo, server) -> None:
    text = repo.manifest("tiny", server.endpoint).replace(
        'path = "config.yaml"', 'path = "missing.yaml"')
    store = store_for(tmp_path, text)
    with pytest.raises(UserError, match=r"cannot download missing.yaml .*HTTP 404"):
        store.download("tiny")


def test_remove_frees_the_folder_and_partial_downloads(tmp_path, repo, server) -> None:
    store = store_for(tmp_path, repo.manifest("tiny", server.endpoint))
    store.download("tiny")
    assert store.remove("tiny") > 3 * MB
    assert store.status("tiny").state == "absent"
    with pytest.raises(UserError, match="not downloaded"):
        store.remove("tiny")
    with pytest.raises(UserError, match="no model named 'nope'"):
        store.remove("nope")


def test_cli_download_list_verify_remove(tmp_path, repo, server, studio) -> None:
    manifest = write_manifest(tmp_path, repo.manifest("tiny", server.endpoint))
    env = {"STUDIO_MODELS": str(tmp_path / "models"), "STUDIO_MODEL_MANIFEST": str(manifest)}
    repo.cut_after["weights.bin"] = MB
    run = studio("models", "download", "tiny", **env)
    assert run.returncode == 2 and "interrupted" in run.stderr and "resumes" in run.stderr
    run = studio("models", "download", "tiny", **env)
    assert run.returncode == 0, run.stderr
    assert "tiny" in run.stdout and "%" in run.stderr  # a path on stdout, progress on stderr
    listing = studio("models", "list", **env)
    assert "tiny" in listing.stdout and "installed" in listing.stdout and "MIT" in listing.stdout
    assert studio("models", "verify", "tiny", **env).returncode == 0
    (tmp_path / "models" / "tiny" / "config.yaml").write_bytes(b"x" * 19)
    bad = studio("models", "verify", "tiny", **env)
    assert bad.returncode == 2 and "config.yaml: checksum" in bad.stderr
    assert "studio models download tiny" in bad.stderr
    assert studio("models", "remove", "tiny", **env).returncode == 0
    assert "absent" in studio("models", "list", **env).stdout


def test_shipped_manifest_describes_cosyvoice2() -> None:
    spec = load_manifest(repo_models_dir() / "manifest.toml")["cosyvoice2-0.5b"]
    assert spec.backend == "cosyvoice2" and spec.vram_mb == 5000
    assert {s.kind for s in spec.sources} == {"modelscope", "huggingface"}
    assert {"llm.pt", "flow.pt", "hift.pt", "cosyvoice2.yaml"} <= {f.path for f in spec.files}
    assert {"zh", "en"} <= set(spec.languages) and spec.licence


def test_kill_9_mid_download_loses_nothing_and_resumes(tmp_path, repo, server, studio) -> None:
    """The download process is killed at an arbitrary point of a slow transfer."""
    import signal
    import subprocess
    import sys
    import time

    from tests.conftest import REPO

    manifest = write_manifest(tmp_path, repo.manifest("tiny", server.endpoint))
    env = dict(os.environ, STUDIO_MODELS=str(tmp_path / "models"),
               STUDIO_MODEL_MANIFEST=str(manifest), PYTHONPATH=str(REPO))
    repo.slow.add("weights.bin")
    part = tmp_path / "models" / ".downloads" / "tiny" / "weights.bin.part"
    process = subprocess.Popen([sys.executable, "-m", "studio", "models", "download", "tiny",
                                "--no-progress"], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while not (part.exists() and part.stat().st_size > 500_000):
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()
    kept = part.stat().st_size
    assert 500_000 <= kept < len(repo.files["weights.bin"])
    assert not (tmp_path / "models" / "tiny").exists()

    repo.slow.clear()
    run = studio("models", "download", "tiny", "--no-progress",
                 STUDIO_MODELS=str(tmp_path / "models"), STUDIO_MODEL_MANIFEST=str(manifest))
    assert run.returncode == 0, run.stderr
    assert ("weights.bin", f"bytes={kept}-") in repo.requests
    assert ModelStore(tmp_path / "models", manifest).verify("tiny") == []


def test_a_download_that_cannot_fit_is_refused_before_it_starts(tmp_path, repo, server,
                                                                 monkeypatch) -> None:
    import shutil
    from collections import namedtuple

    store = store_for(tmp_path, repo.manifest("tiny", server.endpoint))
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage(10**9, 10**9 - 1000, 1000))
    with pytest.raises(UserError, match=r"needs 3\.1 MB but .* has 0\.0 MB free"):
        store.download("tiny")
    assert repo.requests == [] and not store.folder("tiny").exists()


def test_a_broken_manifest_is_named_with_what_is_wrong(tmp_path, studio) -> None:
    cases = {
        "[[model]\nname = 1": "cannot be read",
        '[[model]]\nname = "x"\nbackend = "b"\n': "entry 1 is incomplete",
        ('[[model]]\nname = "x"\nbackend = "b"\n[[model.sources]]\nkind = "http"\n'
         'repo = "r"\nrevision = "1"\n[[model.files]]\npath = "../../etc/passwd"\n'):
            "leaves the model folder",
    }
    for text, message in cases.items():
        manifest = write_manifest(tmp_path, text)
        run = studio("models", "list", STUDIO_MODEL_MANIFEST=str(manifest),
                     STUDIO_MODELS=str(tmp_path / "models"))
        assert run.returncode == 2 and message in run.stderr, run.stderr
    missing = studio("models", "list", STUDIO_MODEL_MANIFEST=str(tmp_path / "nope.toml"))
    assert missing.returncode == 2 and "is missing" in missing.stderr
