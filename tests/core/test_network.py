"""core.network: the client's address from REMOTE_ADDR and, behind trusted proxies only, X-Forwarded-For."""

import pytest
from django.test import RequestFactory

from core.network import client_ip, client_ip_for_throttling

PROXY = "10.0.0.2"


def request(remote=PROXY, forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


@pytest.mark.parametrize("forwarded", [None, "198.51.100.7", "198.51.100.7, 192.0.2.1"])
def test_without_trusted_proxies_the_header_is_never_read(settings, forwarded):
    settings.TRUSTED_PROXIES = 0
    assert client_ip(request(forwarded=forwarded)) == PROXY


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (1, "198.51.100.7", "198.51.100.7"),
        (1, "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # the client wrote the left one: ignored
        (2, "198.51.100.7, 10.0.0.9", "198.51.100.7"),
        (2, "10.0.0.9", PROXY),  # shorter than the proxies: did not come through them
        (1, None, PROXY),
        (1, "not-an-address", PROXY),
        (1, "198.51.100.7:51234", "198.51.100.7"),
        (1, "[2001:db8::7]:443", "2001:db8::7"),
        (1, "::ffff:198.51.100.7", "198.51.100.7"),
        (1, "fe80::1%eth0", "fe80::1"),
        (1, ",".join(["192.0.2.1"] * 50_000) + ", 198.51.100.7", "198.51.100.7"),
    ],
)
def test_a_count_of_proxies_takes_the_hop_before_them(settings, count, forwarded, expected):
    settings.TRUSTED_PROXIES = count
    assert client_ip(request(forwarded=forwarded)) == expected


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        (PROXY, "198.51.100.7", "198.51.100.7"),
        (PROXY, "6.6.6.6, 198.51.100.7, 10.1.2.3", "198.51.100.7"),  # the right-most untrusted hop
        ("198.51.100.9", "6.6.6.6", "198.51.100.9"),  # not sent by a proxy: the header is the client's own
        (PROXY, "6.6.6.6, garbage", PROXY),  # garbage where a proxy wrote: guess nothing
        (PROXY, "10.1.2.3", "10.1.2.3"),  # every hop inside: the left-most
    ],
)
def test_proxy_networks_take_the_right_most_untrusted_hop(settings, remote, forwarded, expected):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "2001:db8:ffff::/48"]
    assert client_ip(request(remote=remote, forwarded=forwarded)) == expected


def test_a_missing_or_odd_remote_address_gives_none(settings):
    settings.TRUSTED_PROXIES = 0
    assert client_ip(request(remote="")) is None
    assert client_ip(request(remote="unix:/run/gunicorn.sock")) is None


def test_the_throttle_counts_an_ipv6_client_by_its_network(settings):
    settings.TRUSTED_PROXIES = 1
    assert client_ip_for_throttling(request(forwarded="2001:db8:1:2:aaaa::7")) == "2001:db8:1:2::"
    assert client_ip_for_throttling(request(forwarded="198.51.100.7")) == "198.51.100.7"
