"""Realistic, seeded variable values for the templates: codes, tokens, URLs, people, money.

Every maker draws from the one ``random.Random`` the generator seeds, so a run is
reproducible byte for byte. The value lists are made up here (no project text).
"""

from __future__ import annotations

import random
import string
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

__all__ = ["Values"]

_FIRST = (
    "Anna",
    "Jonas",
    "Maria",
    "Liam",
    "Sofia",
    "Mateo",
    "Yuki",
    "Aisha",
    "Olga",
    "Pierre",
    "Chen",
    "Fatima",
    "Lars",
    "Elif",
    "Raj",
    "Zofia",
    "Tomás",
    "Ingrid",
    "Kwame",
    "Leilani",
)
_LAST = (
    "Keller",
    "Nakamura",
    "Okafor",
    "Silva",
    "Novak",
    "Dubois",
    "Larsen",
    "Yilmaz",
    "Patel",
    "Kowalski",
    "García",
    "Müller",
    "Rossi",
    "Haddad",
    "Lindqvist",
    "Moreau",
    "Tanaka",
)
_BRANDS = (
    "Northwind",
    "Acme Cloud",
    "Bluefin",
    "Kestrel",
    "Lumen Notes",
    "Orbit Tasks",
    "Pinecone Books",
    "Harbor",
    "Tidepool",
    "Quillstone",
    "Mapleworks",
    "Cobalt HQ",
)
_HOSTS = (
    "app.northwind.io",
    "cloud.acme.dev",
    "bluefin.example.com",
    "kestrel.app",
    "notes.lumen.so",
    "tasks.orbit.team",
    "shop.pinecone-books.com",
    "harbor.example.org",
    "tidepool.dev",
    "quillstone.net",
    "mapleworks.co",
    "hq.cobalt.systems",
)
_DEVICES = (
    ("Chrome", "desktop", "Windows"),
    ("Firefox", "desktop", "Linux"),
    ("Safari", "smartphone", "iOS"),
    ("Edge", "desktop", "Windows"),
    ("Chrome Mobile", "smartphone", "Android"),
    ("Safari", "desktop", "macOS"),
)
_PLACES = (
    ("Berlin", "Germany"),
    ("Lyon", "France"),
    ("Osaka", "Japan"),
    ("Porto", "Portugal"),
    ("Austin", "United States"),
    ("Kraków", "Poland"),
    ("Nairobi", "Kenya"),
    ("Izmir", "Türkiye"),
    ("Pune", "India"),
    ("Curitiba", "Brazil"),
)
_WORDS = (
    "amber",
    "brave",
    "cedar",
    "delta",
    "ember",
    "frost",
    "glade",
    "harbor",
    "ivory",
    "jolly",
    "karma",
    "lunar",
    "maple",
    "noble",
    "olive",
    "pixel",
    "quartz",
    "river",
    "solar",
    "tiger",
    "ultra",
    "vivid",
    "willow",
    "xenon",
    "yonder",
    "zephyr",
)
_URLSAFE = string.ascii_letters + string.digits + "-_"
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


class Values:
    """Value makers over one seeded generator (one instance per mail keeps mails independent)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.brand = rng.choice(_BRANDS)
        self.host = _HOSTS[_BRANDS.index(self.brand)]
        self.first = rng.choice(_FIRST)
        self.last = rng.choice(_LAST)
        self.base_time = datetime(2026, 3, 1, 8, 0, tzinfo=UTC) + timedelta(
            minutes=rng.randrange(0, 60 * 24 * 200)
        )

    # people and places -------------------------------------------------------------------
    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def username(self) -> str:
        return f"{self.first.lower()}.{self.last.lower()}".encode("ascii", "ignore").decode()

    @property
    def domain(self) -> str:
        """The registrable domain of the brand's host (``app.northwind.io`` -> ``northwind.io``)."""
        return ".".join(self.host.split(".")[-2:])

    @property
    def email(self) -> str:
        return f"{self.username}@mail.example.net"

    def other_name(self) -> str:
        return f"{self.rng.choice(_FIRST)} {self.rng.choice(_LAST)}"

    def device(self) -> tuple[str, str, str]:
        return self.rng.choice(_DEVICES)

    def place(self) -> tuple[str, str]:
        return self.rng.choice(_PLACES)

    def ip(self) -> str:
        r = self.rng
        first = r.choice((81, 93, 176, 203, 62, 188))
        return f"{first}.{r.randrange(256)}.{r.randrange(256)}.{r.randrange(1, 255)}"

    def when(self, fmt: str = "%Y-%m-%d %H:%M") -> str:
        return self.base_time.strftime(fmt)

    def words(self, n: int, sep: str = " ") -> str:
        return sep.join(self.rng.choice(_WORDS) for _ in range(n))

    # codes ------------------------------------------------------------------------------
    def digits(self, n: int) -> str:
        first = str(self.rng.randrange(1, 10))  # no leading zero keeps "number" shapes honest
        return first + "".join(str(self.rng.randrange(10)) for _ in range(n - 1))

    def alnum(self, n: int, alphabet: str = string.ascii_uppercase + string.digits) -> str:
        mixed = any(c.isdigit() for c in alphabet) and any(c.isalpha() for c in alphabet)
        while True:  # a mixed alphabet yields a code with both letters and digits
            s = "".join(self.rng.choice(alphabet) for _ in range(n))
            if not mixed or (any(c.isdigit() for c in s) and any(c.isalpha() for c in s)):
                return s

    def mixed(self, n: int) -> str:
        return self.alnum(n, string.ascii_letters + string.digits)

    def grouped(self, code: str, size: int = 3, sep: str = " ") -> str:
        return sep.join(code[i : i + size] for i in range(0, len(code), size))

    # tokens and links -------------------------------------------------------------------
    def token(self, n: int = 32, alphabet: str = _URLSAFE) -> str:
        return "".join(self.rng.choice(alphabet) for _ in range(n))

    def hex(self, n: int = 32) -> str:
        return self.token(n, "0123456789abcdef")

    def b58(self, n: int = 22) -> str:
        return self.token(n, _B58)

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def url(self, path: str, host: str | None = None, **params: str) -> str:
        query = ("?" + urlencode(params)) if params else ""
        return f"https://{host or self.host}{path}{query}"

    # commerce ---------------------------------------------------------------------------
    def amount(self) -> str:
        return f"{self.rng.randrange(5, 480)}.{self.rng.randrange(100):02d}"

    def order_number(self) -> str:
        return "R" + self.digits(9)

    def tracking(self) -> str:
        return self.rng.choice(
            (
                "1Z" + self.alnum(16),
                "JD0" + self.digits(17),
                self.digits(12),
                "LX" + self.digits(9) + "DE",
            )
        )

    def phone(self) -> str:
        return f"+49 30 {self.digits(4)} {self.digits(4)}"
