"""The site's one date style, British like its stories: "1 December 2026", with the time.

Templates say `date:"DATE_FORMAT"` or `date:"DATETIME_FORMAT"`, never a format of their own; the
admin's lists and previews use the same two, so a date reads alike everywhere. Times are
in the newsroom's time zone (settings.TIME_ZONE); T names it, so a reader abroad knows.
"""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i T"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
