"""Volunteer profiles (/profile): a row once the volunteer saves anything."""

from __future__ import annotations

import json
from datetime import datetime

from domain.profiles import Profile
from domain.workshops import WorkshopTopic
from storage.db import Db, to_db


async def get_profile(db: Db, user_id: int) -> Profile:
    """The saved profile, or an empty one."""
    rows = await db.conn.execute_fetchall(
        "SELECT first_name, districts, languages, topics FROM volunteer_profiles"
        " WHERE user_id = ?",
        (user_id,),
    )
    for first_name, districts, languages, topics in rows:
        return Profile(
            user_id=user_id,
            first_name=first_name,
            districts=frozenset(json.loads(districts)),
            languages=frozenset(json.loads(languages)),
            topics=frozenset(WorkshopTopic(topic) for topic in json.loads(topics)),
        )
    return Profile(user_id)


async def save_profile(db: Db, profile: Profile, now: datetime) -> None:
    await db.conn.execute(
        "INSERT INTO volunteer_profiles (user_id, first_name, districts, languages, topics,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET"
        " first_name = excluded.first_name, districts = excluded.districts,"
        " languages = excluded.languages, topics = excluded.topics,"
        " updated_at = excluded.updated_at",
        (
            profile.user_id,
            profile.first_name,
            json.dumps(sorted(profile.districts), ensure_ascii=False),
            json.dumps(sorted(profile.languages)),
            json.dumps(sorted(profile.topics)),
            to_db(now),
        ),
    )
