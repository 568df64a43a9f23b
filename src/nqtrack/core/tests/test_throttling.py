"""API bursts are slowed down: a stricter rate on expensive endpoints, a 429 in Vietnamese."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def _client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_a_burst_on_documents_parse_is_refused_with_a_429_in_vietnamese(tree, settings):
    client = _client(tree.province_office)
    text = "TỈNH ỦY A\nSố 05-CT/TU\nA, ngày 06 tháng 02 năm 2025\nCHỈ THỊ\nvề thử nghiệm"
    limit = 30  # REST_FRAMEWORK DEFAULT_THROTTLE_RATES["expensive"], 30/minute
    codes = [
        client.post("/api/v1/documents/parse", {"text": text}, format="json").status_code
        for _ in range(limit)
    ]
    assert codes == [200] * limit

    refused = client.post("/api/v1/documents/parse/", {"text": text}, format="json")
    assert refused.status_code == 429
    assert refused.json()["detail"].startswith("Quá nhiều yêu cầu. Vui lòng thử lại sau")
    assert "Expected" not in refused.json()["detail"]
    assert int(refused["Retry-After"]) > 0


def test_the_expensive_rate_is_per_user_and_leaves_ordinary_endpoints_alone(tree):
    busy = _client(tree.province_office)
    for _ in range(30):
        busy.post("/api/v1/tasks/extract", {"text": "x"}, format="json")
    assert busy.post("/api/v1/tasks/extract", {"text": "x"}, format="json").status_code == 429
    assert busy.get("/api/v1/documents/").status_code == 200
    other = _client(tree.commune_office)
    assert other.post("/api/v1/tasks/extract", {"text": "x"}, format="json").status_code != 429


def test_guessing_tokens_is_throttled_per_address_and_a_good_token_still_works(tree):
    guesser = APIClient()
    guesser.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    codes = [guesser.get("/api/v1/documents/").status_code for _ in range(61)]
    assert set(codes[:60]) == {401} and codes[60] == 429
    assert guesser.get("/api/v1/documents/").json()["detail"].startswith("Quá nhiều yêu cầu")
    assert _client(tree.province_office).get("/api/v1/documents/").status_code == 200
