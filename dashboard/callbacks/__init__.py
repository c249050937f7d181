"""Callbacks, one module per feature. Each module's `register(app)` binds them to an app.

Callbacks only translate: parse inputs into a View, call pure functions, return.
"""
