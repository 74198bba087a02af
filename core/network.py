"""The client's address, as the audit trail and the login throttle record it.

Behind a reverse proxy every request comes from the proxy's address; the client's
is in ``X-Forwarded-For``, which anybody can also send. ``TRUSTED_PROXIES`` says
which hops to believe: a count of proxies in front of the application, or the
proxies' networks (CIDR). Without it the header is never read.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Read at most this many hops from the right: a header of thousands of entries costs nothing more.
MAX_HOPS = 16
# A household or an office gets a whole IPv6 /64: throttling one address of it would throttle nothing.
IPV6_THROTTLE_PREFIX = 64


def parse_address(text: str) -> IPAddress | None:
    """Return the IP address in *text* (a port, brackets and a zone dropped), or None if it is not one."""
    text = text.strip()
    if text.startswith("["):  # "[2001:db8::1]:443"
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:  # "203.0.113.7:51234"
        text = text.partition(":")[0]
    text = text.partition("%")[0]  # "fe80::1%eth0": the database types refuse a zone
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped:
        return address.ipv4_mapped  # "::ffff:203.0.113.7" is the IPv4 client it names
    return address


@lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(network, strict=False) for network in trusted)


def _client_address(request: HttpRequest) -> IPAddress | None:
    remote = parse_address(request.META.get("REMOTE_ADDR", ""))
    trusted = settings.TRUSTED_PROXIES
    if not trusted:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop for hop in forwarded.rsplit(",", MAX_HOPS)[-MAX_HOPS:] if hop.strip()] if forwarded else []
    hops.append(request.META.get("REMOTE_ADDR", ""))
    if isinstance(trusted, int):
        # Each of the *trusted* proxies appended the address it was reached from: the client's is
        # the one before them. A shorter chain did not come through the proxies: believe only the socket.
        if len(hops) <= trusted:
            return remote
        return parse_address(hops[-trusted - 1]) or remote
    networks = _networks(tuple(trusted))
    address = None
    for hop in reversed(hops):
        address = parse_address(hop)
        if address is None:
            return remote  # garbage where a trusted proxy wrote: guess nothing
        if not any(address in network for network in networks):
            return address
    return address  # every hop is a proxy: the request started inside the trusted network


def client_ip(request: HttpRequest) -> str | None:
    """Return the client's IP address as text, or None when the server was not told one.

    ``X-Forwarded-For`` is read only as far as ``TRUSTED_PROXIES`` allows: the right-most
    hop that is not a trusted proxy. Anything that is not an IP address falls back to
    ``REMOTE_ADDR``.
    """
    address = _client_address(request)
    return str(address) if address is not None else None


def client_ip_for_throttling(request: HttpRequest) -> str | None:
    """Return the address the login throttle counts failures by: the client's, or its IPv6 /64."""
    address = _client_address(request)
    if address is None:
        return None
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/{IPV6_THROTTLE_PREFIX}", strict=False).network_address)
    return str(address)
