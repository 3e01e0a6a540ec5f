"""The web app's routes, one module per part: sign-in, the unit page, the secretariat's
pages, import review, LINE, the ICS feeds and the JSON API."""
