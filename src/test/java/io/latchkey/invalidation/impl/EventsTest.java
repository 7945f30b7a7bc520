package io.latchkey.invalidation.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.invalidation.Cursor;
import io.latchkey.invalidation.InvalidationEvent;
import io.latchkey.invalidation.Page;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Log entries into events, and a reader's page from a read: pure logic, no database. */
class EventsTest {

  private static final long STREAM = 7;
  private static final UUID ACCOUNT = UUID.randomUUID();

  private static LogRead.Entry entry(long xid, long seq, String reason, boolean accountWide) {
    return new LogRead.Entry(xid, seq, 1_000 + seq, UUID.randomUUID(), ACCOUNT, new byte[32], reason, accountWide);
  }

  private static JsonObject json(InvalidationEvent event) {
    return new JsonObject(event.json());
  }

  @Test
  void oneTransactionWithOneReasonIsOneEventOfAtMost500Sessions() {
    List<LogRead.Entry> entries = new ArrayList<>();
    for (int i = 1; i <= 1200; i++) {
      entries.add(entry(20, i, "account-disabled", true));
    }
    entries.add(entry(21, 1201, "logout", false));
    entries.add(entry(21, 1202, "other", false));

    Events.Grouped grouped = Events.group(STREAM, entries, Integer.MAX_VALUE);

    assertThat(grouped.entriesUsed()).isEqualTo(1202);
    assertThat(grouped.events()).extracting(e -> json(e).getJsonArray("sessions").size()).containsExactly(500, 500, 200, 1, 1);
    assertThat(grouped.events()).extracting(InvalidationEvent::id).containsExactly(new Cursor(STREAM, 20, 500),
        new Cursor(STREAM, 20, 1000), new Cursor(STREAM, 20, 1200), new Cursor(STREAM, 21, 1201), new Cursor(STREAM, 21, 1202));
    assertThat(json(grouped.events().get(1)).getString("account_id")).isEqualTo(ACCOUNT.toString());
    assertThat(json(grouped.events().get(1)).getLong("revoked_at_ms")).as("the latest of its entries").isEqualTo(2_000);
    assertThat(json(grouped.events().get(3)).containsKey("account_id")).isFalse();
    assertThat(json(grouped.events().get(4)).getString("reason")).isEqualTo("other");
    assertThat(Events.group(STREAM, entries, 2).entriesUsed()).as("cut at two events").isEqualTo(1000);
  }

  @Test
  void anAccountIsNamedOnlyWhenEveryEntryIsThatAccountsAndAccountWide() {
    LogRead.Entry otherAccount = new LogRead.Entry(31, 3, 0, UUID.randomUUID(), UUID.randomUUID(), new byte[32], "r", true);

    assertThat(json(Events.group(STREAM, List.of(entry(30, 1, "r", true), entry(30, 2, "r", false)), 10).events().get(0))
        .containsKey("account_id")).isFalse();
    assertThat(json(Events.group(STREAM, List.of(entry(31, 1, "r", true), otherAccount), 10).events().get(0))
        .containsKey("account_id")).isFalse();
  }

  @Test
  void aPageStopsAtTheEventsAskedForAndResumesAfterTheLast() {
    List<LogRead.Entry> entries = List.of(entry(40, 1, "a", false), entry(41, 2, "a", false), entry(42, 3, "a", false));
    LogRead read = new LogRead(STREAM, new Cursor(STREAM, 0, 0), 50, 60, false, entries);

    Page two = FeedVerticle.page(Cursor.head(STREAM, 40), read, 2);
    assertThat(two.events()).hasSize(2);
    assertThat(two.next()).isEqualTo(new Cursor(STREAM, 41, 2));
    assertThat(FeedVerticle.page(Cursor.head(STREAM, 40), read, 10).next()).as("caught up: the head")
        .isEqualTo(Cursor.head(STREAM, 50));
  }

  @Test
  void aCursorBelowTheHorizonOfAnotherStreamOrFromTheFutureIsAReset() {
    LogRead read = new LogRead(STREAM, new Cursor(STREAM, 45, 9), 50, 60, false, List.of());

    assertThat(reset(FeedVerticle.page(new Cursor(STREAM, 45, 8), read, 10))).isEqualTo("history-pruned");
    assertThat(reset(FeedVerticle.page(new Cursor(STREAM + 1, 55, 0), read, 10))).isEqualTo("unknown-cursor");
    assertThat(reset(FeedVerticle.page(new Cursor(STREAM, 61, 0), read, 10))).isEqualTo("unknown-cursor");
    Page atHorizon = FeedVerticle.page(new Cursor(STREAM, 45, 9), read, 10);
    assertThat(atHorizon.events()).isEmpty();
    assertThat(atHorizon.next()).isEqualTo(Cursor.head(STREAM, 50));
    assertThat(FeedVerticle.page(Cursor.head(STREAM, 55), read, 10).next()).as("never behind the cursor given")
        .isEqualTo(Cursor.head(STREAM, 55));
  }

  private static String reset(Page page) {
    assertThat(page.events()).hasSize(1);
    JsonObject event = new JsonObject(page.events().get(0).json());
    assertThat(event.getString("type")).isEqualTo("reset");
    assertThat(event.getString("id")).isEqualTo(page.next().encode());
    return event.getString("reason");
  }
}
