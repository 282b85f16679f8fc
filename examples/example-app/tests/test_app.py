"""Run with the dev group's test runner: `testrun` from the project directory."""

import example_app


def test_version():
    assert example_app.__version__ == "1.1.0"
