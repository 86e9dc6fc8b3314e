"""``studio serve``: the local HTTP API, a third front end beside the
desktop app and the command line, over the same library, the same service
flows and the same engine (docs/server.md).

Modules: :mod:`.app` (assembles the routers, error handlers and middleware),
:mod:`.routes` (one router per area: the original contract, the speech API,
projects, review, operations), :mod:`.shared` (dependencies and body
reading), :mod:`.state` (what the routes share), :mod:`.middleware` (body
limit, access log), :mod:`.settings` (what ``studio serve`` and the
library's ``server.*`` settings say), :mod:`.db` (a connection per thread),
:mod:`.errors` (both error shapes), :mod:`.auth` (keys, the per-key limit),
:mod:`.fetch` (``voice_url``, guarded), :mod:`.metrics` (Prometheus text),
:mod:`.waiter` (one poller for every request waiting on the engine),
:mod:`.long_work` (exports in child processes, bounded) and :mod:`.run`
(uvicorn, logs, signals, the graceful stop). The speech API's audio is joined and
encoded as it lands by :mod:`studio.service.speech_stream`.
"""
