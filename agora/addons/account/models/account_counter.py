"""Gapless entry numbers, one counter per journal and prefix (that is, per year).

A number is drawn inside the posting transaction with one UPSERT that increments the
counter row: the row lock it takes makes concurrent posts in the same journal wait for
each other, and a rolled-back post gives its numbers back. Under REPEATABLE READ the
second poster then fails with a serialization error and the whole unit of work is
retried by the transaction runner, so no number is ever skipped or used twice.
"""

from agora import fields, models


class AccountJournalCounter(models.Model):
    _name = "account.journal.counter"
    _description = "Entry number counter"
    _sql_constraints = [("journal_prefix_uniq", "unique(journal_id, prefix)",
                         "One counter per journal and prefix.")]

    journal_id = fields.Many2one("account.journal", required=True, ondelete="cascade")
    prefix = fields.Char(required=True)
    last_number = fields.Integer(required=True, default=0)

    def _draw(self, journal_id: int, prefix: str, count: int) -> range:
        """Reserve ``count`` consecutive numbers after the last one drawn."""
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            "INSERT INTO account_journal_counter (journal_id, prefix, last_number) "
            "VALUES (%s, %s, %s) ON CONFLICT (journal_id, prefix) DO UPDATE "
            "SET last_number = account_journal_counter.last_number + EXCLUDED.last_number "
            "RETURNING last_number", (journal_id, prefix, count))
        last = cr.fetchone()[0]
        return range(last - count + 1, last + 1)
