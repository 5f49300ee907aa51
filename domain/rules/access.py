"""Who is acting, and what they may do: the actor, scoped roles, permission predicates.

An ``Actor`` is a person with roles from the organisation; a body- or municipality-bound role
carries its scope (chair *of the council*, mayor *of Gol*). A command declares its permission as
``Permission(grants)``: it is allowed when any grant holds for the actor and the command's
``Scope`` (what it acts on: the body, the person it is about, the owner of the case or
follow-up, the members standing behind a demand), which the registry resolves from the input
before the effect runs. The engine itself (``SYSTEM_ACTOR``) may do everything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from domain.errors import NotAllowed
from domain.rules.terms import ROLE_LABELS, Role


@dataclass(frozen=True)
class Actor:
    """Who is acting, and in which roles. Body- or municipality-bound roles carry a scope."""

    id: str
    name: str
    roles: frozenset[tuple[Role, str | None]] = field(default_factory=frozenset)

    def has(self, role: Role, scope: str | None = None) -> bool:
        if scope is None:
            return any(r == role for r, _ in self.roles)
        return (role, scope) in self.roles

    def any_of(self, roles: Iterable[Role]) -> bool:
        return any(self.has(role) for role in roles)

    def scopes(self, role: Role) -> set[str]:
        return {s for r, s in self.roles if r == role and s is not None}

    @property
    def is_staff(self) -> bool:
        return self.has(Role.DIRECTOR) or self.has(Role.STAFF)

    @property
    def is_system(self) -> bool:
        return self.has(Role.SYSTEM)

    def role_for_journal(self, preferred: Iterable[Role] = ()) -> str:
        for role in preferred:
            if self.has(role):
                return role.value
        for role in (Role.SYSTEM, Role.OPERATOR, Role.DIRECTOR, Role.STAFF, Role.CHAIR,
                     Role.DEPUTY_CHAIR, Role.CHIEF_EXECUTIVE, Role.MAYOR, Role.MEMBER,
                     Role.SUBSTITUTE):
            if self.has(role):
                return role.value
        return "public"

    def describe(self) -> str:
        labels = sorted({ROLE_LABELS[r] for r, _ in self.roles})
        return f"{self.name} ({', '.join(labels)})" if labels else self.name


SYSTEM_ACTOR = Actor("tingflyt", "tingflyt", frozenset({(Role.SYSTEM, None)}))
OPERATOR_ACTOR = Actor("operator", "driftsansvarleg", frozenset({(Role.OPERATOR, None)}))


@dataclass(frozen=True)
class Scope:
    """What a command acts on, as far as permission is concerned."""

    body: str | None = None  # the body whose chair may act (of the meeting or the case)
    body_name: str | None = None
    person: str | None = None  # the person the command is about ("the member herself")
    owner: str | None = None  # who owns the case or follow-up (proposer, lead)
    members: frozenset[str] = frozenset()  # the members standing behind a demand
    municipality: str | None = None  # the municipality a case comes from
    origin: str | None = None  # where a case comes from (director, admin_committee, ...)


@dataclass(frozen=True)
class Grant:
    """One way to be allowed: a predicate, and its name in Nynorsk and English."""

    nn: str
    en: str
    holds: Callable[[Actor, Scope], bool]

    def __call__(self, actor: Actor, scope: Scope) -> bool:
        return self.holds(actor, scope)


def _chair_of(actor: Actor, scope: Scope) -> bool:
    return scope.body is not None and (actor.has(Role.CHAIR, scope.body)
                                       or actor.has(Role.DEPUTY_CHAIR, scope.body))


SECRETARIAT = Grant("sekretariatet (dagleg leiar og rådgjevarar)",
                    "the secretariat (the daily leader and staff)",
                    lambda actor, scope: actor.is_staff)
DIRECTOR = Grant("dagleg leiar", "the daily leader", lambda actor, scope: actor.has(Role.DIRECTOR))
CHIEF_EXECUTIVE = Grant("ein kommunedirektør", "a chief executive",
                        lambda actor, scope: actor.has(Role.CHIEF_EXECUTIVE))
CHAIR_OF_BODY = Grant("leiaren eller nestleiaren i organet",
                      "the chair or deputy chair of that body", _chair_of)
LEADER_OF_BODY = Grant("leiaren i organet", "the chair of that body",
                       lambda actor, scope: scope.body is not None
                       and actor.has(Role.CHAIR, scope.body))
HERSELF = Grant("personen sjølv", "the person herself",
                lambda actor, scope: scope.person is not None and actor.id == scope.person)
OWNER = Grant("den som eig saka eller oppfølginga", "the owner of that case or follow-up",
              lambda actor, scope: scope.owner is not None and actor.id == scope.owner)
PROPOSER = Grant("den som la fram saka", "whoever put the case forward",
                 lambda actor, scope: scope.owner is not None and actor.id == scope.owner)
MAYOR_OF_ORIGIN = Grant("ordføraren i kommunen saka kjem frå",
                        "the mayor of the municipality the case comes from",
                        lambda actor, scope: actor.has(Role.MAYOR)
                        and scope.origin in (None, "municipality") and (
                            scope.municipality is None
                            or actor.has(Role.MAYOR, scope.municipality)))
CHIEF_EXECUTIVE_FOR_COMMITTEE = Grant(
    "ein kommunedirektør (saker frå rådmannsutvalet)",
    "a chief executive (cases from the admin committee)",
    lambda actor, scope: actor.has(Role.CHIEF_EXECUTIVE)
    and scope.origin in (None, "admin_committee"))
MEMBER_BEHIND = Grant("eit medlem av organet som står bak kravet",
                      "a member of that body who stands behind the demand",
                      lambda actor, scope: scope.body is not None
                      and actor.has(Role.MEMBER, scope.body) and actor.id in scope.members)
OPERATOR = Grant("den som driftar tingflyt (på maskina)", "whoever runs tingflyt (on the machine)",
                 lambda actor, scope: actor.has(Role.OPERATOR))


@dataclass(frozen=True)
class Permission:
    """Allowed when any of the grants holds (the engine is always allowed)."""

    grants: tuple[Grant, ...]

    def allows(self, actor: Actor, scope: Scope) -> bool:
        return actor.is_system or any(grant(actor, scope) for grant in self.grants)

    def check(self, actor: Actor, scope: Scope, what: str) -> None:
        if self.allows(actor, scope):
            return
        who = " eller ".join(_in_scope(g.nn, scope) for g in self.grants)
        raise NotAllowed(f"{actor.describe()} kan ikkje {what}; det kan berre {who}.",
                         "Be ein av dei gjere det, eller sei kven du er med [field:as].",
                         field="as")

    def describe(self, language: str = "en") -> str:
        return ", ".join(g.en if language == "en" else g.nn for g in self.grants)


def _in_scope(label: str, scope: Scope) -> str:
    if scope.body_name and "i organet" in label:
        return label.replace("i organet", f"i {scope.body_name}")
    return label


def allowed(*grants: Grant) -> Permission:
    return Permission(tuple(grants))
