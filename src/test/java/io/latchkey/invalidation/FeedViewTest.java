package io.latchkey.invalidation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class FeedViewTest {

  private static final long STREAM = 42;

  private static InvalidationEvent event(long xid, long seq) {
    return InvalidationEvent.revoked(new Cursor(STREAM, xid, seq), null,
        List.of(new InvalidationEvent.Session(UUID.randomUUID(), UUID.randomUUID(), new byte[32])), 1_000, "logout");
  }

  @Test
  void coversWhatItHoldsAndPagesThroughIt() {
    FeedView view = FeedView.start(0, Cursor.head(STREAM, 10))
        .append(List.of(event(10, 1), event(11, 2), event(12, 3)), Cursor.head(STREAM, 13), Long.MAX_VALUE);

    assertThat(view.covers(Cursor.head(STREAM, 10))).isTrue();
    assertThat(view.covers(Cursor.head(STREAM, 9))).as("below the floor").isFalse();
    assertThat(view.covers(Cursor.head(STREAM, 14))).as("past the head").isFalse();
    assertThat(view.covers(new Cursor(STREAM + 1, 11, 0))).as("another stream").isFalse();
    assertThat(view.reached(Cursor.head(STREAM, 13))).isTrue();

    Page first = view.page(Cursor.head(STREAM, 10), 2);
    assertThat(first.events()).extracting(InvalidationEvent::id).containsExactly(new Cursor(STREAM, 10, 1), new Cursor(STREAM, 11, 2));
    assertThat(first.next()).isEqualTo(new Cursor(STREAM, 11, 2));
    Page rest = view.page(first.next(), 2);
    assertThat(rest.events()).extracting(InvalidationEvent::id).containsExactly(new Cursor(STREAM, 12, 3));
    assertThat(rest.next()).as("the head when nothing is left").isEqualTo(Cursor.head(STREAM, 13));
    assertThat(view.after(new Cursor(STREAM, 11, 2))).extracting(InvalidationEvent::id).containsExactly(new Cursor(STREAM, 12, 3));
  }

  @Test
  void forgetsTheOldestBeyondItsBytesAndRaisesTheFloor() {
    InvalidationEvent a = event(10, 1);
    InvalidationEvent b = event(11, 2);
    InvalidationEvent c = event(12, 3);
    FeedView view = FeedView.start(0, Cursor.head(STREAM, 10))
        .append(List.of(a, b, c), Cursor.head(STREAM, 13), b.size() + c.size());

    assertThat(view.size()).isEqualTo(2);
    assertThat(view.floor()).isEqualTo(a.id());
    assertThat(view.covers(a.id())).isTrue();
    assertThat(view.covers(Cursor.head(STREAM, 10))).as("what a held is no longer here").isFalse();
    assertThat(view.bytes()).isEqualTo(b.size() + c.size());
  }

  @Test
  void anUnchangedHeadIsTheSameView() {
    FeedView view = FeedView.start(3, Cursor.head(STREAM, 10));

    assertThat(view.append(List.of(), Cursor.head(STREAM, 10), 1000)).isSameAs(view);
    assertThat(view.append(List.of(), Cursor.head(STREAM, 11), 1000).generation()).isEqualTo(3);
  }

  @Test
  void anEventRendersItsFrameAndItsJsonFromOneText() {
    UUID session = UUID.fromString("01a2366c-5688-70bd-9558-a20544015a07");
    UUID account = UUID.fromString("01a2366c-568a-7a85-a7f7-4f3ee71e391d");
    InvalidationEvent event = InvalidationEvent.revoked(new Cursor(STREAM, 10, 1), account,
        List.of(new InvalidationEvent.Session(session, account, new byte[32])), 1_700_000_000_000L, "logout");
    String id = new Cursor(STREAM, 10, 1).encode();
    String data = "{\"account_id\":\"" + account + "\",\"sessions\":[{\"session_id\":\"" + session + "\",\"account_id\":\""
        + account + "\",\"token_hash\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}],\"revoked_at_ms\":1700000000000,"
        + "\"reason\":\"logout\"}";

    assertThat(event.frame().toString()).isEqualTo("id: " + id + "\nevent: revoked\ndata: " + data + "\n\n");
    assertThat(event.json()).isEqualTo("{\"id\":\"" + id + "\",\"type\":\"revoked\"," + data.substring(1));
    assertThat(InvalidationEvent.reset(Cursor.head(STREAM, 11), InvalidationEvent.RESET_PRUNED).json())
        .isEqualTo("{\"id\":\"" + Cursor.head(STREAM, 11).encode() + "\",\"type\":\"reset\",\"reason\":\"history-pruned\"}");
  }
}
