DROP INDEX post_revisions_editor;
