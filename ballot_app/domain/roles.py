"""Who may do what: the roles of SPEC's table of users."""

from __future__ import annotations

from enum import StrEnum

from .text import N_, _


class Role(StrEnum):
    ADMIN = "admin"  #: 区委组织部干部一科: everything
    ORGANIZER = "organizer"  #: 考核组: the units of the group
    TELLER = "teller"  #: 计票人/监票人: the meetings they are assigned to

    @property
    def label(self) -> str:
        """The role's name in the reader's language (ROLE_LABELS holds the Chinese)."""
        return _(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.ADMIN: N_("管理员"),
    Role.ORGANIZER: N_("考核组"),
    Role.TELLER: N_("计票人/监票人"),
}


def may_see_unit(role: Role, user_group: int | None, unit_group: int | None) -> bool:
    """Admins see every unit; others only the units assigned to their own group."""
    return role == Role.ADMIN or (user_group is not None and user_group == unit_group)


def may_see_meeting(
    role: Role, user_group: int | None, unit_group: int | None, *, assigned: bool
) -> bool:
    """Admins see every meeting, organizers their group's; a teller only the meetings they
    are assigned to count, whatever their group."""
    if role == Role.TELLER:
        return assigned
    return may_see_unit(role, user_group, unit_group)


def may_manage(role: Role) -> bool:
    """Admins and organizers prepare and run meetings; tellers only watch."""
    return role in (Role.ADMIN, Role.ORGANIZER)
