"""A question of ours that waits for the user's typed answer (see handlers/common/prompts.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class PromptKind(StrEnum):
    WORKSHOP_FORM = "workshop_form"  # staff: the workshop form, new (no target) or to edit
    HOUSEHOLD = "household"  # volunteer: the first name of the household a question is about
    QUESTION = "question"  # volunteer: the question itself
    REPLY = "reply"  # volunteer: a reply to an answer
    ANSWER = "answer"  # staff: the answer to a question
    FIRST_NAME = "first_name"  # volunteer: their first name for the profile


@dataclass(frozen=True, slots=True)
class Prompt:
    kind: PromptKind
    target_id: int | None  # the workshop or ticket it is about
    asked_at: datetime
