"""What each kind of notification says, written out in the active language from its
``params`` (kept language-free: codes, numbers, names, dates as ISO text). The list page
calls it in the reader's language; the mail in the recipient's (``language_of``); the
stored English ``subject`` and ``body`` are written by it under English."""

import datetime as dt

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from compacts.models import UserProfile

SUBJECT_MAX_LENGTH = 200


def language_of(user) -> str:
    """The language a person chose in the language picker (kept on their profile), else
    the site's."""
    language = (UserProfile.objects.filter(user_id=user.pk)
                .values_list("language", flat=True).first())
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def absolute(link: str) -> str:
    """A link a mail client can open: the site's address (``SITE_URL``) before a path."""
    if link.startswith("/"):
        return settings.SITE_URL.rstrip("/") + link
    return link


def _date(iso: str) -> str:
    return formats.date_format(dt.date.fromisoformat(iso), "DATE_FORMAT") if iso else ""


def _result_label(item: dict) -> str:
    return _("%(code)s FY%(fiscal_year)s") % item


def _results_reviewed(params: dict, *, returned: bool, email: bool) -> tuple[str, str]:
    items = params["results"]
    count = len(items)
    labels = ", ".join(_result_label(item) for item in items)
    values = {"count": count, "results": labels, "reviewer": params["reviewer"]}
    if returned:
        subject = ngettext("Result %(results)s returned", "%(count)s results returned: "
                           "%(results)s", count) % values
        intro = ngettext("Your result was returned by %(reviewer)s:",
                         "Your %(count)s results were returned by %(reviewer)s:",
                         count) % values
    else:
        subject = ngettext("Result %(results)s approved", "%(count)s results approved: "
                           "%(results)s", count) % values
        intro = ngettext("Your result was approved by %(reviewer)s:",
                         "Your %(count)s results were approved by %(reviewer)s:",
                         count) % values
    lines = [intro, ""]
    for item in items:
        lines.append(f"- {_result_label(item)} ({item['name']})")
        if item.get("note"):
            lines.append("  " + _("Note: %(note)s") % {"note": item["note"]})
        if email and item.get("link"):  # in the app, "Open" leads there
            lines.append("  " + absolute(item["link"]))
    if returned:
        lines += ["", ngettext("Correct it and submit it again from the data entry page.",
                               "Correct them and submit them again from the data entry page.",
                               count)]
    return subject, "\n".join(lines)


def _proposal_decided(params: dict) -> tuple[str, str]:
    from dialogues.models import TargetProposalStatus

    values = {"result": _result_label(params),
              "status": str(TargetProposalStatus(params["status"]).label).lower(),
              "decider": params["decider"]}
    subject = _("Target proposal %(result)s %(status)s") % values
    body = _("Your proposed target for %(result)s was %(status)s by %(decider)s.") % values
    if params.get("note"):
        body += "\n\n" + _("Note: %(note)s") % {"note": params["note"]}
    return subject, body


def _plan_requested(params: dict) -> tuple[str, str]:
    values = {"country": params["country"], "title": params["title"],
              "requested_on": _date(params["requested_on"]), "due_on": _date(params["due_on"])}
    return (_("Sustainability plan requested: %(country)s") % values,
            _("The TIP Office asked for the sustainability plan of the %(title)s on "
              "%(requested_on)s. It is due on %(due_on)s.") % values)


def _gaps(params: dict) -> list[str]:
    gaps = params["gaps"]
    if gaps.get("no_key_indicators"):
        return [_("No key indicators are identified.")]
    said = []
    if gaps.get("without_target"):
        said.append(_("No FY%(fiscal_year)s target for key indicator %(codes)s.") % {
            "fiscal_year": params["fiscal_year"], "codes": ", ".join(gaps["without_target"])})
    if gaps.get("not_shared"):
        said.append(_("The key indicators are not recorded as shared with the partner "
                      "government."))
    return said


def _dialogue_not_ready(params: dict) -> tuple[str, str]:
    values = {"country": params["country"], "fiscal_year": params["fiscal_year"],
              "days": params["days_left"], "scheduled_for": _date(params["scheduled_for"])}
    subject = ngettext("%(country)s's FY%(fiscal_year)s dialogue is %(days)s day away and "
                       "not ready",
                       "%(country)s's FY%(fiscal_year)s dialogue is %(days)s days away and "
                       "not ready", params["days_left"]) % values
    body = (_("%(country)s's FY%(fiscal_year)s dialogue is planned for %(scheduled_for)s.")
            % values + " " + _("Still needed:") + " " + " ".join(_gaps(params)))
    return subject, body


def _report_finished(params: dict) -> tuple[str, str]:
    from reports.models import ReportKind

    what = str(ReportKind(params["report_kind"]).label)
    if params.get("country"):
        what = f"{what}, {params['country']}"
    values = {"what": what, "fiscal_year": params["fiscal_year"]}
    if params["succeeded"]:
        return (_("Report ready: %(what)s, FY%(fiscal_year)s") % values,
                _("Your report is ready to download."))
    return (_("Report failed: %(what)s, FY%(fiscal_year)s") % values,
            _("Your report could not be produced: %(error)s") % {"error": params["error"]})


def _account_disabled(params: dict) -> tuple[str, str]:
    values = {"username": params["username"], "days": params["days"],
              "last_used": _date(params["last_used"])}
    return (_("Account %(username)s disabled: not signed in for %(days)s days") % values,
            _("The account %(username)s was last used on %(last_used)s and has been "
              "disabled. TIP staff can enable it again in the admin (Users > %(username)s > "
              "Active) once access is still needed.") % values)


RENDERERS = {
    "result_returned": lambda params, email: _results_reviewed(params, returned=True,
                                                               email=email),
    "result_approved": lambda params, email: _results_reviewed(params, returned=False,
                                                               email=email),
    "proposal_decided": lambda params, email: _proposal_decided(params),
    "plan_requested": lambda params, email: _plan_requested(params),
    "dialogue_not_ready": lambda params, email: _dialogue_not_ready(params),
    "report_finished": lambda params, email: _report_finished(params),
    "account_disabled": lambda params, email: _account_disabled(params),
}


def render(kind: str, params: dict, *, email: bool = False) -> tuple[str, str]:
    """(subject, body) in the active language; for an email, with each item's own link."""
    subject, body = RENDERERS[kind](params, email)
    if len(subject) > SUBJECT_MAX_LENGTH:
        subject = subject[:SUBJECT_MAX_LENGTH - 1] + "…"
    return subject, body


def email_text(*, body: str, link: str) -> str:
    """A notification's mail: its text, the absolute link to what it is about, and where to
    change what one receives."""
    from django.urls import reverse

    parts = [body]
    if link:
        parts.append(_("Open it: %(link)s") % {"link": absolute(link)})
    parts.append(_("Choose which notifications you receive, and how often: %(link)s")
                 % {"link": absolute(reverse("notifications:preferences"))})
    return "\n\n".join(parts)
