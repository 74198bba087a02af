"""Build a national-size data set quickly, for benchmarks: provinces, blocs, years, pledges, reviews.

    python manage.py seed_scale --provinces 34 --blocs 1000 --members 10 --years 3

Writes with ``bulk_create`` and one precomputed password hash, bypassing the
services on purpose (the services write one row at a time and would take an
hour for a nation); every field the pages read is filled as the services fill
it: dated names, the frozen bloc name and required signers with their names on
the signing date, the SHA-256 of the canonical content, the signatures'
capacity lines, the audit rows. Refuses to run twice on the same database.

``--blocs`` is the number of blocs in the whole country, spread over the
provinces; each unit is a member of one bloc. The last year is the current
one: its pledges are in every state (draft, open, overdue, completed,
cancelled); earlier years are completed (a few cancelled and redone), and the
year before the current one has closed year-end reviews for a third of the
blocs. Accounts: ``sc01.board`` (board officer of the first province), and
per unit ``<code>.head`` (signing right) and ``<code>.staff``; all share the
password printed at the end (benchmarks only).
"""

import time

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from blocs.models import Bloc, Membership, Province, Term, Unit
from ops.scale import CODE_PREFIX, PASSWORD, ScaleSeeder
from pledges.models import Pledge, PledgeEvent, PledgeItem, RequiredSigner, Signature
from reviews.models import CriterionScore, Review, SelfAssessment


class Command(BaseCommand):
    help = "Build a national-size data set with bulk writes, for benchmarks (refuses to run twice)."

    def add_arguments(self, parser):
        parser.add_argument("--provinces", type=int, default=34)
        parser.add_argument("--blocs", type=int, default=1000, help="blocs in the whole country")
        parser.add_argument("--members", type=int, default=10, help="members of each bloc")
        parser.add_argument("--years", type=int, default=3, help="years up to and including the current one")
        parser.add_argument("--random-seed", type=int, default=2022)

    def handle(self, *args, provinces, blocs, members, years, random_seed, **options):
        if provinces < 1 or blocs < provinces or members < 2 or years < 1:
            raise CommandError("Give at least 1 province, a bloc per province, 2 members a bloc and 1 year.")
        if Province.objects.filter(code__startswith=f"{CODE_PREFIX}-").exists():
            raise CommandError(
                "seed_scale has already run on this database (its provinces SC-… exist): use a fresh database."
            )
        started = time.perf_counter()
        ScaleSeeder(random_seed=random_seed, years=years).build(provinces=provinces, blocs=blocs, members=members)
        elapsed = time.perf_counter() - started
        counts = {
            model.__name__: model.objects.count()
            for model in (
                Province, Unit, User, Bloc, Term, Membership, Pledge, PledgeItem, RequiredSigner, Signature,
                PledgeEvent, Review, SelfAssessment, CriterionScore,
            )
        }  # fmt: skip
        width = max(len(name) for name in counts)
        for name, count in counts.items():
            self.stdout.write(f"{name:<{width}}  {count:>9,}")
        self.stdout.write(
            f"seed_scale took {elapsed:.1f} s. Accounts: sc01.board, <unit code>.head … password {PASSWORD}"
        )
