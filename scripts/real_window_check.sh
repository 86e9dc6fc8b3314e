#!/usr/bin/env bash
# The studio's real window, driven by X events, before GUI work is resolved.
#
#   scripts/real_window_check.sh [OUTPUT_DIR]     # default: docs/screenshots/window
#
# Starts Xvfb (1280x800x24), opens `studio --library TMP gui` on it with a
# temporary HOME (ALSA null device, Qt settings) and library, and drives it
# with xdotool as a user would: New project, paste a script, Apply, Render all,
# play, a second project, switch, approve, export. The command line checks each
# step; a screenshot of each goes to OUTPUT_DIR. Exit 0: every step happened;
# 1: a step did not (its name, and the temporary folder kept); 2: tools missing.
# Needs the set-up of `make test` (.venv) and: xvfb xdotool imagemagick xclip.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$(realpath -m "${1:-$ROOT/docs/screenshots/window}")
PY=${STUDIO_PYTHON:-$ROOT/.venv/bin/python}
RENDER_TIMEOUT=${RENDER_TIMEOUT:-300}  # seconds for 4 segments on a loaded machine
NAME1="Welcome tour"
NAME2="Podcast intro"
SCRIPT1=$'Welcome to Voice Studio. This tour shows how a script becomes a voiceover.\n\nEach sentence is a segment you can review. Approve the ones you like, then export.\n'
SCRIPT2=$'Hello and welcome to the show. Today we talk about voices.\n\nStay with us until the end.\n'
me=real_window_check

# ---------------------------------------------------------------- tools
missing=() packages=()
for pair in Xvfb:xvfb xdotool:xdotool import:imagemagick convert:imagemagick \
            compare:imagemagick xclip:xclip; do
    command -v "${pair%%:*}" >/dev/null || { missing+=("${pair%%:*}"); packages+=("${pair#*:}"); }
done
if [ ! -x "$PY" ]; then
    echo "$me: no $PY: run \`make test\` once (it sets up .venv), or set STUDIO_PYTHON" >&2
    exit 2
