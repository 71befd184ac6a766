"""Voice notes as text: a plug-in. The operator names a speech-to-text command
(intake.voice_command, e.g. a whisper CLI with its model); it gets the audio file's path as its
last argument and prints the transcript. Without one the bot says it cannot listen."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from bot.config import IntakeConfig
from bot.domain.intake import IntakeProblem, IntakeRefused, Medium
from bot.services.intake.process import ProgramFailed, ProgramMissing, run


async def transcribe(config: IntakeConfig, audio: bytes, suffix: str = ".ogg") -> str:
    """The transcript of a voice note, or IntakeRefused (no command, or it failed)."""
    if not config.voice_command:
        raise IntakeRefused(IntakeProblem.NO_VOICE, Medium.VOICE)
    with tempfile.TemporaryDirectory(prefix="orderdesk-voice-") as folder:
        path = Path(folder) / f"voice{suffix}"
        await asyncio.to_thread(path.write_bytes, audio)
        try:
            done = await run([*config.voice_command, str(path)], config.timeout)
        except ProgramMissing:
            raise IntakeRefused(IntakeProblem.NO_VOICE, Medium.VOICE) from None
        except ProgramFailed:
            raise IntakeRefused(IntakeProblem.VOICE_FAILED, Medium.VOICE) from None
    return done.stdout.decode("utf-8", "replace")
