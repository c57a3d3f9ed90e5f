"""Alembic's entry point for smsrelay's schema.

At run time ``appliance.store.engine.migrate`` hands over an open connection (in
``config.attributes["connection"]``) inside its own transaction. Developers writing a new
revision can also run the ``alembic`` command with ``-x url=sqlite:////tmp/dev.db`` or
``sqlalchemy.url`` set in a local alembic.ini; autogenerate then compares against the models.
SQLite cannot alter most of a table in place, so operations are rendered and run in batch mode
(copy to a new table) there.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection
from sqlmodel import SQLModel

import appliance.store.alert_schema
import appliance.store.attempt_schema
import appliance.store.call_schema
import appliance.store.campaign_schema
import appliance.store.contact_schema
import appliance.store.node_schema
import appliance.store.schema  # noqa: F401 - registers the tables on SQLModel.metadata
from appliance.store.engine import create_engine_for, modelled

config = context.config
target_metadata = SQLModel.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=modelled,  # the trigram index of revision 0004 is no model
    )
    with context.begin_transaction():
        context.run_migrations()


def _url() -> str:
    return context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url", ""
    )


if context.is_offline_mode():
    context.configure(
        url=_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=_url().startswith("sqlite"),
    )
    with context.begin_transaction():
        context.run_migrations()
elif config.attributes.get("connection") is not None:
    _run(config.attributes["connection"])
else:
    with create_engine_for(_url()).begin() as own_connection:
        _run(own_connection)
