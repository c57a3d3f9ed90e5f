"""Alembic scripts for the store's schema (run by ``appliance.store.engine.migrate``).

A package, so that ``packages = find:`` ships ``env.py`` and the revisions with the code;
``script.py.mako`` ships through ``[options.package_data]``. Nothing here is meant to be imported.
"""
