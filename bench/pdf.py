"""Benchmark: our PDF pipeline against bare WeasyPrint + bare pyHanko, in one run.

    .venv/bin/python bench/pdf.py [--repeat 5]

Builds a throwaway SQLite database (seed_demo plus a 30-member pledge), then
times, for the seed pledge and the 30-member one:
  ours  = render the HTML from the database, PDF/A-3 with the audit attachment, PAdES seal
  bare  = the same HTML through plain WeasyPrint (same stylesheets) + a plain pyHanko signature
and serving the stored PDF through the download view. Prints medians and ratios.
"""

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def median_time(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="bench-pdf-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ["PRIVATE_ROOT"] = str(folder / "private")
    os.environ["SEAL_PKCS12"] = str(folder / "seal" / "seal.p12")
    os.environ["SEAL_TRUST_ROOTS"] = str(folder / "seal" / "dev-root.pem")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "emulation.settings")
    os.environ["LOG_LEVEL"] = "WARNING"
    import django

    django.setup()
    import datetime

    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from weasyprint import CSS, HTML

    from accounts.models import User
    from blocs import services as registry
    from core import pdf as pdf_engine
    from core.images import typed_signature_png
    from pledges import pdf, services
    from pledges.models import Pledge

    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    call_command("make_dev_seal", verbosity=0, stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    seed = Pledge.objects.get(term__year=2022, term__bloc__province__code="NDH")

    # A 30-member pledge, signed by every head.
    board = User.objects.get(username="bandtk.caobang")
    province = board.province
    units = [
        registry.unit_create(
            actor=board, province=province, code=f"B{i}", name=f"Sở thử nghiệm số {i:02d}", head_title="Giám đốc"
        )
        for i in range(30)
    ]
    bloc = registry.bloc_create(
        actor=board, province=province, kind="khoi", code="BENCH", name="Khối thử nghiệm 30 thành viên"
    )
    term = registry.term_create(actor=board, bloc=bloc, year=2022, units=units, chair=units[0], vice_chair=units[1])
    big = services.pledge_create(
        actor=board,
        term=term,
        place="Cao Bằng",
        signing_date=datetime.date(2022, 3, 30),
        items=[f"Nội dung giao ước số {i}." for i in range(1, 9)],
    )
    big = services.pledge_open(actor=board, pledge=big, deadline=datetime.date(2099, 1, 1))
    for i, unit in enumerate(units):
        head = User.objects.create(username=f"bench{i}", full_name=f"Người Ký Số {i:02d}", unit=unit, can_sign=True)
        services.signature_add(
            actor=head,
            pledge=big,
            kind="typed",
            image_png=typed_signature_png(head.full_name),
            content_hash_seen=big.content_hash,
            typed_name=head.full_name,
            form_token=str(i),
        )
    big = services.pledge_pdf_produce(big.pk)

    signer = pdf_engine.load_sealer()
    client = Client()
    client.force_login(User.objects.get(username="admin"))
    print(f"PDF pipeline benchmark, median of {args.repeat} runs each")
    print(f"{'pledge':<28}{'ours (s)':>10}{'bare (s)':>10}{'ratio':>8}{'serve (ms)':>12}{'render/serve':>14}")
    for label, pledge in (("seed (8 members)", seed), ("30 members", big)):
        document = Pledge.objects.for_document().get(pk=pledge.pk)
        html = pdf.render_html(document, preview=False)
        stylesheets = [
            CSS(filename=str(pdf_engine.STATIC / "document.css")),
            CSS(filename=str(pdf_engine.STATIC / "pdf.css")),
            CSS(string=pdf_engine.font_faces()),
        ]

        def ours(pledge=pledge):
            fresh = Pledge.objects.for_document().get(pk=pledge.pk)
            pdf.seal_pdf(pdf.html_to_pdf(pdf.render_html(fresh, preview=False), pdf.audit_json(fresh)))

        def bare(html=html, stylesheets=stylesheets):
            data = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(stylesheets=stylesheets)
            meta = signers.PdfSignatureMetadata(field_name="Sig")
            signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(data)), meta, signer=signer)

        url = reverse("pledges:pdf", kwargs={"pk": pledge.pk})

        def serve(url=url):
            response = client.get(url)
            b"".join(response.streaming_content)

        ours_time, bare_time = median_time(ours, args.repeat), median_time(bare, args.repeat)
        serve_time = median_time(serve, args.repeat * 4)
        print(
            f"{label:<28}{ours_time:>10.3f}{bare_time:>10.3f}{ours_time / bare_time:>8.2f}"
            f"{serve_time * 1000:>12.2f}{ours_time / serve_time:>14.0f}"
        )


if __name__ == "__main__":
    main()
