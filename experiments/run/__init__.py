"""Running experiments, resumably, on one machine or a cluster.

The plan (:mod:`.experiment`), replication seeds (:mod:`.seeds`), one run
(:mod:`.single`), executors (:mod:`.executors`; Dask: :mod:`.dask_executor` with
:mod:`.cluster` for connecting, code checks and SLURM), the resumable runner
(:mod:`.runner`), result storage (:mod:`.storage`, partition folders :mod:`.layout`)
and the manifest (:mod:`.manifest`: the header; the run table :mod:`.journal`).
"""
