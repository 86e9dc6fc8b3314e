"""The routers of ``studio serve``, one per area, assembled by
:func:`studio.server.app.create_app` in this order: :mod:`.operations`
(health, readiness, metrics), :mod:`.original` (the original service's
contract), :mod:`.speech` (the compatible speech API) and :mod:`.projects`
(long-form projects).

A route function's name is its OpenAPI operation id, and it has no
docstring (FastAPI would publish one as the operation's description).
"""
