"""``syndicator serve`` and ``syndicator run``: the long-running commands."""

from __future__ import annotations

from typing import Any

import click

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

    from ..web.server import check_address, prepare_store
    from ..web.server import serve as run_server
    from ..web.store_wait import prepare_or_retry, retry_seconds

    config = state.config
    check_address(config, host, port)
    # A store that cannot be opened is logged in one line and tried again;
    # the feeds already in the output dir are served meanwhile.
    prepare_or_retry(
        functools.partial(prepare_store, config),
        config.output_dir,
        retry_seconds(config.scheduler.interval),
    )
    run_server(config, host=host, port=port, spawn=False)


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
    import os
    import tempfile
    import threading

    from .. import metrics, store
    from ..actions.passes import start_scheduler
    from ..integrations.websub import Pinger
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
    # The passes run here, the requests in the worker: hand it the pass metrics.
    handle, exported = tempfile.mkstemp(prefix="syndicator-passes-", suffix=".prom")
    os.close(handle)
    metrics.export_to(exported)
    os.environ[metrics.EXPORT_ENV] = exported
    if scheduler is not None:
        scheduler.start()
    try:
        watched = scheduler is not None and config.scheduler.watch > 0
        run_server(config, host=host, port=port, watched=watched)
    finally:
        store_retry.set()
        if scheduler is not None:
            scheduler.shutdown(wait=True)
        pinger.stop(timeout=2)
        engine.dispose()
        metrics.export_to(None)
        os.unlink(exported)
