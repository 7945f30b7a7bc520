package io.latchkey.account;

import java.util.List;
import java.util.UUID;

/** A page of the audit trail, oldest first; {@code next} is the cursor of the following page, or null at the end. */
public record AuditPage(List<AuditEvent> events, UUID next) {}
