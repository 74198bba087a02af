"""Ký số over the CSC API (Cloud Signature Consortium v1): a person's remote-signing account, and the
remote signature the turn's holder makes through their provider (a task): the certificate checked
before anything is signed, the hash authorised (an OTP, or the provider's own confirmation), signed,
embedded as the next revision and checked again (``pledges.services.digital``).
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from blocs.models import Unit
from core import clock, signing
from pledges import pdf
from pledges.models import PledgeEvent, SigningTurn
from pledges.selectors import trust_roots
from pledges.services._common import PledgeError, _event, _locked, logger
from pledges.services.digital import (
    Method,
    _appearance,
    _file_problem,
    _settle,
    _store,
    certificate_problem,
    identity_problem,
    revision_bytes,
    signing_run,
    slot_for,
)


class RemoteSigningError(Exception):
    """The provider refused, timed out or answered nonsense: the turn passes on, with the reason."""


def remote_account_link(*, actor, provider: str, credential_id: str):
    """Link *actor*'s remote-signing account: the provider holds a certificate in their name.

    The provider is asked for the credential's certificate now; a credential that does not exist,
    or whose certificate names someone else, is refused.
    """
    from accounts.models import RemoteSigningAccount

    credential_id = (credential_id or "").strip()
    if provider not in settings.CSC_PROVIDERS:
        raise PledgeError(_("Choose one of the province's signing providers."), field="provider")
    if not credential_id or len(credential_id) > 255:
        raise PledgeError(_("Type the credential's identifier (at most 255 characters)."), field="credential_id")
    try:
        certificate, _chain = signing_run(_credential_certificates(settings.CSC_PROVIDERS[provider], credential_id))
    except RemoteSigningError as error:
        raise PledgeError(str(error), field="credential_id") from error
    verdict = signing.describe(certificate)
    if actor.can_sign:
        if not signing.name_matches(verdict.common_name, actor.full_name):
            raise PledgeError(
                _("The credential's certificate is issued to “%(name)s”, not to you (%(full_name)s).")
                % {"name": verdict.common_name or "—", "full_name": actor.full_name},
                field="credential_id",
            )
    elif actor.is_clerk and actor.unit_id:
        unit = Unit.objects.prefetch_related("versions").get(pk=actor.unit_id)
        names = [unit.name, *(v.name for v in unit.versions.all())]
        if not (
            signing.organisation_matches(verdict.common_name, names)
            or signing.organisation_matches(verdict.organisation, names)
        ):
            raise PledgeError(
                _("The credential's certificate is not your agency's (it names “%(name)s”).")
                % {"name": verdict.common_name or "—"},
                field="credential_id",
            )
    else:
        raise PledgeError(_("Only a unit's head (with signing right) or its clerk signs digitally."))
    account, _created = RemoteSigningAccount.objects.update_or_create(
        user=actor, defaults={"provider": provider, "credential_id": credential_id, "linked_at": clock.now()}
    )
    return account


def _csc_session_info(provider: dict, credential_id: str, token: str | None = None):
    from pyhanko.sign.signers.csc_signer import CSCServiceSessionInfo

    return CSCServiceSessionInfo(
        service_url=provider["url"].rstrip("/"),
        credential_id=credential_id,
        oauth_token=token,
        api_ver=provider.get("api", "v1"),
    )


async def _provider_token(session, provider: dict) -> str | None:
    """Return an OAuth 2.0 access token for the provider's client credentials (None without them)."""
    if not provider.get("client_id"):
        return None
    api = provider.get("api", "v1")
    url = f"{provider['url'].rstrip('/')}/csc/{api}/oauth2/token"
    form = {
        "grant_type": "client_credentials",
        "client_id": provider["client_id"],
        "client_secret": provider.get("client_secret", ""),
    }
    async with session.post(url, data=form) as response:
        if response.status != 200:
            raise RemoteSigningError(_("The signing provider refused the application's credentials."))
        body = await response.json(content_type=None)
    token = body.get("access_token") if isinstance(body, dict) else None
    if not isinstance(token, str) or not token:
        raise RemoteSigningError(_("The signing provider answered something unexpected."))
    return token


def _client_session():
    import aiohttp

    return aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=settings.REMOTE_SIGNING_TIMEOUT))


async def _credential_certificates(provider: dict, credential_id: str):
    """Return the certificate of a CSC credential and its chain, as the provider gives them."""
    from pyhanko.sign.signers.csc_signer import fetch_certs_in_csc_credential

    try:
        async with _client_session() as session:
            info = _csc_session_info(provider, credential_id, await _provider_token(session, provider))
            credential = await fetch_certs_in_csc_credential(session, info)
    except RemoteSigningError:
        raise
    except Exception as error:  # the provider's answers are not trusted: anything odd is a refusal
        logger.info("CSC credential %s not read: %s", credential_id[:40], error)
        raise RemoteSigningError(
            _("The signing provider did not give this credential's certificate (it does not exist, or did not answer).")
        ) from error
    return credential.signing_cert, list(credential.chain)


def _authorizer(session, info, credential, otp: str):
    """A pyHanko authorisation manager that asks ``credentials/authorize`` for the hash being signed."""
    from pyhanko.sign.signers.csc_signer import CSCAuthorizationManager

    class Authorizer(CSCAuthorizationManager):
        async def authorize_signature(self, hash_b64s):
            request = self.format_csc_auth_request(hash_b64s=hash_b64s, otp=otp or None)
            url = self.csc_session_info.endpoint_url("credentials/authorize")
            async with session.post(url, json=request, headers=self.auth_headers) as response:
                if response.status != 200:
                    raise RemoteSigningError(_("The signing provider did not authorise the signature."))
                body = await response.json(content_type=None)
            if not isinstance(body, dict):
                raise RemoteSigningError(_("The signing provider answered something unexpected."))
            return self.parse_csc_auth_response(body)

    return Authorizer(info, credential)


