"""``syndicator serve`` and ``syndicator run``: the long-running commands."""

from __future__ import annotations

from typing import Any

import click

from ..config import api_token
from .base import State, cli, pass_state


def _server_options(func: Any) -> Any:
    func = click.option(
        "--port", type=click.IntRange(0, 65535), help="Port (default: [server] port)."
    )(func)
    func = click.option("--host", help="Address to listen on (default: [server] host).")(func)
    return func


@cli.command()
@_server_options
@pass_state
def serve(state: State, host: str | None, port: int | None) -> None:
    """Serve the feeds and preview pages (no scheduler).

    Uses the granian production server. Stops on Ctrl-C or SIGTERM.

    Example: syndicator serve --port 8081
    """
    import functools

    from .. import metrics
    from ..web.server import check_address, prepare_store
    from ..web.server import serve as run_server
    from ..web.store_wait import prepare_or_retry, retry_seconds

    config = state.config
    api_token()  # a token too short stops us here, before anything listens
    check_address(config, host, port)
    metrics.token()  # a bad token stops us here, in one line, not in the worker
    # A store that cannot be opened is logged in one line and tried again;
    # the feeds already in the output dir are served meanwhile.
    prepare_or_retry(
        functools.partial(prepare_store, config),
        config.output_dir,
        retry_seconds(config.scheduler.interval),
    )
    shared = metrics.use_directory()  # counts survive a restarted worker
    try:
        run_server(config, host=host, port=port, spawn=False)
    finally:
        metrics.remove_directory(shared)


@cli.command()
@_server_options
@pass_state
def run(state: State, host: str | None, port: int | None) -> None:
    """Publish on schedule and serve, until Ctrl-C or SIGTERM.

    A pass runs at start, every [scheduler] interval seconds, at each
    article's due time and within [scheduler] watch seconds of any write
    (the ingest API, an import). Instances sharing a PostgreSQL store
    take turns: one publishes, the others bring their output up to date.
    Stops cleanly on Ctrl-C or SIGTERM.

    Example: syndicator run
    """
    import functools
    import logging
    import os
    import threading

    from .. import metrics, store

    api_token()  # a token too short stops us here, before anything listens
    metrics.token()  # a bad token stops us here, in one line, not in the worker
    # Before any metric exists: the passes' metrics (here) and the requests'
    # (in the worker) go to one directory, which the worker's /metrics reads.
    # (One left by a failed start is removed at the next: see use_directory.)
    shared = metrics.use_directory()
    from ..actions.passes import start_scheduler
    from ..integrations.websub import Pinger
    from ..publish.scheduler import stop_scheduler
    from ..web.server import check_address
    from ..web.server import serve as run_server
    from ..web.store_wait import prepare_or_retry, retry_seconds

    config = state.config
    check_address(config, host, port)
    engine = store.create_store_engine(config.store_url, busy_timeout=config.store.busy_timeout)
    # A store that cannot be opened is logged in one line and tried again;
    # the feeds already in the output dir are served meanwhile, and passes
    # fail (counted) until it answers.
    store_retry = threading.Event()
    prepare_or_retry(
        functools.partial(store.init_schema, engine),
        config.output_dir,
        retry_seconds(config.scheduler.interval),
        store_retry,
    )
    pinger = Pinger.from_config(config).start()
    scheduler = start_scheduler(engine, config, pinger) if config.scheduler.enabled else None
    if scheduler is not None:
        scheduler.start()
    try:
        watched = scheduler is not None and config.scheduler.watch > 0
        run_server(config, host=host, port=port, watched=watched)
    finally:
        store_retry.set()
        # The pass in progress gives up at its next check; one stuck in a long
        # store query or in writing is not waited for beyond a few seconds.
        idle = scheduler is None or stop_scheduler(scheduler)
        pinger.stop(timeout=2)
        engine.dispose()
        metrics.remove_directory(shared)
        if not idle:
            logging.getLogger(__name__).warning(
                "stopping during a pass that did not give up in time: the next pass redoes it"
            )
            logging.shutdown()
            os._exit(0)  # the pass's thread would hold the interpreter's exit
