"""Message catalogs (`<lang>/LC_MESSAGES/funnel.po`) and the tool that keeps them in step
with the code (`python -m funnel_tui.locale.update`)."""
