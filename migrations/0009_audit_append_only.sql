-- Hand-written: the audit log is append-only like the ticket event log (yitu_refuse_change from
-- migration 0002). Nobody, the API included, can edit or erase what was recorded.
CREATE TRIGGER audit_log_append_only
  BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION yitu_refuse_change();
--> statement-breakpoint
CREATE TRIGGER audit_log_no_truncate
  BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION yitu_refuse_change();
