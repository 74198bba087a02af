"""The dossier's documents as PDFs: the minutes of the year-end meeting (biên bản) and the cover request (tờ trình).

Pure helpers like ``pledges.pdf``: they read the dossier and return PDF/A-3 bytes in the
pledge's official layout, with the data each document shows attached as JSON so that
the board can reuse it. They import only models and ``reviews.selectors``; storing the PDFs
and the dossier's state live in ``reviews.services.dossiers``, which imports this module.
"""

import datetime
import json
from itertools import groupby

from django.template.loader import render_to_string
from django.utils import timezone, translation

from blocs.models import Membership, Term
from core import pdf
from core.text import fold
from pledges.models import Pledge
from reviews import selectors
from reviews.models import Ballot, Dossier, Election, Review

STYLESHEETS = ("dossier.css",)
MINUTES_ATTACHMENT = {
    "name": "bien-ban-tong-ket.json",
    "description": "Kết quả chấm điểm, bỏ phiếu kín và bầu Khối trưởng, Khối phó (dữ liệu)",
}
REQUEST_ATTACHMENT = {
    "name": "de-nghi-khen-thuong.json",
    "description": "Danh sách đề nghị khen thưởng (dữ liệu)",
}


def minutes_number(number: str) -> str:
    """Return the minutes' number: the request's with "BB" for "TTr" ("05/TTr-KTĐVX" → "05/BB-KTĐVX").

    A request numbered without "TTr" gives no number to derive: return "" and the
    minutes are simply the "Biên bản" of the meeting.
    """
    return number.replace("TTr", "BB", 1) if "TTr" in number else ""


def _term(dossier: Dossier) -> Term:
    return (
        Term.objects.select_related("bloc__province", "chair")
        .prefetch_related("bloc__versions", "bloc__province__versions", "chair__versions")
        .get(pk=dossier.term_id)
    )


def _meeting_day(review: Review, dossier: Dossier, term: Term) -> datetime.date:
    """The day of the year-end meeting: the day the review closed, in Asia/Ho_Chi_Minh."""
    if review.closed_at:
        return timezone.localtime(review.closed_at).date()
    return dossier.signed_on or term.last_day


def _heading(term: Term, day: datetime.date) -> dict:
    """What every document of the bloc shows in its heading and signature: names as they were on *day*."""
    chair = term.chair
    return {
        "bloc_name": term.bloc.name_on(day),
        "province": term.bloc.province.name_on(day),
        "year": term.year,
        "chair": chair.name_on(day) if chair else "",
        "chair_title": f"{chair.head_title_on(day)} {chair.name_on(day)}" if chair else "",
    }


def _results(review: Review) -> list[dict]:
    """The score table as the minutes print it: one row per submitted unit, ties marked."""
    return [
        {
            "unit": row["assessment"].unit_name,
            "base": row["result"].base,
            "bonus": row["result"].bonus_counted,
            "penalty": row["result"].penalty_counted,
            "total": row["result"].total,
            "band": row["result"].band or "",
            "rank": row["rank"],
            "tied": row["tied"],
            "unit_id": row["assessment"].unit_id,
        }
        for row in selectors.results(review)
    ]


def _rounds(term: Term) -> list[dict]:
    """Every round of the secret ballot with its count: per award form, each candidate's votes and outcome."""
    rounds = []
    ballots = list(term.ballots.order_by("round"))
    followed = {ballot.previous_id for ballot in ballots if ballot.previous_id}
    for ballot in ballots:
        count = selectors.ballot_count(ballot)
        forms, taken = [], set()
        for form in count["forms"]:
            candidates = []
            for candidate in form["candidates"]:
                passed, tied = candidate.unit_id in form["passed"], candidate.unit_id in form["tied"]
                if passed:
                    outcome = "Đạt"
                elif tied:
                    outcome = "Bằng phiếu: bỏ phiếu vòng sau" if ballot.pk in followed else "Bằng phiếu"
                elif candidate.unit_id in taken:
                    outcome = "Đã đạt hình thức cao hơn"
                else:
                    outcome = "Không đạt"
                candidates.append(
                    {
                        "unit": candidate.unit_name,
                        "votes": candidate.votes,
                        "passed": passed,
                        "tied": tied,
                        "outcome": outcome,
                    }
                )
            taken |= form["passed"]
            forms.append(
                {
                    "award_form": form["seat"].award_form.code,
                    "award_form_name": form["seat"].award_form.name,
                    "seats": form["seat"].seats,
                    "candidates": candidates,
                }
            )
        rounds.append(
            {
                "round": ballot.round,
                "counted": ballot.status == Ballot.Status.CLOSED,
                "members": ballot.members_at_opening,
                "papers": count["papers"],
                "hidden": count["hidden"],
                "threshold": ballot.threshold,
                "min_band": ballot.min_band,
                "forms": forms,
            }
        )
    return rounds


def _election(term: Term, day: datetime.date) -> dict | None:
    election = (
        Election.objects.filter(term=term)
        .select_related("chair", "vice_chair")
        .prefetch_related("chair__versions", "vice_chair__versions")
        .first()
    )
    if election is None:
        return None
    return {
        "year": term.year + 1,
        "chair": election.chair.name_on(day),
        "vice_chair": election.vice_chair.name_on(day),
        "method": election.method,
        "by_ballot": election.method == Election.Method.BALLOT,
        "members": election.members,
        "chair_votes": election.chair_votes,
        "vice_chair_votes": election.vice_chair_votes,
        "reference": election.reference,
    }


