"""The sandbox in a browser: the emulator, the real bot and a page of side-by-side chats."""
