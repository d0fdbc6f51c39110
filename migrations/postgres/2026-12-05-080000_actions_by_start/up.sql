-- Reminders look for planned actions starting soon, every round of the jobs.
CREATE INDEX actions_status_start ON actions (status, starts_at);
