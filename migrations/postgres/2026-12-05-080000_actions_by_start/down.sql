DROP INDEX actions_status_start;
