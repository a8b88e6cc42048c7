"""Skill levels as people read them: the SFIA 1-7 scale by name, with a one-line hint each.

The store keeps the number (`store.statuses.SkillLevel`); everything shown says the name, so
"Python 5" reads "Python · 5 Ensure and advise" where there is room and "Python 5" where not.
"""

from __future__ import annotations

from typing import Any

from bot.blocks.inputs import option
from bot.blocks.kit import plain
from store.statuses import SkillLevel

LEVEL_NAMES: dict[int, str] = {
    SkillLevel.FOLLOW: "Follow",
    SkillLevel.ASSIST: "Assist",
    SkillLevel.APPLY: "Apply",
    SkillLevel.ENABLE: "Enable",
    SkillLevel.ENSURE_AND_ADVISE: "Ensure and advise",
    SkillLevel.INITIATE_AND_INFLUENCE: "Initiate and influence",
    SkillLevel.SET_STRATEGY: "Set strategy",
}

# What each level means in practice, short enough for an option's description (75 characters).
LEVEL_HINTS: dict[int, str] = {
    SkillLevel.FOLLOW: "Learning the basics; works under close direction",
    SkillLevel.ASSIST: "Does routine work with some guidance",
    SkillLevel.APPLY: "Works on their own on everyday tasks; knows where to look",
    SkillLevel.ENABLE: "Handles complex work alone and guides others day to day",
    SkillLevel.ENSURE_AND_ADVISE: "Trusted adviser; accountable for the results of others",
    SkillLevel.INITIATE_AND_INFLUENCE: "Shapes how the organisation works in this field",
    SkillLevel.SET_STRATEGY: "Sets direction for the whole field, inside and outside",
}


def level_label(level: int) -> str:
    """ "5 Ensure and advise": the number and its name."""
    return f"{level} {LEVEL_NAMES[level]}"


def skill_with_level(name: str, level: int) -> str:
    """ "Python · 5 Ensure and advise": how a profile lists a skill."""
    return f"{name} · {level_label(level)}" if level in LEVEL_NAMES else name


def level_scale() -> str:
    """The whole scale, one level a line with its hint: shown under a field asking for levels."""
    return "\n".join(f"*{level_label(level)}*: {hint}" for level, hint in LEVEL_HINTS.items())


def level_options() -> list[dict[str, Any]]:
    """The seven levels as select options, each with its hint as the description."""
    return [
        {**option(level_label(level), str(level)), "description": plain(hint)}
        for level, hint in LEVEL_HINTS.items()
    ]
