-- 033_tasks.sql — what each traveller of a study trip must do by a deadline (issue 21):
-- send passport details, dietary needs, travel preferences.
--
-- A task is for everyone registered for the event, or for some of its delegations. Each
-- participant's progress is a row only once it was set (no row: open). A reminder goes to
-- each participant once per task: the row in task_reminders is written in the transaction
-- of the message, and its key keeps a second instance (or a second sweep) from writing
-- another.

CREATE TABLE tasks (
  id          uuid        NOT NULL DEFAULT gen_random_uuid(),
  event_id    uuid        NOT NULL,
  title       text        NOT NULL,
  description text,
  due_at      timestamptz NOT NULL,
  version     bigint      NOT NULL DEFAULT 1,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT tasks_pkey PRIMARY KEY (id),
  CONSTRAINT tasks_id_event_key UNIQUE (id, event_id),
  CONSTRAINT tasks_event_id_fkey FOREIGN KEY (event_id) REFERENCES events (id) ON DELETE CASCADE,
  CONSTRAINT tasks_title_check CHECK (btrim(title) <> '' AND char_length(title) <= 200),
  CONSTRAINT tasks_description_check CHECK (char_length(description) <= 4000)
);

CREATE INDEX tasks_event_idx ON tasks (event_id, due_at, id);
-- the reminder sweep: tasks falling due soon
CREATE INDEX tasks_due_idx ON tasks (due_at);

CREATE TRIGGER tasks_version BEFORE UPDATE ON tasks
  FOR EACH ROW EXECUTE FUNCTION eventd_bump_version();

-- Which delegations a task is for; none: everyone registered.
CREATE TABLE task_audience (
  task_id       uuid NOT NULL,
  event_id      uuid NOT NULL,
  delegation_id uuid NOT NULL,
  CONSTRAINT task_audience_pkey PRIMARY KEY (task_id, delegation_id),
  CONSTRAINT task_audience_task_fkey FOREIGN KEY (task_id, event_id)
    REFERENCES tasks (id, event_id) ON DELETE CASCADE,
  CONSTRAINT task_audience_delegation_fkey FOREIGN KEY (delegation_id, event_id)
    REFERENCES delegations (id, event_id) ON DELETE NO ACTION
);

CREATE TABLE task_progress (
  task_id         uuid        NOT NULL,
  registration_id uuid        NOT NULL,
  status          text        NOT NULL,
  -- who set it: the participant (their token or person session), an organiser, a leader
  changed_by      text        NOT NULL,
  changed_at      timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT task_progress_pkey PRIMARY KEY (task_id, registration_id),
  CONSTRAINT task_progress_task_fkey FOREIGN KEY (task_id) REFERENCES tasks (id) ON DELETE CASCADE,
  CONSTRAINT task_progress_registration_fkey FOREIGN KEY (registration_id)
    REFERENCES registrations (id) ON DELETE CASCADE,
  CONSTRAINT task_progress_status_check CHECK (status IN ('open', 'done')),
  CONSTRAINT task_progress_changed_by_check CHECK (changed_by IN ('participant', 'organiser', 'leader'))
);

CREATE INDEX task_progress_registration_idx ON task_progress (registration_id);

CREATE TABLE task_reminders (
  task_id         uuid        NOT NULL,
  registration_id uuid        NOT NULL,
  sent_at         timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT task_reminders_pkey PRIMARY KEY (task_id, registration_id),
  CONSTRAINT task_reminders_task_fkey FOREIGN KEY (task_id) REFERENCES tasks (id) ON DELETE CASCADE,
  CONSTRAINT task_reminders_registration_fkey FOREIGN KEY (registration_id)
    REFERENCES registrations (id) ON DELETE CASCADE
);

ALTER TABLE mail_outbox DROP CONSTRAINT mail_outbox_kind_check;
ALTER TABLE mail_outbox ADD CONSTRAINT mail_outbox_kind_check CHECK (kind IN (
  'registration_confirmed', 'registration_waitlisted', 'registration_promoted', 'registration_cancelled',
  'registration_link_resent',
  'event_changed', 'event_cancelled',
  'media_request_received', 'media_request_approved', 'media_request_rejected', 'media_request_revoked',
  'media_request_withdrawn',
  'person_sign_in',
  'task_reminder'));
