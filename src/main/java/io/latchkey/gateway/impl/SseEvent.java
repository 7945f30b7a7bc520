package io.latchkey.gateway.impl;

/**
 * One dispatched Server-Sent Event.
 *
 * @param type the {@code event:} field, {@code "message"} when there was none
 * @param data the {@code data:} lines joined with {@code \n}
 * @param lastEventId the stream's last event id once this event was dispatched (the {@code id:} of this message,
 *     or of an earlier one when this one had none): where a reconnection resumes after it
 */
public record SseEvent(String type, String data, String lastEventId) {}
