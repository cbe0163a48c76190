"""The fake Telegram users one can chat as in the sandbox."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from domain.accounts import StaffRole
from domain.locales import is_rtl, native_name


@dataclass(frozen=True, slots=True)
class Persona:
    key: str
    user_id: int
    first_name: str
    language_code: str
    role: str  # shown on the page; the bot learns the role from /start or the seeds
    carrier: str | None = None  # carrier code of staff personas, made staff at start
    staff_role: StaffRole = StaffRole.CASEWORKER

    def telegram_user(self) -> dict[str, Any]:
        return {
            "id": self.user_id,
            "is_bot": False,
            "first_name": self.first_name,
            "language_code": self.language_code,
        }

    def for_page(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "user_id": self.user_id,
            "name": self.first_name,
            "role": self.role,
            "language": self.language_code,
            "language_name": native_name(self.language_code),
            "rtl": is_rtl(self.language_code),
        }


ADMIN = Persona("admin", 7100009, "Katrin", "de", "admin (coordinator)")
CARITAS_STAFF = Persona(
    "staff-caritas",
    7100007,
    "Miriam",
    "de",
    "coordinator at Caritas",
    carrier="caritas",
    staff_role=StaffRole.COORDINATOR,
)
PERSONAS = (
    Persona("seeker-uk", 7100001, "Olena", "uk", "seeker"),
    Persona("seeker-ar", 7100002, "Ahmad", "ar", "seeker"),
    Persona("seeker-fa", 7100003, "Zahra", "fa", "seeker"),
    Persona("seeker-ru", 7100004, "Dmitri", "ru", "seeker"),
    Persona("seeker-tr", 7100005, "Ayşe", "tr", "seeker"),
    Persona("volunteer-de", 7100006, "Jana", "de", "volunteer"),
    CARITAS_STAFF,
    Persona("staff-drk", 7100008, "Tobias", "de", "staff of DRK", carrier="drk"),
    ADMIN,
    # Not registered: the one to open an invitation link with and become staff.
    Persona("newcomer", 7100010, "Lena", "de", "new colleague, no account yet"),
)
