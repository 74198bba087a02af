"""The count of a secret ballot (bỏ phiếu kín): one pure function.

Rules (the issue on nominations):
- a candidate passes an award form when its votes reach the ballot's threshold
  (by default more than half of the members at opening) and it is among the
  form's seats (the quota) by votes;
- when candidates with equal votes straddle the last seat, none of them takes it:
  they go to a further round for the seats left ("tied");
- a unit passes at most one form: where it passes several, the first form (in the
  forms' order, the higher award) keeps it and the later form's next candidates
  move up.

A round is counted only once it has the papers its opening fixed (``papers_needed``:
the province's minimum turnout, by default two thirds of the members), and its votes
are shown only from ``MIN_PAPERS_SHOWN`` papers (the issue on the attack, finding 3).
"""

from dataclasses import dataclass, field

# Rounds with fewer papers show no votes: with one or two papers the counts would be the papers themselves.
MIN_PAPERS_SHOWN = 3


@dataclass
class FormResult:
    passed: list = field(default_factory=list)
    tied: list = field(default_factory=list)  # to a further round, for ``seats_left`` seats
    seats_left: int = 0


def tally(forms: list, seats: dict, votes: dict, threshold: int) -> dict:
    """Return a ``FormResult`` per form.

    *forms* is the forms in order (highest award first); *seats* maps a form to
    its quota; *votes* maps a form to ``{candidate: number of votes}``.
    """
    results, taken = {}, set()
    for form in forms:
        ranked = sorted(
            ((count, unit) for unit, count in votes.get(form, {}).items() if count >= threshold and unit not in taken),
            key=lambda pair: -pair[0],
        )
        result = FormResult()
        free = seats[form]
        position = 0
        while free > 0 and position < len(ranked):
            count = ranked[position][0]
            level = [unit for c, unit in ranked[position:] if c == count]
            if len(level) <= free:
                result.passed.extend(level)
                free -= len(level)
                position += len(level)
            else:
                result.tied, result.seats_left = level, free
                free = 0
        taken.update(result.passed)
        results[form] = result
    return results


def papers_needed(members: int, percent: int | None) -> int:
    """Return the ballot papers a round of *members* needs before it is counted.

    *percent* of the members, rounded up; two thirds without a percentage (the
    default of the issue on ballots); never less than one.
    """
    if percent is None:
        return max(1, -(-2 * members // 3))
    return max(1, -(-members * percent // 100))
