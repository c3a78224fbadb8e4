"""The client's address for the current request, for the security log and audit events.

``access_ui`` sets it at the top of each script run (``bind``); ``access_core.audit.events.record``
reads it. Behind a reverse proxy, ``X-Forwarded-For`` is believed only when the connection
comes from an address listed in ``ACCESS_TRUSTED_PROXIES`` (comma-separated addresses or
networks, e.g. ``127.0.0.1, 10.0.0.0/24``): the client is then the right-most address of the
header that is not itself a trusted proxy. Streamlit's uvicorn must not rewrite the address
first: ``access-core serve`` switches its own rule off (``FORWARDED_ALLOW_IPS`` empty).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping
from contextvars import ContextVar

from access_core.errors import ConfigError

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

client_address: ContextVar[str | None] = ContextVar("client_address", default=None)
# The administrator a live session was checked for in this run, the credential generation the
# session was opened under and the session's key (``sessions.check`` sets it): a write made on
# the strength of the session is refused once the session has ended (a logout in another tab)
# or that generation is no longer the account's (a password changed, the account disabled),
# e.g. while a long reset or import was hashing.
acting_session: ContextVar[tuple[str, int, str] | None] = ContextVar("acting_session", default=None)


def trusted_proxies(values: Mapping[str, str]) -> tuple[Network, ...]:
    """``ACCESS_TRUSTED_PROXIES`` parsed (empty: no proxy is believed)."""
    raw = str(values.get("ACCESS_TRUSTED_PROXIES") or "")
    networks: list[Network] = []
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ConfigError(
                f"ACCESS_TRUSTED_PROXIES holds an invalid address or network: {item!r}"
            ) from None
    return tuple(networks)


def _is_trusted(address: str, trusted: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted)


def client_from(peer: str, forwarded_for: str | None, trusted: tuple[Network, ...]) -> str:
    """The client's address: ``peer`` (the connection's), unless ``peer`` is a trusted proxy
    and ``X-Forwarded-For`` names someone before it."""
    if not forwarded_for or not _is_trusted(peer, trusted):
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return peer  # a forged or garbled header: keep what we know
        if not _is_trusted(hop, trusted):
            return hop
    return hops[0] if hops else peer


# Streamlit serves through uvicorn, whose proxy_headers rewrite the connection's address from
# X-Forwarded-For for the peers this variable lists (127.0.0.1 and ::1 when unset) before any
# of the rules above sees it. ``access-core serve`` sets it empty: uvicorn believes no one.
UVICORN_TRUST_VARIABLE = "FORWARDED_ALLOW_IPS"
UVICORN_DEFAULT_TRUST = "127.0.0.1,::1"


def uvicorn_believes(environ: Mapping[str, str]) -> str | None:
    """Whom uvicorn would believe ``X-Forwarded-For`` from in ``environ`` (None: no one)."""
    value = environ.get(UVICORN_TRUST_VARIABLE, UVICORN_DEFAULT_TRUST)
    return value if value.strip() else None


_provider: list[Callable[[], str | None]] = []


def set_provider(provider: Callable[[], str | None]) -> None:
    """A function giving the current request's client when no address was bound (access_ui
    registers one: callbacks, dialogs and fragments run without the top of the script)."""
    _provider[:] = [provider]


def bind(address: str | None) -> None:
    client_address.set(address)


def current() -> str | None:
    address = client_address.get()
    if address is None and _provider:
        try:
            address = _provider[0]()
        except Exception:  # noqa: BLE001 - an address is a nicety, never a failure
            address = None
    return address
