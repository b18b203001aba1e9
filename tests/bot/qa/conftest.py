"""Shared fixtures for the QA engine tests."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.program import Program, load_program
from bot.qa import QaEngine

# Before the deadline (111-09-21), inside the implementation period and phase 1.
TODAY = dt.date(2022, 9, 10)


@pytest.fixture(scope="session")
def program() -> Program:
    """The shipped program file."""
    return load_program()


@pytest.fixture(scope="session")
def engine(program: Program) -> QaEngine:
    """An engine over the shipped program and FAQ."""
    return QaEngine.build(program)