def _proposals(dossier: Dossier, results: list[dict]) -> list[dict]:
    """The dossier's proposals grouped by award form (highest first), each unit with its votes, total and rank."""
    by_unit = {row["unit_id"]: row for row in results}
    proposals = sorted(
        dossier.proposals.select_related("award_form", "unit"),
        key=lambda p: (p.award_form.order, p.award_form_id, -(p.votes or 0), p.unit_name),
    )
    groups = []
    for _form_id, rows in groupby(proposals, key=lambda p: p.award_form_id):
        rows = list(rows)
        groups.append(
            {
                "award_form": rows[0].award_form.code,
                "award_form_name": rows[0].award_form.name,
                "units": [
                    {
                        "unit": p.unit_name,
                        "unit_code": p.unit.code,
                        "votes": p.votes,
                        "total": by_unit[p.unit_id]["total"] if p.unit_id in by_unit else None,
                        "rank": by_unit[p.unit_id]["rank"] if p.unit_id in by_unit else None,
                    }
                    for p in rows
                ],
            }
        )
    return groups


def minutes_data(dossier: Dossier) -> dict:
    """Return everything the minutes show, as plain values: the template's context and the attached JSON.

    Needs the term's review (closed, for its date); reads every ballot round, the
    election and the dossier's proposals (``dossier_submit`` creates them first).
    """
    term = _term(dossier)
    review = Review.objects.get(term=term)
    day = _meeting_day(review, dossier, term)
    memberships = (
        Membership.objects.filter(term=term)
        .select_related("unit")
        .prefetch_related("unit__versions")
        .order_by("order", "id")
    )
    results = _results(review)
    return {
        "document": "bien-ban",
        **_heading(term, day),
        "number": minutes_number(dossier.number),
        "place": dossier.place,
        "date": day,
        "participants": [m.unit.name_on(day) for m in memberships if m.left_on is None or m.left_on >= day],
        "results": results,
        "rounds": _rounds(term),
        "proposals": _proposals(dossier, results),
        "election": _election(term, day),
    }


def board_title(term: Term, day: datetime.date) -> str:
    """Return the name the cover request addresses the province's board by, as it was on *day*.

    The province's own name for its board (since 2025 often "Sở Nội vụ tỉnh … (Phòng Thi đua -
    Khen thưởng)"), else the board's usual name with the province's name of that day. Written in
    Vietnamese whatever the page's language: the request is an official document.
    """
    province = term.bloc.province
    return province.board_name or f"Ban Thi đua - Khen thưởng tỉnh {province.name_on(day)}"


# "Nơi nhận" lines that name the board without saying which (the dossier form's default, "- Ban TĐKT tỉnh;").
_GENERIC_BOARD_LINES = {
    fold("Ban Thi đua - Khen thưởng tỉnh"),
    fold("Ban Thi đua - Khen thưởng"),
    fold("Ban TĐKT tỉnh"),
}


def _recipient_line(line: str, board: str, province: str) -> str:
    """Return one "Nơi nhận" line with a dash, naming the board as the province does when the line is generic."""
    text = line.lstrip("-–+• ").rstrip(" ;.,")
    if fold(text) in _GENERIC_BOARD_LINES | {fold(f"Ban Thi đua - Khen thưởng tỉnh {province}")}:
        return f"- {board};"
    return line if line[0] in "-–+•" else f"- {line}"


def request_data(dossier: Dossier) -> dict:
    """Return everything the cover request shows, as plain values: the template's context and the attached JSON."""
    term = _term(dossier)
    review = Review.objects.get(term=term)
    day = dossier.signed_on or term.last_day
    pledge = term.pledges.filter(status=Pledge.Status.COMPLETED).order_by("-signing_date").first()
    recipients = [line.strip() for line in dossier.recipients.splitlines() if line.strip()]
    heading = _heading(term, day)
    board = board_title(term, day)
    return {
        "document": "to-trinh",
        **heading,
        "board": board,
        "number": dossier.number,
        "place": dossier.place,
        "date": dossier.signed_on,
        "pledge_signed_on": pledge.signing_date if pledge else None,
        "meeting_date": _meeting_day(review, dossier, term),
        "minutes_number": minutes_number(dossier.number),
        "ballot_rounds": term.ballots.count(),
        "proposals": _proposals(dossier, _results(review)),
        "recipients": [_recipient_line(line, board, heading["province"]) for line in recipients],
    }


def _json(data: dict) -> str:
    """The attached data: decimals as strings ("95.5"), dates in ISO form."""
    return json.dumps(
        data,
        default=lambda value: value.isoformat() if isinstance(value, datetime.date) else str(value),
        ensure_ascii=False,
        indent=2,
    )


def render_minutes(dossier: Dossier) -> bytes:
    """Render the minutes of the year-end meeting as PDF/A-3, with the data it shows attached as JSON."""
    with translation.override("vi"):
        data = minutes_data(dossier)
        html = render_to_string("reviews/pdf/minutes.html", data)
    return pdf.html_to_pdf(html, _json(data), stylesheets=STYLESHEETS, **MINUTES_ATTACHMENT)


def render_request(dossier: Dossier) -> bytes:
    """Render the cover request to the provincial board as PDF/A-3, with its proposals attached as JSON."""
    with translation.override("vi"):
        data = request_data(dossier)
        html = render_to_string("reviews/pdf/request.html", data)
    return pdf.html_to_pdf(html, _json(data), stylesheets=STYLESHEETS, **REQUEST_ATTACHMENT)