fi
# Qt's xcb plugin: without its libraries the window cannot open at all.
qt=$("$PY" -c 'import os, PySide6; print(os.path.dirname(PySide6.__file__))' 2>/dev/null)
for lib in $(ldd "$qt/Qt/plugins/platforms/libqxcb.so" 2>/dev/null |
             awk '/not found/ {print $1}' | sort -u); do
    base=${lib%%.so.*} version=${lib##*.so.}  # Debian names: libfoo.so.4 is libfoo4
    [[ $base =~ [0-9]$ ]] && package=$base-$version || package=$base$version
    missing+=("$lib") packages+=("${package,,}")
done
if [ ${#missing[@]} -gt 0 ]; then
    mapfile -t packages < <(printf '%s\n' "${packages[@]}" | sort -u)
    echo "$me: missing ${missing[*]}; install with:" \
         "sudo apt-get update && sudo apt-get install -y --no-install-recommends ${packages[*]}" >&2
    exit 2
fi

# ---------------------------------------------------------------- set-up
TMP=$(mktemp -d "${TMPDIR:-/tmp}/real-window.XXXXXX")
LIB=$TMP/library
KEEP=0 XVFB_PID="" APP_PID="" CLIP_PID="" STEP=0 STEP_NAME="set-up"
mkdir -p "$TMP/home" "$TMP/run" "$OUT" && chmod 700 "$TMP/run"
rm -f "$OUT"/[0-9][0-9]-*.png  # the pictures of an earlier run: never mixed with this one's
echo 'pcm.!default { type null }' >"$TMP/home/.asoundrc"  # playback with no sound card

cleanup() {
    local code=$?
    if [ -n "$APP_PID" ] && kill -0 "$APP_PID" 2>/dev/null; then
        kill "$APP_PID" 2>/dev/null
        for _ in $(seq 20); do kill -0 "$APP_PID" 2>/dev/null || break; sleep 0.25; done
        kill -9 "$APP_PID" 2>/dev/null
    fi
    if [ -d "$LIB" ]; then  # the engine runs in a session of its own: stop it too
        local engine
        engine=$(studio engine status --json 2>/dev/null | "$PY" -c \
            'import json, sys; s = json.load(sys.stdin); print(s["pid"] if s["running"] else "")' \
            2>/dev/null)
        timeout 30 env PYTHONPATH="$ROOT" "$PY" -m studio --library "$LIB" engine stop \
            >/dev/null 2>&1
        [ -n "$engine" ] && kill -0 "$engine" 2>/dev/null && kill -9 -- "-$engine" 2>/dev/null
    fi
    [ -n "$CLIP_PID" ] && kill "$CLIP_PID" 2>/dev/null
    if [ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null; then
        for _ in $(seq 20); do kill -0 "$XVFB_PID" 2>/dev/null || break; sleep 0.25; done
        kill -9 "$XVFB_PID" 2>/dev/null
    fi
    if [ "$KEEP" = 1 ]; then
        echo "$me: kept $TMP (the app's log: $TMP/app.log)" >&2
    else
        rm -rf "$TMP"
    fi
    exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export HOME=$TMP/home XDG_CONFIG_HOME=$TMP/home/.config XDG_CACHE_HOME=$TMP/home/.cache
export XDG_DATA_HOME=$TMP/home/.local/share XDG_RUNTIME_DIR=$TMP/run
export LANG=C.UTF-8 LC_ALL=C.UTF-8 QT_QPA_PLATFORM=xcb
export PYTHONPATH=$ROOT${PYTHONPATH:+:$PYTHONPATH}
unset WAYLAND_DISPLAY DBUS_SESSION_BUS_ADDRESS SESSION_MANAGER LANGUAGE QT_STYLE_OVERRIDE \
      QT_QPA_PLATFORMTHEME QT_SCALE_FACTOR QT_SCREEN_SCALE_FACTORS STUDIO_HOME

studio() { timeout 60 "$PY" -m studio --library "$LIB" "$@"; }
x() { timeout 20 "$@"; }  # an X client that hangs (a stuck server) ends the check

fail() {
    KEEP=1
    echo "FAIL step $STEP ($STEP_NAME): $*" >&2
    [ -n "${DISPLAY:-}" ] && x import -silent -window root "$TMP/failed.png" 2>/dev/null &&
        echo "$me: the screen at the failure: $TMP/failed.png" >&2
    if [ -s "$TMP/app.log" ]; then
        echo "$me: the app's log ends with:" >&2
        tail -n 15 "$TMP/app.log" | sed 's/^/    /' >&2
    fi
    exit 1
}

step() { STEP=$((STEP + 1)) STEP_NAME=$1; }
passed() { printf 'ok   %2d %-15s %s\n' "$STEP" "$STEP_NAME" "$*"; }

# Poll a command until it succeeds; false after TIMEOUT seconds.
wait_until() {
    local timeout=$1 deadline
    shift
    deadline=$((SECONDS + timeout))
    until "$@"; do
        [ "$SECONDS" -ge "$deadline" ] && return 1
        app_alive || fail "the studio exited"
        sleep 0.5
    done
}

app_alive() { kill -0 "$APP_PID" 2>/dev/null; }

# A screenshot of the whole screen, reduced to 256 colours (the window is flat UI).
shot() {
    local file=$OUT/$1.png
    x import -silent -window root "$TMP/shot.png" || fail "import could not grab the screen"
    x convert "$TMP/shot.png" +dither -colors 256 -strip "PNG8:$file" ||
        fail "convert could not write $file"
    SHOT=$(basename "$file")
}

# The region of the screen (WxH+X+Y), for comparing before and after a key.
grab() { x import -silent -window root -crop "$1" +repage "$TMP/$2.png"; }
differs() {  # true if two grabs differ in more than a few pixels
    local n
    n=$(compare -metric AE "$TMP/$1.png" "$TMP/$2.png" null: 2>&1)
    n=${n%% *}  # "1234", or "1234 (0.01)" in newer versions
    [ "${n%%.*}" -gt 20 ] 2>/dev/null
}

# X keyboard input goes to the focused window; with no window manager the
# script gives the focus itself (xdotool's XTEST keys, not synthetic events).
window_id() { x xdotool search --onlyvisible --name "$1" 2>/dev/null | head -n 1; }
focus() {
    local id
    id=$(window_id "$1")
    [ -n "$id" ] || fail "no window named '$1' to type into"
    timeout 5 xdotool windowfocus --sync "$id" 2>/dev/null || x xdotool windowfocus "$id"
    sleep 0.2
}
keys() { x xdotool key --delay 120 "$@" || fail "xdotool could not press $*"; sleep 0.4; }
typed() { x xdotool type --delay 40 "$1" || fail "xdotool could not type '$1'"; sleep 0.3; }

states() {  # the project's segment states, in order, from the command line
    studio segments "$1" --json 2>/dev/null |
        "$PY" -c 'import json, sys; print(" ".join(s["state"] for s in json.load(sys.stdin)))'
}
said() { local s; s=$(states "$1"); echo "${s:-no segments}"; }  # for messages
all_done() {
    local s
    s=$(states "$1")
    [ -n "$s" ] && [[ ! " $s " =~ \ (pending|queued|rendering|stale|failed)\  ]]
}
project_names() {
    studio projects list --json 2>/dev/null |
        "$PY" -c 'import json, sys; print("\n".join(p["name"] for p in json.load(sys.stdin)))'
}
has_project() { project_names | grep -xF "$1" >/dev/null; }
segments_are() { [ "$(states "$1" | wc -w)" = "$2" ]; }
window_open() { [ -n "$(window_id "$1")" ]; }
window_gone() { [ -z "$(window_id "$1")" ]; }

# Paste text into the focused widget through the clipboard (as a user would).
paste() {
    [ -n "$CLIP_PID" ] && kill "$CLIP_PID" 2>/dev/null
    printf '%s' "$1" >"$TMP/clip.txt"
    xclip -quiet -selection clipboard -i "$TMP/clip.txt" >/dev/null 2>&1 &
    CLIP_PID=$!
    sleep 0.3
    keys ctrl+v
}

# From the Script tab's editor, Shift+Tab walks the window's focus chain
# backwards: tab bar, project voice, Render all, New project, project list,
# page list, then Apply changes (the editor takes Tab itself, and the button
# has no shortcut).
APPLY_FROM_EDITOR=7

# ---------------------------------------------------------------- Xvfb and the app
exec {display_fd}>"$TMP/display"
Xvfb -displayfd "$display_fd" -screen 0 1280x800x24 -nolisten tcp -noreset \
    >"$TMP/xvfb.log" 2>&1 &
XVFB_PID=$!
exec {display_fd}>&-
display_ready() { [ -s "$TMP/display" ]; }
for _ in $(seq 80); do display_ready && break; sleep 0.25; done
display_ready || { KEEP=1; echo "FAIL set-up: Xvfb did not start (see $TMP/xvfb.log)" >&2; exit 1; }
DISPLAY=:$(tr -dc 0-9 <"$TMP/display")
export DISPLAY

step "start"
"$PY" -m studio --library "$LIB" gui >"$TMP/app.log" 2>&1 &
APP_PID=$!
wait_until 90 window_open '^Voice Studio$' || fail "no 'Voice Studio' window within 90 s"
sleep 2  # the first paint, and the view's first reads
listed=$(studio projects list --json 2>&1)
[ "$listed" = "[]" ] || fail "\`studio projects list\` on the new library said: $listed"
shot 01-start
passed "window up on $DISPLAY, empty library ($SHOT)"

step "new project"
focus '^Voice Studio$'
keys ctrl+n
wait_until 15 window_open '^New project$' || fail "Ctrl+N opened no 'New project' dialog"
focus '^New project$'
typed "$NAME1"
shot 02-new-project
keys Return
wait_until 15 has_project "$NAME1" || fail "Enter in the dialog created no project '$NAME1'"
wait_until 10 window_gone '^New project$' || fail "the dialog stayed open"
passed "Ctrl+N, name typed, Enter: '$NAME1' in \`studio projects list\` ($SHOT)"

step "paste script"
focus '^Voice Studio$'  # the new project's Script tab has the focus in its editor
paste "$SCRIPT1"
shot 03-script-pasted
segments_are "$NAME1" 0 || fail "segments appeared before Apply"
passed "4 sentences in 2 paragraphs pasted (Ctrl+V) into the Script tab ($SHOT)"

step "apply"
for _ in $(seq "$APPLY_FROM_EDITOR"); do keys shift+Tab; done
keys space
wait_until 30 segments_are "$NAME1" 4 ||
    fail "Apply (Shift+Tab x$APPLY_FROM_EDITOR from the editor, Space) made no 4 segments:" \
         "$(said "$NAME1")"
sleep 1
shot 04-applied
passed "Apply changes (Shift+Tab x$APPLY_FROM_EDITOR, Space): $(said "$NAME1") ($SHOT)"

step "render all"
# Apply disables its button while it splits, which moves the focus on to the
# next in the chain: the page list; then project list, New project, Render all.
keys Tab Tab Tab
keys space
render_started() { [[ " $(said "$NAME1") " =~ \ (queued|rendering|rendered)\  ]]; }
wait_until 30 render_started || fail "Render all (Tab x3 from the page list, Space) queued nothing: $(said "$NAME1")"
shot 05-render-all
passed "Render all (Tab x3, Space): $(said "$NAME1") ($SHOT)"

step "rendered"
keys ctrl+f Escape  # Find opens the Segments tab; closing it leaves the focus in the table
wait_until "$RENDER_TIMEOUT" all_done "$NAME1" ||
    fail "not all rendered within $RENDER_TIMEOUT s: $(said "$NAME1")"
sleep 2  # the table and the timeline catch up with the store
shot 06-rendered
passed "\`studio segments\` says: $(said "$NAME1") ($SHOT)"

step "play"
focus '^Voice Studio$'
keys Prior Down  # segment 2 selected in the table
sleep 2  # its waveform is read
TRANSPORT=900x26+360+117  # Play/Pause, the position "0:01.1 / 0:02.6" and what plays
grab "$TRANSPORT" transport-before
keys space
playing() { grab "$TRANSPORT" transport-playing; differs transport-before transport-playing; }
wait_until 10 playing || fail "Space on segment 2 did not start playback (the transport bar did not change)"
shot 07-playing
grab "$TRANSPORT" transport-later
differs transport-playing transport-later ||
    fail "playback started but its position did not move"
passed "segment 2 selected (Page Up, Down), Space plays it, the position moves ($SHOT)"
sleep 4  # let the take end

step "second project"
focus '^Voice Studio$'
keys ctrl+n
wait_until 15 window_open '^New project$' || fail "Ctrl+N opened no 'New project' dialog"
focus '^New project$'
typed "$NAME2"
keys Return
wait_until 15 has_project "$NAME2" || fail "Enter in the dialog created no project '$NAME2'"
wait_until 10 window_gone '^New project$' || fail "the dialog stayed open"
focus '^Voice Studio$'
paste "$SCRIPT2"
for _ in $(seq "$APPLY_FROM_EDITOR"); do keys shift+Tab; done
keys space
wait_until 30 segments_are "$NAME2" 3 ||
    fail "Apply made no 3 segments in '$NAME2': $(said "$NAME2")"
sleep 1
shot 08-second-project
passed "'$NAME2': Ctrl+N, paste, Apply: $(said "$NAME2") ($SHOT)"

step "switch project"
keys ctrl+1  # Voices
keys ctrl+2  # Projects again; the focus is still on the page list
keys Tab     # the project list (the second project sorts first and is selected)
grab 900x680+360+60 before-switch
keys Down    # the first project
sleep 1
grab 900x680+360+60 after-switch
shot 09-switched
differs before-switch after-switch || fail "Down in the project list showed no other project"
passed "Ctrl+1, Ctrl+2, Tab to the project list, Down: '$NAME1' shown ($SHOT)"

step "approve"
keys ctrl+f Escape  # the Segments tab, the focus in the table
keys Prior Down Up  # segment 1 (a key that does not move the cursor selects nothing)
sleep 1
keys a
approved() { [ "$(states "$NAME1" | cut -d' ' -f1)" = approved ]; }
wait_until 15 approved || fail "A approved nothing in '$NAME1': $(said "$NAME1")"
[[ " $(said "$NAME2") " =~ \ approved\  ]] && fail "A approved a segment of '$NAME2'"
sleep 1
shot 10-approved
passed "segment 1 of '$NAME1' (Page Up, Down, Up, A): $(said "$NAME1") ($SHOT)"

step "export"
exported="$LIB/exports/$NAME1.wav"
focus '^Voice Studio$'
keys ctrl+e
wait_until 15 window_open "^Export $NAME1\$" ||
    fail "Ctrl+E opened no 'Export $NAME1' dialog"
sleep 1
shot 11-export-dialog
focus "^Export $NAME1\$"
keys Return
wav_ok() {
    "$PY" - "$exported" 2>/dev/null <<'EOF'
import sys, wave
with wave.open(sys.argv[1]) as w:
    sys.exit(0 if w.getnframes() > 0 else 1)
EOF
}
wait_until 60 wav_ok || fail "no WAV with audio at $exported after Enter in the dialog"
sleep 1
shot 12-exported
seconds=$("$PY" -c 'import sys, wave; w = wave.open(sys.argv[1]); print(f"{w.getnframes() / w.getframerate():.1f} s, {w.getframerate()} Hz")' "$exported")
passed "Ctrl+E, Enter: exports/$NAME1.wav, $(stat -c %s "$exported") bytes, $seconds (11-export-dialog.png, $SHOT)"

step "quit"
keys Escape  # closes the export dialog
wait_until 10 window_gone "^Export $NAME1\$" || fail "Escape left the export dialog open"
focus '^Voice Studio$'
keys ctrl+q
for _ in $(seq 80); do app_alive || break; sleep 0.25; done
app_alive && fail "Ctrl+Q did not close the studio within 20 s"
wait "$APP_PID"
code=$?
APP_PID=""
[ "$code" = 0 ] || fail "the studio exited with code $code"
passed "Escape closed the export dialog, Ctrl+Q closed the studio (exit code 0)"
echo "$me: all $STEP steps happened; screenshots in $OUT"
