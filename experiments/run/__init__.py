"""Running experiments: the plan (:mod:`.experiment`), replication seeds (:mod:`.seeds`),
one run (:mod:`.single`), executors, the resumable runner, result storage and the manifest.
"""
