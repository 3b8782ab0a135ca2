"""This home's office identity and the offices it exchanges records with (add, trust, revoke).

Trust is a person's decision: an office added from its identity file is only "added" until
someone compares its fingerprint with that office (by phone or in person) and types it here.
Exchange files from an office that is not trusted, or no longer trusted, are refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, func, select

from legalaid.context import AppContext
from legalaid.errors import ConflictError, NotFoundError, ValidationError
from legalaid.exchange.identity import (
    OfficeKeys,
    PublicIdentity,
    b64,
    check_name,
    check_prefix,
    export_identity,
    normalize_fingerprint,
    read_identity,
    unb64,
)
from legalaid.i18n import N_
from legalaid.models import Office, OfficeSecret, OfficeState, utcnow
from legalaid.services import audit
from legalaid.services.ops import SETTINGS, OpChanges

NO_OFFICE = N_(
    "This folder has no office identity yet. Create it once with "
    "`legalaid office init --name NAME --prefix P`."
)
ALREADY_INIT = N_(
    "This folder already is the office %(name)s (%(prefix)s); its identity is not made twice, "
    "or offices that trust it would refuse its files."
)
NO_SUCH_OFFICE = N_("There is no office called %(name)s here. `legalaid office list` shows them.")
ITS_OWN = N_("That identity file is this office's own.")
KEYS_CHANGED = N_(
    "%(name)s is already known here with other keys. Someone may be impersonating it: call "
    "that office and compare fingerprints before doing anything else. Nothing was changed."
)
NAME_TAKEN = N_(
    "Another office is already called %(name)s here. Nothing was added; ask that office to "
    "use a distinct name."
)
WRONG_FINGERPRINT = N_(
    "That fingerprint does not match %(name)s's keys. Do not trust it: call that office and "
    "read the fingerprint again (`legalaid office fingerprint` shows it there)."
)
BAD_FINGERPRINT = N_("A fingerprint has 30 digits, in six groups of five.")
SELF_NOT_TRUSTED = N_("This is this folder's own office: there is nothing to trust or revoke.")
SELF_NO_RISK = N_(
    "This is this folder's own office: it holds its own risk data; there is nothing to mark."
)
RISK_NEEDS_TRUST = N_(
    "%(name)s is not trusted (its fingerprint was not compared, or it was revoked): risk data "
    "cannot be sent to it. Trust it first."
)
RISK_LAWYERS_ONLY = N_(
    "Only a lawyer may decide which offices receive risk narratives and incidents. The login "
    "%(user)s is not a lawyer's; nothing was changed."
)


@dataclass(frozen=True)
class OfficeInfo:
    name: str
    prefix: str
    fingerprint: str
    state: str
    receives_risk: bool
    added_at: datetime
    trusted_at: datetime | None
    office_id: str


def _info(row: Office) -> OfficeInfo:
    return OfficeInfo(
        row.name,
        row.prefix,
        row.fingerprint,
        row.state,
        row.receives_risk,
        row.added_at,
        row.trusted_at,
        row.id,
    )


def _public(row: Office) -> PublicIdentity:
    return PublicIdentity(
        row.id, row.name, row.prefix, unb64(row.sign_public), unb64(row.kem_public)
    )


def init_office(ctx: AppContext, name: str, prefix: str) -> tuple[OfficeInfo, OpChanges]:
    """Make this home's office identity and keys; the prefix becomes the case-number prefix."""
    name, prefix = check_name(name), check_prefix(prefix)
    with ctx.db.write() as session:
        mine = session.exec(select(Office).where(Office.state == OfficeState.SELF)).first()
        if mine is not None:
            raise ConflictError(ALREADY_INIT, name=mine.name, prefix=mine.prefix)
        _name_free(session, name, None)
        keys = OfficeKeys.generate(name, prefix)
        row = Office(
            id=keys.public.office_id,
            name=name,
            prefix=prefix,
            sign_public=b64(keys.public.sign_public),
            kem_public=b64(keys.public.kem_public),
            fingerprint=keys.public.fingerprint,
            state=OfficeState.SELF,
            added_by=ctx.actor,
        )
        session.add(row)
        session.add(
            OfficeSecret(
                office_id=row.id,
                sign_private=b64(keys.sign_private),
                kem_private=b64(keys.kem_private),
            )
        )
        audit.record(session, ctx.actor, "create", "office", row.id, None, {"name": [None, name]})
        info = _info(row)
    if ctx.settings.office_prefix != prefix:
        ctx.settings.office_prefix = prefix
        ctx.save_settings()
    return info, OpChanges.of(SETTINGS)


def own_keys(ctx: AppContext) -> OfficeKeys:
    with ctx.db.read() as session:
        row = session.exec(select(Office).where(Office.state == OfficeState.SELF)).first()
        secret = session.get(OfficeSecret, row.id) if row is not None else None
    if row is None or secret is None:
        raise NotFoundError(NO_OFFICE)
    return OfficeKeys(_public(row), unb64(secret.sign_private), unb64(secret.kem_private))


def own_office(ctx: AppContext) -> OfficeInfo:
    return _info_of(ctx, own_keys(ctx).public.office_id)


def _info_of(ctx: AppContext, office_id: str) -> OfficeInfo:
    with ctx.db.read() as session:
        row = session.get(Office, office_id)
        assert row is not None
        return _info(row)


def identity_file(ctx: AppContext) -> bytes:
    """This office's identity file (public keys only, self-signed)."""
    return export_identity(own_keys(ctx))


def _name_free(session: Session, name: str, office_id: str | None) -> None:
    clash = session.exec(select(Office).where(func.lower(col(Office.name)) == name.lower())).first()
    if clash is not None and clash.id != office_id:
        raise ConflictError(NAME_TAKEN, name=name)


