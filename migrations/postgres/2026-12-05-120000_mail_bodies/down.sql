-- Each row gets its whole text back, with its own unsubscribe link where the placeholder was
-- (HTML-escaped in the HTML part, as the templates escape it).
ALTER TABLE outbox ADD COLUMN subject TEXT, ADD COLUMN body_text TEXT, ADD COLUMN body_html TEXT;
UPDATE outbox SET
    subject = b.subject,
    body_text = CASE WHEN b.placeholder IS NULL THEN b.body_text
        ELSE REPLACE(b.body_text, b.placeholder, COALESCE(outbox.unsubscribe_url, '')) END,
    body_html = CASE WHEN b.placeholder IS NULL THEN b.body_html
        ELSE REPLACE(b.body_html, b.placeholder,
             REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(
                 COALESCE(outbox.unsubscribe_url, ''), '&', '&amp;'), '<', '&lt;'), '>', '&gt;'),
                 '"', '&quot;'), '''', '&#x27;'), '`', '&#x60;'), '=', '&#x3D;')) END
FROM mail_bodies b WHERE b.id = outbox.body_id;
ALTER TABLE outbox ALTER COLUMN subject SET NOT NULL,
    ALTER COLUMN body_text SET NOT NULL,
    ALTER COLUMN body_html SET NOT NULL;
DROP INDEX outbox_body;
ALTER TABLE outbox DROP COLUMN body_id;
DROP TABLE mail_bodies;
