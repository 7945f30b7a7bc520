package io.latchkey.testing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Row counts and a content checksum of the service's tables (and the number of audit events and logged
 * revocations, which only ever grow), to tell whether anything at all changed
 * between two moments. Every column takes part (whole rows as JSON, so a column added later is covered
 * too) except {@code sessions.last_seen_at}: it is written in the background, coalesced, for any request
 * that authenticates, whatever the handler answers afterwards (SPEC §4).
 */
public record DatabaseFingerprint(long accounts, long identities, long sessions, String accountsMd5,
    String identitiesMd5, String sessionsMd5, long auditEvents, long revocations) {

  private static final String QUERY = """
      SELECT (SELECT count(*) FROM accounts),
             (SELECT count(*) FROM identities),
             (SELECT count(*) FROM sessions),
             (SELECT md5(coalesce(string_agg(to_jsonb(a)::text, '|' ORDER BY a.account_id), '')) FROM accounts a),
             (SELECT md5(coalesce(string_agg(to_jsonb(i)::text, '|' ORDER BY i.identity_id), '')) FROM identities i),
             (SELECT md5(coalesce(string_agg((to_jsonb(s) - 'last_seen_at')::text, '|' ORDER BY s.session_id), ''))
                FROM sessions s),
             (SELECT count(*) FROM audit_events),
             (SELECT count(*) FROM revocation_log)""";

  /** Reads the fingerprint over {@code connection}, whose search path must name the service's schema. */
  public static DatabaseFingerprint of(Connection connection) throws SQLException {
    try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(QUERY)) {
      rs.next();
      return new DatabaseFingerprint(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getString(4), rs.getString(5),
          rs.getString(6), rs.getLong(7), rs.getLong(8));
    }
  }
}
