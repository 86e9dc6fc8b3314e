"""``studio serve``: the local HTTP API, a second front end beside the
desktop app, over the same library, queue and engine (docs/server.md).

Modules: :mod:`.settings` (what ``studio serve`` and the library's
``server.*`` settings say), :mod:`.db` (a connection per thread),
:mod:`.errors` (both error shapes), :mod:`.auth` (keys, the per-key limit),
:mod:`.fetch` (``voice_url``, guarded), :mod:`.metrics` (Prometheus text),
:mod:`.waiter` (one poller for every request waiting on the engine),
:mod:`.audio_out` (the response formats), :mod:`.app` (the routes), and
:mod:`.run` (uvicorn, logs, signals).
"""
