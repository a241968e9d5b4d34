"""Ask web servers whether links still work, politely. No Django here: only the standard library.

For each link: a HEAD request, then a GET when the server refuses HEAD or
answers an error to it (many do either wrongly); redirects are followed by
hand, up to `MAX_REDIRECTS`, so a permanent one (301, 308) can be told from a
temporary one. The verdict:

- ok: it answers 2xx (after any redirects);
- moved: it answers 2xx only through permanent redirects, so its address has
  changed for good; `final_url` is where the permanent redirects lead;
- broken: it answers an error (404, 410, 500...) or redirects in circles;
- unreachable: no answer at all (refused, timed out, no such host, bad TLS).

`check_all` asks about many links at once (`concurrency` threads) but never
two at a time of one host, and waits `delay` seconds between two requests to
the same host. Every request names the site in its User-Agent.

Only public addresses are asked (unless `allow_private`): a link, or a redirect
it leads to, naming a private, loopback or link-local address (a cloud's
metadata service, the site's own database) is "unreachable" without a single
packet sent there. The address checked is the one connected to, so a name that
resolves differently a second later cannot slip past.
"""

import http.client
import ipaddress
import socket
import ssl
import threading
import time
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from urllib.parse import urljoin, urlsplit

OK, MOVED, BROKEN, UNREACHABLE = "ok", "moved", "broken", "unreachable"
PERMANENT = {301, 308}
REDIRECTS = {301, 302, 303, 307, 308}
MAX_REDIRECTS = 5


@dataclass(frozen=True)
class Outcome:
    url: str
    status: str  # OK, MOVED, BROKEN or UNREACHABLE
    http_code: int | None = None  # the last answer's code
    final_url: str = ""  # where the redirects led ("" without any)
    error: str = ""  # why, in a few words, when there was no answer


class _Unreachable(Exception):
    def __init__(self, message: str, *, worth_a_get: bool = False):
        super().__init__(message)
        self.worth_a_get = worth_a_get  # the server answered, oddly: a GET may fare better than a HEAD


class _Hosts:
    """One request at a time per host, `delay` seconds apart."""

    def __init__(self, delay: float):
        self.delay = delay
        self.locks = defaultdict(threading.Lock)
        self.last: dict[str, float] = {}
        self.guard = threading.Lock()

    def ask(self, host: str, request):
        with self.guard:
            lock = self.locks[host]
        with lock:
            wait = self.last.get(host, 0.0) + self.delay - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                return request()
            finally:
                self.last[host] = time.monotonic()


def _is_public(address: str) -> bool:
    try:
        return ipaddress.ip_address(address.split("%", 1)[0]).is_global
    except ValueError:
        return False


def _connect(address, timeout=None, source_address=None, *, allow_private: bool = False) -> socket.socket:
    """`socket.create_connection`, to public addresses only unless `allow_private`:
    each address the name resolves to is checked, then connected to as it is."""
    host, port = address
    last_error, refused = None, False
    for family, kind, protocol, _name, sockaddr in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
        if not allow_private and not _is_public(sockaddr[0]):
            refused = True
            continue
        sock = socket.socket(family, kind, protocol)
        try:
            if timeout is not None:
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(sockaddr)
            return sock
        except OSError as error:
            last_error = error
            sock.close()
    if last_error is None and refused:
        raise _Unreachable("a private address: not asked")
    raise last_error or OSError(f"{host} has no address")


def _request(
    url: str, method: str, *, timeout: float, user_agent: str, allow_private: bool = False
) -> tuple[int, str]:
    """(status, Location header) of one request; raises _Unreachable when nothing answers."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise _Unreachable("not a web address")
    connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    kwargs = {"context": ssl.create_default_context()} if parts.scheme == "https" else {}
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname  # an IPv6 literal
    try:
        connection = connection_class(host, parts.port, timeout=timeout, **kwargs)
    except (http.client.InvalidURL, ValueError):  # a port that is not one
        raise _Unreachable("not a web address") from None
    connection._create_connection = partial(_connect, allow_private=allow_private)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request(method, path, headers={"User-Agent": user_agent, "Accept": "*/*"})
        response = connection.getresponse()
        if method == "GET":
            response.read(1024)  # enough to see it answer; the rest is not needed
        return response.status, response.getheader("Location", "")
    except TimeoutError:
        raise _Unreachable(f"no answer within {timeout:g} s") from None
    except ConnectionRefusedError:
        raise _Unreachable("connection refused") from None
    except socket.gaierror:
        raise _Unreachable("no such host") from None
    except ssl.SSLError as error:
        raise _Unreachable(f"TLS: {error.reason or error}"[:200]) from None
    except (OSError, http.client.HTTPException) as error:
        raise _Unreachable(f"{type(error).__name__}: {error}"[:200], worth_a_get=True) from None
    finally:
        connection.close()


def check(
    url: str, *, timeout: float, user_agent: str, hosts: _Hosts | None = None, allow_private: bool = False
) -> Outcome:
    """What `url` answers now (see the module's docstring)."""
    hosts = hosts or _Hosts(delay=0)

    def ask(target, method):
        host = (urlsplit(target).hostname or "").lower()
        return hosts.ask(
            host,
            lambda: _request(
                target, method, timeout=timeout, user_agent=user_agent, allow_private=allow_private
            ),
        )

    current, moved_to, permanent_so_far = url, url, True
    for _hop in range(MAX_REDIRECTS + 1):
        try:
            try:
                code, location = ask(current, "HEAD")
            except _Unreachable as error:
                if not error.worth_a_get:
                    raise
                code, location = 0, ""  # it dropped the HEAD: try a GET
            if code == 0 or code >= 400:
                code, location = ask(current, "GET")
        except _Unreachable as error:
            return Outcome(url, UNREACHABLE, final_url=_unless(current, url), error=str(error))
        if code in REDIRECTS and location:
            current = urljoin(current, location)
            permanent_so_far = permanent_so_far and code in PERMANENT
            if permanent_so_far:
                moved_to = current
            continue
        if 200 <= code < 400:
            status = MOVED if moved_to != url else OK
            return Outcome(url, status, http_code=code, final_url=_unless(moved_to, url))
        return Outcome(url, BROKEN, http_code=code, final_url=_unless(current, url))
    return Outcome(url, BROKEN, final_url=_unless(current, url), error="too many redirects")


def _unless(found: str, url: str) -> str:
    return "" if found == url else found


def check_all(
    urls: Iterable[str],
    *,
    timeout: float,
    user_agent: str,
    concurrency: int = 8,
    delay: float = 1.0,
    allow_private: bool = False,
) -> dict[str, Outcome]:
    """What each of `urls` answers, several hosts at a time, one request at a time per host."""
    by_host = defaultdict(list)
    for url in dict.fromkeys(urls):
        by_host[(urlsplit(url).hostname or "").lower()].append(url)
    hosts = _Hosts(delay=delay)

    def check_host(urls_of_host):
        return [
            check(url, timeout=timeout, user_agent=user_agent, hosts=hosts, allow_private=allow_private)
            for url in urls_of_host
        ]

    outcomes = {}
    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        for found in pool.map(check_host, by_host.values()):
            outcomes.update((outcome.url, outcome) for outcome in found)
    return outcomes
