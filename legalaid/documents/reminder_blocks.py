"""The body of the reminder letter, one block per point of "What a hearing reminder should
say" (mpp-facts.md). Each block is built once per language; the letter sets them side by side
(or one language after the other)."""

from __future__ import annotations

from collections.abc import Callable

from reportlab.platypus import Flowable, Paragraph

from legalaid.context import AppContext
from legalaid.documents.common import (
    COURT_HOTLINE,
    contact_line,
    day_and_clock,
    has_anumber,
    org_name,
    verification_line,
)
from legalaid.documents.facts import HearingFacts
from legalaid.documents.pdf import STYLES, bold, esc, fmt
from legalaid.i18n import N_, _, current_language
from legalaid.labels import label

Block = Callable[[AppContext, HearingFacts], list[Flowable]]


def _hearing_block(ctx: AppContext, f: HearingFacts) -> list[Flowable]:
    court = f.court.name_es if current_language() == "es" else f.court.name_en
    where = court if not f.court.address.strip() else f"{court}, {f.court.address.strip()}"
    if not f.court.confirmed:
        where = _("%(place)s (address not confirmed)") % {"place": where}
    mode = _mode_line(f)
    return [
        Paragraph(esc(_("Your hearing")), STYLES["heading"]),
        Paragraph(
            fmt(_("Hearing time, at the court: %(when)s"), when=day_and_clock(f.starts_at, f.zone)),
            STYLES["body"],
        ),
        Paragraph(
            bold(
                _(
                    "Arrive at the port at the report time shown in the box, "
                    "not at the hearing time."
                )
            ),
            STYLES["body"],
        ),
        Paragraph(fmt(_("Type: %(kind)s"), kind=label("hearing_kind", f.kind)), STYLES["body"]),
        Paragraph(fmt(_("Court: %(court)s"), court=bold(where)), STYLES["body"]),
        Paragraph(esc(mode), STYLES["body"]),
        Paragraph(
            esc(
                _(
                    "Officers take you from the port to the hearing and back to Mexico, "
                    "usually the same day."
                )
            ),
            STYLES["body"],
        ),
    ]


def _mode_line(f: HearingFacts) -> str:
    if f.mode == "video":
        return _("By video: the judge appears on a screen.")
    if f.court.by_video:  # the MPP tent facilities: you go there, the judge is on a screen
        return _("At the hearing facility; the judge appears on a screen (by video).")
    return _("In person, before the judge.")


BRING = (
    N_("Your Notice to Appear (NTA, form I-862)"),
    N_("Your latest tear sheet or hearing notice"),
    N_("The MPP information sheet"),
    N_("An ID or your passport"),
    N_("Evidence for your case, with English translations"),
    N_("Medical records"),
    N_("A copy of your change-of-address form (EOIR-33), if you filed one"),
)


def _bullets(items: list[str]) -> list[Flowable]:
    return [Paragraph(esc(item), STYLES["bullet"], bulletText="•") for item in items]


def _bring_block(ctx: AppContext, f: HearingFacts) -> list[Flowable]:
    return [
        Paragraph(esc(_("What to bring")), STYLES["heading"]),
        *_bullets([_(item) for item in BRING]),
        Paragraph(bold(_("Keep every paper the US government gives you.")), STYLES["body"]),
    ]


def _absence_block(ctx: AppContext, f: HearingFacts) -> list[Flowable]:
    return [
        Paragraph(esc(_("If you do not appear")), STYLES["heading"]),
        Paragraph(
            bold(
                _(
                    "If you do not go to your hearing, the judge will probably order your "
                    "removal in absentia (without you there)."
                )
            ),
            STYLES["body"],
        ),
        Paragraph(
            esc(_("If you are afraid to stay in Mexico, you may tell the officer or the judge.")),
            STYLES["body"],
        ),
    ]


def _check_block(ctx: AppContext, f: HearingFacts) -> list[Flowable]:
    if has_anumber(f):
        how = fmt(
            _(
                "Call the immigration court line %(phone)s (English and Spanish) and enter "
                "your nine-digit A-number. It gives the date, time and place of your next "
                "hearing."
            ),
            phone=bold(COURT_HOTLINE),
        )
    else:  # the court's line asks for an A-number this household does not have on file
        how = fmt(
            _(
                "Your A-number is not on file with us. Ask %(org)s to check the date of your "
                "hearing, and bring your court papers so we can write your A-number down."
            ),
            org=bold(org_name(ctx)),
        )
    return [
        Paragraph(esc(_("Check your date")), STYLES["heading"]),
        Paragraph(how, STYLES["body"]),
        Paragraph(bold(verification_line(f.verified_at, f.verified_by, f.zone)), STYLES["body"]),
    ]


def _safety_block(ctx: AppContext, f: HearingFacts) -> list[Flowable]:
    return [
        Paragraph(esc(_("Safety on the way")), STYLES["heading"]),
        *_bullets(
            [
                _("Do not go alone at night: go with other people."),
                _("If you can, stay near the port the night before."),
            ]
        ),
    ]


def _moved_block(ctx: AppContext, f: HearingFacts) -> list[Flowable]:
    return [
        Paragraph(esc(_("If you move")), STYLES["heading"]),
        Paragraph(
            esc(_("Tell the court your new address on form EOIR-33 within 5 days of moving.")),
            STYLES["body"],
        ),
    ]


def _contact_block(ctx: AppContext, f: HearingFacts) -> list[Flowable]:
    org = ctx.settings.organisation
    out: list[Flowable] = [
        Paragraph(esc(_("Questions?")), STYLES["heading"]),
        Paragraph(bold(org_name(ctx)), STYLES["body"]),
    ]
    contact = contact_line(org)
    if contact:
        out.append(Paragraph(esc(contact), STYLES["body"]))
    if f.representative.strip():
        out.append(
            Paragraph(
                fmt(
                    _("Your lawyer or accredited representative: %(name)s"),
                    name=bold(f.representative.strip()),
                ),
                STYLES["body"],
            )
        )
    if ctx.settings.staff_name.strip():
        out.append(
            Paragraph(
                esc(_("Prepared by %(name)s.") % {"name": ctx.settings.staff_name.strip()}),
                STYLES["small"],
            )
        )
    return out


BODY_BLOCKS: tuple[Block, ...] = (
    _hearing_block,
    _bring_block,
    _absence_block,
    _check_block,
    _safety_block,
    _moved_block,
    _contact_block,
)