async def _remote_signed(
    provider: dict, credential_id: str, base: bytes, check, *, field: str, appearance, reason: str, otp: str
):
    """Read the credential, check its certificate (*check*), sign *base*'s *field* remotely."""
    import asyncio

    from pyhanko.sign.signers.csc_signer import CSCSigner, fetch_certs_in_csc_credential

    async def sign():
        async with _client_session() as session:
            info = _csc_session_info(provider, credential_id, await _provider_token(session, provider))
            credential = await fetch_certs_in_csc_credential(session, info)
            verdict = await check(credential.signing_cert, list(credential.chain))
            authorizer = _authorizer(session, info, credential, otp)
            signer = CSCSigner(session, auth_manager=authorizer, sign_timeout=settings.REMOTE_SIGNING_TIMEOUT)
            data = await signing.async_sign_field(
                base,
                field_name=field,
                signer=signer,
                appearance=appearance,
                reason=reason,
                timestamper=signing.timestamper(settings.TSA_URL) if settings.TSA_URL else None,
            )
            return data, verdict

    try:  # the whole exchange, whatever each library call allows itself, within REMOTE_SIGNING_TIMEOUT
        return await asyncio.wait_for(sign(), timeout=settings.REMOTE_SIGNING_TIMEOUT)
    except (RemoteSigningError, PledgeError, signing.TimestampUnavailable):
        raise
    except Exception as error:  # the provider's answers are not trusted: anything odd is a refusal
        logger.info("remote signature failed: %s", error)
        raise RemoteSigningError(
            _(
                "The signing provider did not sign (it refused, answered something unexpected, or did not answer in time)."
            )
        ) from error


def remote_sign(turn_id: int, otp: str = "") -> str:
    """Sign the turn holder's field over the CSC API and store the revision (the task's body).

    The certificate is checked before anything is signed; the revision is checked again after.
    A failure ends the turn with the reason (shown on the signing page); the next in line goes on.
    """
    turn = (
        SigningTurn.objects.select_related("pledge__term__bloc__province", "user", "user__remote_signing")
        .filter(pk=turn_id, finished_at__isnull=True, granted_at__isnull=False)
        .first()
    )
    if turn is None:
        return "gone"
    pledge, user = turn.pledge, turn.user
    try:
        slot = slot_for(pledge, user)
        account = getattr(user, "remote_signing", None)
        provider = settings.CSC_PROVIDERS.get(account.provider) if account else None
        if provider is None:
            raise PledgeError(_("Link your remote-signing account first (Tài khoản ký số từ xa)."))
        base = revision_bytes(pledge.revisions.get(number=turn.base_number))
        roots = trust_roots(pledge.term.bloc.province)
        if settings.TSA_URL:
            try:  # before anything is signed: never a signature without its timestamp
                signing_run(signing.async_probe_timestamps(settings.TSA_URL))
            except signing.TimestampUnavailable:
                _hold(turn)
                raise

        async def check(certificate, chain):
            verdict = await signing.async_check_certificate(certificate, roots=roots, other_certs=chain)
            problem = certificate_problem(verdict)
            if problem:
                raise PledgeError(problem)
            return verdict

        data, verdict = signing_run(
            _remote_signed(
                provider,
                account.credential_id,
                base,
                check,
                field=slot.field,
                appearance=_appearance(slot, user, clock.now()),
                reason=pdf.SIGNING_REASONS[slot.role],
                otp=otp,
            )
        )
        problem = identity_problem(slot, user, verdict)
        found = signing.check_appended(base, data)
        problem = problem or _file_problem(found, slot)
        if problem:
            raise PledgeError(problem)
        _store(
            pledge=pledge,
            turn_id=turn.pk,
            actor=user,
            slot=slot,
            base_number=turn.base_number,
            data=data,
            verdict=verdict,
            method=Method.CSC,
            ip=None,
            user_agent="",
        )
    except (PledgeError, RemoteSigningError) as error:
        message = error.message if isinstance(error, PledgeError) else str(error)
        _fail(turn, message)
        return "failed"
    return "signed"


def _hold(turn: SigningTurn) -> None:
    """Keep *turn* with its holder while the time-stamping authority does not answer (the task retries)."""
    logger.warning("the time-stamping authority does not answer: turn %s waits", turn.pk)
    SigningTurn.objects.filter(pk=turn.pk, finished_at__isnull=True).update(
        expires_at=clock.now() + datetime.timedelta(seconds=settings.SIGNING_TURN_SECONDS)
    )


def _fail(turn: SigningTurn, message: str) -> None:
    """End *turn* as failed with *message* (its holder sees it) and pass the turn on."""
    with transaction.atomic():
        pledge = _locked(turn.pledge)
        ended = SigningTurn.objects.filter(pk=turn.pk, finished_at__isnull=True).update(
            finished_at=clock.now(), outcome=SigningTurn.Outcome.FAILED, error=message[:500]
        )
        if ended:
            _event(pledge, PledgeEvent.Kind.SIGNING_FAILED, actor=turn.user, unit=turn.unit.name, reason=message)
        _settle(pledge)
