"""``youthcourt worker``: the process that does the installation's work no request asks for.

Every 30 seconds or so it sends the outbox (invitations, reminders, change notices), queues
the reminders of the nights in the next two days, and, once a day, seals the cases due and
deletes what is past keeping (see :mod:`youthcourt.worker.jobs`). Several workers may run, on
one server or several, against one database: a message is claimed by one sender only (see
``jurors/delivery.py``), and a scheduled job is taken by one worker at a time and recorded as
done in the database (:mod:`youthcourt.worker.schedule`), so a daily job runs once a day
whatever the number of workers.
"""
