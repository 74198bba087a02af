"""Check a PDF offline: is it a registered signed pledge, unchanged, and is every signature in it intact?"""

import sys

from django.core.management.base import BaseCommand

from pledges.selectors import pdf_verdict

TRUST = {
    "trusted": "trusted (chains to a configured trust root)",
    "untrusted": "UNTRUSTED (does not chain to any configured trust root)",
    "no_roots": "not checked (no trust roots configured)",
}


class Command(BaseCommand):
    help = (
        "verify_pdf FILE: exit 0 for a registered document exactly as registered, every signature intact"
        " and the last covering the whole file; 1 otherwise. The same verdict as the /verify/ page."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        with open(file, "rb") as handle:
            verdict = pdf_verdict(handle.read())
        registered = verdict["registered"]
        self.stdout.write(f"SHA-256: {verdict['sha256']}")
        if registered is None:
            self.stdout.write("Registered: no")
        elif verdict["exact"] and verdict["revision"] is not None:
            revision = verdict["revision"]
            state = (
                "the latest" if verdict["revision_latest"] else "later signatures were added to the original after it"
            )
            self.stdout.write(
                f"Registered: yes, revision {revision.number} of the signed original of pledge {registered.pk}"
                f" ({registered.title}; {state})"
            )
        elif verdict["exact"]:
            self.stdout.write(f"Registered: yes, pledge {registered.pk} ({registered.title})")
        else:
            self.stdout.write(
                f"Registered: CHANGED AFTER the registered PDF of pledge {registered.pk} ({registered.title}):"
                f" {verdict['appended']} bytes added, {verdict['later_revisions']} later revision(s),"
                f" {verdict['later_signatures']} later signature(s)"
            )
        self.stdout.write(
            f"Signatures: {len(verdict['signatures'])}{' (more not checked)' if verdict['more_signatures'] else ''}"
        )
        for number, signature in enumerate(verdict["signatures"], start=1):
            self.stdout.write(
                f"  {number}. {signature['signer'] or '?'}: {'intact' if signature['intact'] else 'BROKEN'},"
                f" covers {signature['coverage']}, changes after it: {signature['changes_after']},"
                f" {TRUST[signature['trust']]}"
                + (f", PAdES {signature['level']}" if signature.get("level") else "")
                + (f", timestamp {signature['timestamp'].isoformat()}" if signature.get("timestamp") else "")
            )
            revision = signature.get("revision")
            if revision is not None:
                self.stdout.write(
                    f"     revision {revision.number} ({revision.get_kind_display()}): {revision.signer_name},"
                    f" {revision.unit_name}; when signed: chains to {revision.certificate_root},"
                    f" not revoked ({revision.revocation_source.upper()})"
                )
        ok = verdict["ok"]
        self.stdout.write("RESULT: " + ("registered and intact" if ok else "NOT a registered, intact document"))
        sys.exit(0 if ok else 1)
