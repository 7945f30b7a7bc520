package io.latchkey.account;

import java.util.List;
import java.util.UUID;

/** A page of the account list, oldest first; {@code next} is the cursor of the following page, or null at the end. */
public record AccountPage(List<Account> accounts, UUID next) {}
