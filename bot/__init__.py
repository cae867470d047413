"""Mentorbro: the Telegram bot of a volunteer career-mentoring programme for refugees."""
