# The bot for operators who run containers; see README "Run it in a container".
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml requirements.lock README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY domain ./domain
COPY storage ./storage
COPY sandbox ./sandbox
COPY locales ./locales
# Exactly the tested versions. The bot runs from /app, where locales/ sits next to bot/.
RUN pip install -c requirements.lock . \
    && python -c "from bot.i18n import compile_catalogs; compile_catalogs()" \
    && useradd --create-home --uid 10001 bot \
    && mkdir /data && chown bot:bot /data

USER bot
ENV DATABASE_PATH=/data/bot.sqlite3
VOLUME ["/data"]

# Healthy: the bot touched /data/bot.sqlite3.alive within 3 minutes while taking updates.
HEALTHCHECK --interval=60s --timeout=10s --start-period=90s --retries=3 \
    CMD ["python", "-m", "bot.health"]

CMD ["python", "-m", "bot"]
