"""argparse's own words ("usage:", "options", "show this help message and exit", its error
messages) in the interface language.

argparse looks its strings up with the ``gettext`` module's global functions under the
``argparse`` domain, which LegalAid does not install. :func:`install` points argparse's lookup
at LegalAid's catalogs instead; the strings are listed below so that they are extracted into
them and translated like every other message.
"""

from __future__ import annotations

import argparse

from legalaid.i18n import N_, _, ngettext

# The messages of argparse (Python 3.11-3.13) that a person can see. Their placeholders are
# argparse's own, so they stay as argparse writes them.
ARGPARSE_MESSAGES = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("invalid %(type)s value: %(value)r"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("not allowed with argument %s"),
    N_("one of the arguments %s is required"),
    N_("ignored explicit argument %r"),
    N_("can't open '%(filename)s': %(error)s"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
)


def _argparse_ngettext(singular: str, plural: str, n: int) -> str:
    return ngettext(singular, plural, n)


def _plurals() -> None:
    """argparse's plural messages, for extraction."""
    ngettext("expected %s argument", "expected %s arguments", 1)


def install() -> None:
    """Make argparse translate through LegalAid's catalogs, in the current language."""
    argparse._ = _  # type: ignore[attr-defined]
    argparse.ngettext = _argparse_ngettext  # type: ignore[attr-defined]
