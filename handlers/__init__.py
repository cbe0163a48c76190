"""What people do with the bot, one package each; find a feature by its name.

onboarding/    /start, language, main menu, help, privacy and consents, /mydata, /delete
search/        the housing search: the registration chat and /mysearch
appointments/  consultation hours: booking (bookings.py) and the staff's slots (slots.py)
listings/      flat listings: the staff form, cards and shortlists, letting, offers
cases/         the case card and consent, status, viewings, accompaniment, figures
volunteers/    workshops, questions to caseworkers (advice), the volunteer profile
staff/         team, invitations, audit log, rent limits, announcements, languages
common/        what they share: screens, routes, guards, the main menu, typed text, errors

Each package's `register(app)` registers its modules in order; bot/app.py orders the
packages. A package's buttons are in its routes.py (a name, a two-letter prefix, the shape of
the arguments); search a button's name to find its handler in a module's `register`.
Features import common/ and their own package only; what one feature does for another goes
through the registries of bot/features.py.
"""
