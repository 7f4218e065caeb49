"""A short, human description of a browser's User-Agent string, for the sign-in history.

Deliberately small: the reader only needs to recognise "Chrome on Linux" or "Safari on
iPhone" in their own list, not an exact version. Order matters in both tables, because
user agents name the engines they imitate: Edge says Chrome and Safari, Chrome says Safari,
an iPhone says "like Mac OS X" and Android says Linux.
"""

UNKNOWN_BROWSER = "Unknown browser"

# (substring, name): the first match wins.
BROWSERS = (
    ("edg/", "Edge"),
    ("edga/", "Edge"),
    ("edgios/", "Edge"),
    ("opr/", "Opera"),
    ("opera", "Opera"),
    ("samsungbrowser/", "Samsung Internet"),
    ("vivaldi/", "Vivaldi"),
    ("firefox/", "Firefox"),
    ("fxios/", "Firefox"),
    ("crios/", "Chrome"),
    ("chromium/", "Chromium"),
    ("chrome/", "Chrome"),
    ("safari/", "Safari"),
)

SYSTEMS = (
    ("iphone", "iPhone"),
    ("ipad", "iPad"),
    ("ipod", "iPod"),
    ("android", "Android"),
    ("windows", "Windows"),
    ("cros ", "ChromeOS"),  # "CrOS x86_64"; bare "cros" is in "Microsoft"
    ("macintosh", "Mac"),
    ("mac os x", "Mac"),
    ("linux", "Linux"),
)

# Long enough for any real browser; a longer string is not worth searching.
MAX_LENGTH = 1000


def _first(text: str, table) -> str:
    return next((name for needle, name in table if needle in text), "")


def describe_user_agent(user_agent) -> str:
    """'Chrome on Linux', 'Safari on iPhone', 'Firefox', or 'Unknown browser'."""
    if not isinstance(user_agent, str):
        return UNKNOWN_BROWSER
    text = user_agent[:MAX_LENGTH].lower()
    browser, system = _first(text, BROWSERS), _first(text, SYSTEMS)
    if browser and system:
        return f"{browser} on {system}"
    if browser:
        return browser
    if system:
        return f"{UNKNOWN_BROWSER} on {system}"
    return UNKNOWN_BROWSER
