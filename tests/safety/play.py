"""Playing whole adventures over the socket for the safety tests."""

from __future__ import annotations

from tests.consumer_support import Player, choice_ids

LENGTH = 10


async def play_to_the_end(player: Player) -> list[str]:
    """Every frame the socket sent, through a whole adventure (pressing Try again if a
    chapter ran out of rewrites)."""
    await player.connect()
    frames: list[str] = []
    number = 1
    while number <= LENGTH:
        message = await player.receive(timeout=20)
        frames.append(message)
        if "status--error" in message:
            await player.send({"action": "retry"})
        elif message.startswith('<article id="chapter" class="chapter') and (
            f'data-chapter="{number}"' in message and "chapter--writing" not in message
        ):
            if number < LENGTH:
                await player.choose(number, choice_ids(message)[number % 3])
            number += 1
    frames += await player.settle()
    await player.close()
    return frames
