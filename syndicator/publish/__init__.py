"""The publish pass and everything that decides when and where it writes.

:mod:`.plan` works out what a pass must write, :mod:`.run` runs it
(render, write, commit), :mod:`.channel_files` keeps a channel's feed and
archive pages on disk, :mod:`.wechat_files` the WeChat posts,
:mod:`.output_files` replaces files atomically, :mod:`.checkpoints` names
the pass's steps. Around a pass: :mod:`.cluster` picks the one instance
that publishes, :mod:`.due_times` wakes the scheduler at articles' due
times, :mod:`.scheduler` runs it all in ``syndicator run``.
"""

from .plan import FEED_FILES, PassReport, feed_path
from .run import COVERED_CLOCK, COVERED_REVISION, run_pass

__all__ = [
    "COVERED_CLOCK",
    "COVERED_REVISION",
    "FEED_FILES",
    "PassReport",
    "feed_path",
    "run_pass",
]
