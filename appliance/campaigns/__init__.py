"""Campaigns: invitations and reminders from events files, templates, schedules (issue 12)."""
