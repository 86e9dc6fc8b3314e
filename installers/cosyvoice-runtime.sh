#!/usr/bin/env bash
# Installs the CosyVoice2 backend's runtime into the studio's virtual environment:
# its Python dependencies (the `cosyvoice` extra), then the runtime's source at the
# pinned commit, put on the path with a .pth file (it is not on the package index).
#
#   installers/cosyvoice-runtime.sh            # after `make demo` (the .venv exists)
#   VENV=/path/to/venv installers/cosyvoice-runtime.sh
#
# Needs git and the network (GitHub and the package index); a machine with an
# NVIDIA driver to use it. Then: studio models download cosyvoice2-0.5b
set -euo pipefail

# The runtime revision the adapter is written against: CosyVoice2(model_dir,
# load_jit, load_trt, load_vllm, fp16), prompts passed as file paths.
REV="${COSYVOICE_REV:-7538c6a73d8f8f80672518112092279bb431a4d7}"
REPO_URL="${COSYVOICE_REPO:-https://github.com/FunAudioLLM/CosyVoice.git}"
VENV="${VENV:-.venv}"
DEST="${COSYVOICE_DIR:-$VENV/src/cosyvoice}"
PY="$VENV/bin/python"

test -x "$PY" || { echo "no virtual environment at $VENV: run 'make demo' first" >&2; exit 2; }
command -v git >/dev/null || { echo "git is needed to fetch the runtime" >&2; exit 2; }

"$PY" -m pip install --disable-pip-version-check -e '.[cosyvoice]'

if [ ! -d "$DEST/.git" ]; then
    git clone --quiet "$REPO_URL" "$DEST"
fi
git -C "$DEST" fetch --quiet origin "$REV" 2>/dev/null || git -C "$DEST" fetch --quiet origin
git -C "$DEST" checkout --quiet "$REV"
git -C "$DEST" submodule update --quiet --init --recursive

SITE="$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
ROOT="$(cd "$DEST" && pwd)"
printf '%s\n%s\n' "$ROOT" "$ROOT/third_party/Matcha-TTS" > "$SITE/studio-cosyvoice-runtime.pth"

"$PY" - <<PY
import inspect
from cosyvoice.cli.cosyvoice import CosyVoice2
print("CosyVoice2 runtime at $REV:", inspect.signature(CosyVoice2))
PY
echo "next: $VENV/bin/studio models download cosyvoice2-0.5b"
