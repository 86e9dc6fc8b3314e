"""The front door: every user-level flow, written once.

The command line (``studio.cli``), the window (``studio.ui``) and the HTTP
server (``studio.server``) parse their input, call one flow here and present
what it returns in their own words. They never import the engine or the job
queue, and never write SQL. Flows return data (records, counts, segment
numbers, refusal codes on :class:`~studio.errors.UserError`), not sentences
for a particular front end.

=====================  ===================================================
module                 flows
=====================  ===================================================
``service.render``     plan a script, queue a project, render and wait,
                       apply an edited script (the paused rule lives here)
``service.review``     regenerate, edit, lock / unlock, approve, choose a take
``service.lexicon``    a lexicon change and the renders it requeues
``service.export``     export a project (refuses audio that is not current)
``service.qa``         take QA's report, and checking takes again
``service.engine``     start, stop, status, wait, the worker plan
``service.queue``      jobs: list, retry, cancel, pause / resume, priority
=====================  ===================================================

Import the module of a flow (``from studio.service import render``): each
module is the one place its flows live, and this package re-exports nothing.

Flows that queue work start the engine through a ``start`` callable: none
means here, blocking until the supervisor runs (the command line, and the
window's work already on its thread pool); the window's GUI thread passes
one that runs on the pool, the server one that makes it a background task.
"""
