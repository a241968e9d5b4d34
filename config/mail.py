"""Email printed in the terminal (`EMAIL_URL=console://`, what `make run` uses), readable.

Django's console backend prints the message as it would be sent: a body with
a line over 78 characters, or any letter outside ASCII, goes out
quoted-printable, so a confirmation link comes out cut into pieces with "="
at each end of line and cannot be clicked or copied whole. This backend
prints the same message in UTF-8, lines as written ("8bit"), which a person
reads and a terminal makes clickable. Only the printing changes: what an SMTP
server gets is Django's as ever.
"""

import email.policy

from django.core.mail.backends import console

# RFC 5322's limit for a line (998), and 8-bit text: no encoding needed for what people write.
READABLE = email.policy.default.clone(cte_type="8bit", max_line_length=998, utf8=True)


class ReadableConsoleBackend(console.EmailBackend):
    def write_message(self, message):
        text = message.message(policy=READABLE).as_bytes().decode("utf-8", errors="replace")
        self.stream.write(f"{text}\n{'-' * 79}\n")