def add_office(ctx: AppContext, data: bytes) -> tuple[OfficeInfo, bool]:
    """Add another office from its identity file; (its info, whether it was new).

    The same file twice changes nothing. The same office id with other keys is refused: it is
    what an impersonation looks like.
    """
    identity = read_identity(data)
    with ctx.db.write() as session:
        known = session.get(Office, identity.office_id)
        if known is not None:
            if known.state == OfficeState.SELF:
                raise ValidationError(ITS_OWN)
            if (unb64(known.sign_public), unb64(known.kem_public)) != (
                identity.sign_public,
                identity.kem_public,
            ):
                raise ConflictError(KEYS_CHANGED, name=known.name)
            return _info(known), False
        _name_free(session, identity.name, None)
        row = Office(
            id=identity.office_id,
            name=identity.name,
            prefix=identity.prefix,
            sign_public=b64(identity.sign_public),
            kem_public=b64(identity.kem_public),
            fingerprint=identity.fingerprint,
            state=OfficeState.ADDED,
            added_by=ctx.actor,
        )
        session.add(row)
        audit.record(
            session, ctx.actor, "create", "office", row.id, None, {"name": [None, row.name]}
        )
        return _info(row), True


def _find(session: Session, name: str) -> Office:
    wanted = " ".join(name.split()).lower()
    rows = session.exec(select(Office)).all()
    for row in rows:
        if row.name.lower() == wanted:
            return row
    by_prefix = [row for row in rows if row.prefix.lower() == wanted]
    if len(by_prefix) == 1:
        return by_prefix[0]
    raise NotFoundError(NO_SUCH_OFFICE, name=name)


def trust_office(ctx: AppContext, name: str, typed_fingerprint: str) -> OfficeInfo:
    """Trust an office once a person typed the fingerprint that office read out; else refuse."""
    fingerprint = normalize_fingerprint(typed_fingerprint)
    if not fingerprint:
        raise ValidationError(BAD_FINGERPRINT, "fingerprint")
    with ctx.db.write() as session:
        row = _find(session, name)
        if row.state == OfficeState.SELF:
            raise ValidationError(SELF_NOT_TRUSTED)
        if row.fingerprint != fingerprint:
            raise ValidationError(WRONG_FINGERPRINT, "fingerprint", name=row.name)
        before = row.state
        row.state = OfficeState.TRUSTED
        row.trusted_at = utcnow()
        row.trusted_by = ctx.actor
        row.revoked_at = None
        audit.record(
            session, ctx.actor, "trust", "office", row.id, None, {"state": [before, row.state]}
        )
        return _info(row)


def revoke_office(ctx: AppContext, name: str) -> OfficeInfo:
    """Stop trusting an office: its exchange files are refused from now on."""
    with ctx.db.write() as session:
        row = _find(session, name)
        if row.state == OfficeState.SELF:
            raise ValidationError(SELF_NOT_TRUSTED)
        before = row.state
        row.state = OfficeState.REVOKED
        row.revoked_at = utcnow()
        changes: dict[str, list[object]] = {"state": [before, row.state]}
        if row.receives_risk:  # trusted again later, it is marked again only by a person
            row.receives_risk = False
            changes["receives_risk"] = [True, False]
        audit.record(session, ctx.actor, "revoke", "office", row.id, None, changes)
        return _info(row)


def set_receives_risk(ctx: AppContext, name: str, receive: bool) -> OfficeInfo:
    """Mark a trusted office to receive the risk narratives and incidents of the cases shared
    with it (from its next exchange file on), or stop sending them. Only a trusted office can
    be marked; on the office server only a lawyer decides."""
    _lawyer_only(ctx)
    with ctx.db.write() as session:
        row = _find(session, name)
        if row.state == OfficeState.SELF:
            raise ValidationError(SELF_NO_RISK)
        if receive and row.state != OfficeState.TRUSTED:
            raise ValidationError(RISK_NEEDS_TRUST, name=row.name)
        if row.receives_risk != receive:
            before = row.receives_risk
            row.receives_risk = receive
            audit.record(
                session,
                ctx.actor,
                "risk" if receive else "withhold-risk",
                "office",
                row.id,
                None,
                {"receives_risk": [before, receive]},
            )
        return _info(row)


def _lawyer_only(ctx: AppContext) -> None:
    """On the office server, refuse (in the reader's language) a login that is not a lawyer's;
    PostgreSQL grants the column to lawyers only, so this is said before it would refuse."""
    from legalaid.services.sql import POSTGRESQL

    if getattr(ctx.db, "dialect", None) != POSTGRESQL:
        return
    from legalaid.server.roles import LAWYER

    with ctx.db.read() as session:
        row = (
            session.connection()
            .exec_driver_sql(
                f"SELECT current_user, pg_has_role(current_user, '{LAWYER}', 'MEMBER')"
            )
            .first()
        )
    if row is None or not row[1]:
        raise ValidationError(RISK_LAWYERS_ONLY, user=row[0] if row else "")


def list_offices(ctx: AppContext) -> list[OfficeInfo]:
    """This office first, then the others by name."""
    with ctx.db.read() as session:
        rows = session.exec(select(Office)).all()
    return [
        _info(r) for r in sorted(rows, key=lambda r: (r.state != OfficeState.SELF, r.name.lower()))
    ]


def sender_lookup(ctx: AppContext) -> dict[str, tuple[PublicIdentity, str]]:
    """Every other office's identity and trust state, by office id (for opening exchange files)."""
    with ctx.db.read() as session:
        rows = session.exec(select(Office).where(Office.state != OfficeState.SELF)).all()
    return {r.id: (_public(r), r.state) for r in rows}
