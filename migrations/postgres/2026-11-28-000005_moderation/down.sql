DROP TABLE mod_log;
DROP TABLE mod_notes;
DROP TABLE sanctions;
DROP TABLE board_moderators;
