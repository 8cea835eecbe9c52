-- 020_organisation_email.sql — an organisation's contact address: the ORGANIZER of its
-- events' invitations and feeds (src/ics/calendar_renderer.cpp), so a reply or a question
-- from a participant's calendar reaches somebody.
--
-- Optional; existing organisations get none (NULL): their feeds carry no ORGANIZER and their
-- invitations name the service's sending address (EVENTD_MAIL_FROM) until one is set.
-- The organisations_version trigger compares whole rows, so the new column bumps `version`
-- (the ETag) and the feed notification on organisations (schema/010) covers it.

ALTER TABLE organisations ADD COLUMN email text;
ALTER TABLE organisations ADD CONSTRAINT organisations_email_check
  CHECK (email ~ '^[^@[:space:]]+@[^@[:space:]]+$' AND char_length(email) <= 320);
