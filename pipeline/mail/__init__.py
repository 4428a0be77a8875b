"""Mail: fetch ledgers from the office mailbox (IMAP), send feedback and reminders (SMTP)."""
