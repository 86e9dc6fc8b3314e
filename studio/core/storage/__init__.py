"""The library's SQL: the schema and one store per aggregate.

Every statement the studio's core and engine run on ``studio.db`` is here.
Each aggregate's store is a small class over the library's one connection
and its one transaction helper (:class:`~studio.core.storage.base.Storage`):
:class:`studio.core.store.Library` combines those of what a library holds
(settings, voices, projects, segments and takes, API keys, the lexicon);
the job queue, take QA and the engine's ``workers`` table use theirs over
the library's connection. The rules (priorities, backoff, what to queue,
which take is best) stay with the modules that use these stores.
"""
