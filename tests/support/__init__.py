"""Helpers of the tests: paths, sample data, fakes of outside services.

Tests reach these through the fixtures of ``tests/conftest.py`` (and of the
conftest of the folder that alone uses them); only plain constants are
imported from here directly.
"""
