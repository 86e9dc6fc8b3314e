#!/usr/bin/env bash
# The system packages the studio and its tests need (Debian and Ubuntu names):
# the one list, used by the Makefile's set-up step (`make demo`, `make test`).
#
#   installers/system-packages.sh
#
# Installs with apt-get what dpkg says is missing, as root or through sudo
# when it asks for no password. Where it cannot (no apt-get, or neither), it
# prints one line naming the missing packages and the command to install them,
# and exits 0: the command line works without them; playback, recording and
# the desktop window do not.
set -uo pipefail

PACKAGES=(
    libportaudio2       # PortAudio: playback and recording (sounddevice)
    libegl1 libgl1      # what Qt links, offscreen included
    libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0
    # Qt's xcb platform: the window on a real X display aborts without these
    libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
    libxcb-render-util0 libxcb-shape0 libxcb-xfixes0 libxcb-xkb1 libxkbcommon-x11-0
    fonts-dejavu-core   # a Latin font
    fonts-wqy-microhei  # a CJK font for the Chinese interface
    util-linux          # unshare, for the read-only library test
    make                # the README's commands
    redis-server        # the render farm's tests start their own (no system service)
    openssl             # and make a certificate for its TLS test
)

if ! command -v dpkg-query >/dev/null || ! command -v apt-get >/dev/null; then
    echo "voice-studio: cannot check system packages (no dpkg/apt-get); install the" \
         "equivalents of: ${PACKAGES[*]}" >&2
    exit 0
fi

missing=()
for package in "${PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null)
    [ "$status" = "install ok installed" ] || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

command="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" = 0 ]; then
    as_root=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
else
    echo "voice-studio: missing system packages: ${missing[*]};" \
         "install them with: sudo apt-get update && sudo $command" >&2
    exit 0
fi

echo "voice-studio: installing system packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# apt's chatter (debconf notes) is shown only if the install fails.
if ! output=$({ "${as_root[@]}" apt-get update -qq &&
                "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
              } 2>&1); then
    printf '%s\n' "$output" >&2
    echo "voice-studio: could not install system packages: ${missing[*]};" \
         "install them with: sudo apt-get update && sudo $command" >&2
fi
exit 0
