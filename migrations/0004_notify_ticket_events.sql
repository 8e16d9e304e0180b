-- Hand-written: every ticket event is announced on channel ticket_events, so subscriptions work
-- across several API processes with PostgreSQL alone (LISTEN/NOTIFY; PGlite has it too).
CREATE OR REPLACE FUNCTION yitu_notify_ticket_event() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('ticket_events', json_build_object('eventId', NEW.id, 'ticketId', NEW.ticket_id)::text);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER ticket_events_notify
  AFTER INSERT ON ticket_events
  FOR EACH ROW EXECUTE FUNCTION yitu_notify_ticket_event();
