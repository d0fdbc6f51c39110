-- An editor's latest edits, read to apply the hourly posting limit to edits.
CREATE INDEX post_revisions_editor ON post_revisions (edited_by, id);
