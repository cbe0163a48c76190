"""What every feature shares: screens and buttons, guards, the main menu, typed-text routing,
errors and the fallback.
"""
