"""Previews and page images render once per content, under the time limit, one rendering at a time
(issue 15, finding 4): every GET of a draft's preview rendered it anew, without a time limit.

Renderings are counted by ``documents.renderings`` (incremented by each real WeasyPrint rendering) and by
the files stored; nothing of the rendering is mocked.
"""

import datetime
import threading

import pytest
from django.core.files.storage import storages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pledges import services
from pledges.models import DocumentRendering
from pledges.services import documents

pytestmark = pytest.mark.pdf


def preview(client, pledge):
    return client.get(reverse("pledges:pdf", kwargs={"pk": pledge.pk}))


def stored_previews(pledge) -> list[str]:
    try:
        return sorted(storages["private"].listdir(f"previews/{pledge.pk}")[1])
    except FileNotFoundError:
        return []


def test_two_previews_of_the_same_draft_render_once(client, cast, draft):
    client.force_login(cast.chair_officer)
    before = documents.renderings["preview"]
    first, second = preview(client, draft), preview(client, draft)
    assert first.status_code == second.status_code == 200
    assert first.content == second.content and first.content.startswith(b"%PDF-")
    assert documents.renderings["preview"] == before + 1
    digest, _html, _attachment = documents.preview_source(draft)
    assert stored_previews(draft) == [f"{digest}.pdf"]
    assert first["Cache-Control"] == "private, no-store"
    # Another reader of the same draft gets the same file, rendered by nobody.
    client.force_login(cast.member_staff)
    assert preview(client, draft).content == first.content
    assert documents.renderings["preview"] == before + 1


def test_a_changed_draft_renders_anew_and_the_old_preview_goes(client, cast, draft):
    client.force_login(cast.chair_officer)
    before = documents.renderings["preview"]
    old = preview(client, draft)
    [old_name] = stored_previews(draft)
    client.post(reverse("pledges:item_add", kwargs={"pk": draft.pk}), {"text": "Cam kết mới thêm"})
    new = preview(client, draft)
    assert new.status_code == 200 and new.content != old.content
    assert documents.renderings["preview"] == before + 2
    assert stored_previews(draft) != [old_name] and len(stored_previews(draft)) == 1


def test_a_request_that_finds_the_rendering_in_progress_is_asked_to_come_back(client, cast, draft, settings):
    digest, _html, _attachment = documents.preview_source(draft)
    # Another worker process claimed the rendering of this very content a moment ago.
    DocumentRendering.objects.create(key=f"preview-{digest}", started_at=timezone.now())
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(cast.chair_officer)
    before = documents.renderings["preview"]
    response = preview(client, draft)
    assert response.status_code == 202 and response["Retry-After"] == "5"
    assert response["Content-Type"].startswith("text/html")
    assert "being prepared; try again in a moment" in response.content.decode()
    assert documents.renderings["preview"] == before and stored_previews(draft) == []


def test_a_stale_claim_of_a_dead_worker_is_taken_over(client, cast, draft):
    digest, _html, _attachment = documents.preview_source(draft)
    long_ago = timezone.now() - datetime.timedelta(seconds=documents.stale_after() + 1)
    DocumentRendering.objects.create(key=f"preview-{digest}", started_at=long_ago)
    client.force_login(cast.chair_officer)
    response = preview(client, draft)
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert not DocumentRendering.objects.exists()  # released once stored


def test_a_rendering_over_the_time_limit_gives_up_and_says_so(client, cast, draft, settings):
    settings.PDF_TIME_LIMIT = 0.001
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(cast.chair_officer)
    response = preview(client, draft)
    assert response.status_code == 202 and "being prepared" in response.content.decode()
    # The abandoned rendering may still run: its claim stays until it goes stale, so nobody starts another.
    assert DocumentRendering.objects.count() == 1
    assert preview(client, draft).status_code == 202


def test_page_images_of_a_draft_render_once_and_wait_for_a_rendering_in_progress(client, cast, draft):
    client.force_login(cast.chair_officer)
    url = reverse("pledges:detail", kwargs={"pk": draft.pk})
    before = documents.renderings["page_images"]
    names = client.get(url).context["page_images"]
    assert names and client.get(url).context["page_images"] == names
    assert documents.renderings["page_images"] == before + 1
    services.item_add(actor=cast.chair_officer, pledge=draft, text="Cam kết mới thêm")
    _pledge, _signers, digest = services.frozen_preview(draft)
    key = services.page_image_key(draft, digest)
    DocumentRendering.objects.create(key=f"pages-{draft.pk}-{key}", started_at=timezone.now())
    page = client.get(url)
    assert page.status_code == 200 and page.context["page_images"] == [] and page.context["pages_note"]
    assert documents.renderings["page_images"] == before + 1


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_previews_render_once(cast, draft):
    """Two requests at once (two connections, as two gunicorn workers): one renders, the other waits or reuses."""
    before = documents.renderings["preview"]
    barrier, answers = threading.Barrier(2), []

    def ask():
        client = Client()
        client.force_login(cast.chair_officer)
        barrier.wait()
        answers.append(preview(client, draft).status_code)

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(answers) in ([200, 200], [200, 202])
    assert documents.renderings["preview"] == before + 1
    assert len(stored_previews(draft)) == 1
